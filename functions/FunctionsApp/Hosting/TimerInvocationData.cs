using System.Text.Json.Serialization;

namespace FunctionsApp.Hosting;

/// <summary>
/// Input bindings of a timer invocation; the trigger binding is named <c>timer</c> in every function.json. The host
/// sends it as an object or as a JSON-encoded string, depending on its version; both are read.
/// </summary>
internal sealed record TimerInvocationData([property: JsonConverter(typeof(TimerInfoJsonConverter))] TimerInfo? Timer);
