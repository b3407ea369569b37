namespace FunctionsApp.Hosting;

/// <summary>A binding of a function.json: the fields the app and its tests rely on.</summary>
internal sealed record FunctionBinding(
    string Type,
    string? Direction,
    string? Name,
    string? AuthLevel,
    IReadOnlyList<string>? Methods,
    string? Route,
    string? Schedule,
    bool? RunOnStartup,
    bool? UseMonitor);
