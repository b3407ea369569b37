namespace FunctionsApp.Hosting;

/// <summary>Standalone hosting (section <c>Hosting</c>); ignored under the Functions host except <see cref="FunctionsRoot"/>.</summary>
internal sealed class HostingOptions
{
    public const string SectionName = "Hosting";

    /// <summary>URL(s) the standalone app listens on, separated by <c>;</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Folder holding <c>host.json</c> and the <c>&lt;FunctionName&gt;/function.json</c> folders; default: the app's folder.</summary>
    public string? FunctionsRoot { get; set; }

    /// <summary>Whether standalone mode runs the timer functions on their <c>function.json</c> schedules.</summary>
    public bool RunTimers { get; set; } = true;

    public string ResolveFunctionsRoot() =>
        string.IsNullOrWhiteSpace(FunctionsRoot) ? AppContext.BaseDirectory : Path.GetFullPath(FunctionsRoot);
}
