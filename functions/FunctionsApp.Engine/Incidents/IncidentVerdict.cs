using System.Text;
using FunctionsApp.Metrics;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Where an incident's verdict is decided: the classifier reads the evidence, a metrics assessment (when there is
/// one) strengthens, weakens or proposes overload, and the remediation is written for the resulting cause with the
/// failure kinds of the evidence, so kind-specific steps (a full listen backlog, a missing socket) stay when the
/// cause changes.
/// </summary>
internal static class IncidentVerdict
{
    /// <summary>The verdict on the engine's evidence, with the metrics' say when <paramref name="metrics"/> is given.</summary>
    public static Decision Decide(IncidentEvidence evidence, MetricsVerdict? metrics = null)
    {
        var classified = IncidentClassifier.Classify(evidence);
        var verdict = classified with { Summary = WithNote(classified.Summary, IncidentClassifier.MissingErrorPageNote(evidence)) };
        if (metrics is not { } assessed)
        {
            return new(verdict.Cause, verdict.Confidence, verdict.Summary, Remediation.For(verdict.Cause, evidence));
        }

        var adjusted = OverloadVerdictAdjuster.Adjust(verdict.Cause, verdict.Confidence, assessed);
        return new(adjusted.Cause, Math.Round(adjusted.Confidence, 2), WithNote(verdict.Summary, adjusted.Note), Remediation.For(adjusted.Cause, evidence));
    }

    /// <summary>An incident the engine built, weighed again with its upstream's metrics (which it then carries).</summary>
    public static Incident Reconsider(Incident incident, IncidentMetrics metrics)
    {
        var adjusted = OverloadVerdictAdjuster.Adjust(incident.Cause, incident.Confidence, metrics.Verdict);
        return Revise(incident, adjusted.Cause, adjusted.Confidence, adjusted.Note) with { Metrics = metrics };
    }

    /// <summary>
    /// Another witness (metrics, a probe) changed the cause or confidence: the summary gains its note, and for a new
    /// cause the remediation is written again with the failure kinds the incident's error-log evidence shows.
    /// </summary>
    public static Incident Revise(Incident incident, IncidentCause cause, double confidence, string? note) => incident with
    {
        Cause = cause,
        Confidence = Math.Round(confidence, 2),
        Summary = WithNote(incident.Summary, note),
        Remediation = cause == incident.Cause ? incident.Remediation : Remediation.For(cause, EvidenceOf(incident)),
    };

    /// <summary>
    /// What an incident document still tells of its evidence: the upstream and the failure kinds of its error-log
    /// evidence, each read from the item's sample line as the engine read it (the signature alone can lose the kind:
    /// <c>connect() to [::1]:80 failed (99: ...)</c> is IPv6 only by its address, which the signature drops). Stored
    /// incidents are reconsidered from this too, so it needs nothing the document lacks.
    /// </summary>
    public static IncidentEvidence EvidenceOf(Incident incident)
    {
        var errorLines = incident.Evidence.Where(e => e.Source == "error").ToList();
        return new IncidentEvidence
        {
            Upstream = incident.Upstream,
            Kinds = errorLines
                .Select(e => (Kind: KindOf(e), e.Count))
                .Where(k => k.Kind != FailureKind.None)
                .GroupBy(k => k.Kind)
                .ToDictionary(g => g.Key, g => g.Sum(k => k.Count)),
            FailedRequests = incident.FailedRequests,
            ServedBefore = incident.SuccessesBefore,
            ServersDisabledForAnswers = incident.Evidence.Any(e => e.Signature == IncidentClassifier.DisabledForAnswersSignature),
            UnroutedHost = incident.Evidence.Where(e => e.Signature.EndsWith(IncidentClassifier.UnroutedHostSignature, StringComparison.Ordinal)).Sum(e => e.Count),

            // A gateway failure's client gets a 404 or 403 only when nginx could not open the page error_page names for it
            // (RequestJoin.StatusFor): the statuses keep what the count of such requests was.
            MissingErrorPages = incident.Statuses.Where(s => s.Key is "403" or "404").Sum(s => s.Value),
        }.WithErrorLines([.. errorLines.Select(e => e.Signature)], [.. errorLines.Select(e => e.Sample)]);
    }

    private static FailureKind KindOf(EvidenceItem item)
    {
        var sample = Encoding.UTF8.GetBytes(item.Sample);
        return ErrorLogParser.TryParseAnywhere(sample, null, out var line)
            ? ErrorSignatures.WithTarget(ErrorSignatures.Classify(in line, line.Message), in line)
            : ErrorSignatures.Classify(Encoding.UTF8.GetBytes(item.Signature));
    }

    private static string WithNote(string summary, string? note) => note is null ? summary : $"{summary} {note}";
}
