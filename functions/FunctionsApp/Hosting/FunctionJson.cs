namespace FunctionsApp.Hosting;

/// <summary>The file format of function.json (only <c>bindings</c> matters to a custom handler).</summary>
internal sealed record FunctionJson(IReadOnlyList<FunctionBinding>? Bindings);
