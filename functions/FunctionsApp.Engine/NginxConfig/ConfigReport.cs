namespace FunctionsApp.NginxConfig;

/// <summary>What the configuration check says: the files read, how much they hold, and the findings.</summary>
/// <param name="Files">Every file read, main file first.</param>
/// <param name="Servers">Number of <c>server</c> blocks in <c>http</c>.</param>
/// <param name="Upstreams">Number of <c>upstream</c> blocks.</param>
/// <param name="Findings">Findings in file order.</param>
/// <param name="Warnings">What could not be followed (for example includes of a pasted single file).</param>
public sealed record ConfigReport(
    IReadOnlyList<string> Files,
    int Servers,
    int Upstreams,
    IReadOnlyList<ConfigFinding> Findings,
    IReadOnlyList<string> Warnings)
{
    public static ConfigReport Create(NginxConfigModel model, IReadOnlyList<ConfigFinding> findings, IReadOnlyList<ConfigError> warnings)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ConfigReport(model.Files, model.Servers.Count, model.Upstreams.Count, findings, [.. warnings.Select(w => w.ToString())]);
    }
}
