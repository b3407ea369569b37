using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.Cli;

/// <summary><c>analyze --json</c> with <c>--nginx-config</c>: the usual document plus the configuration's findings.</summary>
internal sealed record AnalysisWithConfig(IReadOnlyList<Incident> Incidents, ReportStats Stats, ConfigReport Config);
