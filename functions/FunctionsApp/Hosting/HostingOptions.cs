namespace FunctionsApp.Hosting;

/// <summary>Standalone hosting (section <c>Hosting</c>); not used by the isolated worker.</summary>
internal sealed class HostingOptions
{
    public const string SectionName = "Hosting";

    /// <summary>URL(s) the standalone app listens on, separated by <c>;</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Whether standalone mode runs the timer functions on their schedules.</summary>
    public bool RunTimers { get; set; } = true;
}
