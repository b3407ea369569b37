using FunctionsApp.Incidents;

namespace FunctionsApp.Metrics;

/// <summary>A classifier verdict after the metrics have had their say.</summary>
/// <param name="Cause">The cause to report.</param>
/// <param name="Confidence">Its confidence, in [0, 1].</param>
/// <param name="Note">Why it changed, for the incident summary; null when unchanged.</param>
public sealed record OverloadAdjustment(IncidentCause Cause, double Confidence, string? Note)
{
    public bool Changed => Note is not null;
}
