using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications.Outbox;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboxItem))]
internal sealed partial class OutboxJsonContext : JsonSerializerContext;
