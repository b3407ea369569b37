namespace FunctionsApp.Incidents;

/// <summary>The classifier's answer: one cause, how sure, and why in one sentence.</summary>
internal sealed record Verdict(IncidentCause Cause, double Confidence, string Summary);
