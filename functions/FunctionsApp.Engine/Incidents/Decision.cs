namespace FunctionsApp.Incidents;

/// <summary>A decided verdict: the cause, how sure, why in one sentence, and what to do.</summary>
internal sealed record Decision(IncidentCause Cause, double Confidence, string Summary, IReadOnlyList<string> Remediation);
