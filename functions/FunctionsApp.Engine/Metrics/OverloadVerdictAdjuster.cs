using FunctionsApp.Incidents;

namespace FunctionsApp.Metrics;

/// <summary>
/// Pure: folds the metrics verdict into the log classifier's cause and confidence.
/// Logs stay primary; metrics can only strengthen, weaken or (when the logs are ambiguous) propose <c>overload</c>.
/// </summary>
public static class OverloadVerdictAdjuster
{
    /// <summary>Below this the classifier's cause counts as ambiguous.</summary>
    public const double AmbiguousBelow = 0.5;

    /// <summary>Confidence gained by an overload verdict that the metrics corroborate.</summary>
    public const double CorroborationBoost = 0.2;

    /// <summary>Confidence lost by an overload verdict while resources were normal.</summary>
    public const double NormalPenalty = 0.25;

    /// <summary>Confidence of <c>overload</c> when proposed from metrics over ambiguous logs.</summary>
    public const double ProposedConfidence = 0.55;

    public static OverloadAdjustment Adjust(IncidentCause cause, double confidence, MetricsVerdict verdict) => verdict switch
    {
        MetricsVerdict.Corroborated when cause == IncidentCause.Overload =>
            new(cause, Math.Min(0.95, confidence + CorroborationBoost), "CPU/memory corroborate overload."),
        MetricsVerdict.Corroborated when cause == IncidentCause.Unknown || confidence < AmbiguousBelow =>
            new(IncidentCause.Overload, Math.Max(ProposedConfidence, confidence), $"Log evidence was ambiguous ({IncidentCauses.Name(cause)}, {confidence:0.00}); CPU/memory point to overload."),
        MetricsVerdict.Normal when cause == IncidentCause.Overload =>
            new(cause, Math.Max(0.1, confidence - NormalPenalty), "CPU/memory stayed normal, which argues against overload."),
        MetricsVerdict.Corroborated or MetricsVerdict.Normal or MetricsVerdict.NoData => new(cause, confidence, null),
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };
}
