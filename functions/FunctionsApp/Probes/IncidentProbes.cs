using FunctionsApp.Incidents;

namespace FunctionsApp.Probes;

/// <summary>
/// Probe results as incident evidence (<c>source: probe</c>, the one-line summary as the sample), and what they say
/// about the verdict: a refused connect confirms <c>upstream_down</c>, a certificate problem names itself in a
/// <c>tls_handshake</c> verdict, a healthy answer while the incident is open says the upstream recovered before the
/// logs show it, and a failure the logs could not explain gives an <c>unknown</c> incident its cause.
/// </summary>
internal static class IncidentProbes
{
    public const string EvidenceSource = "probe";

    public static Incident Apply(Incident incident, IReadOnlyList<ProbeResult> results)
    {
        var known = incident.Evidence.Where(e => e.Source == EvidenceSource).Select(e => e.Sample).ToHashSet(StringComparer.Ordinal);
        var fresh = results.Where(r => !known.Contains(r.Summary)).ToList();
        if (fresh.Count == 0)
        {
            return incident;
        }

        var latest = fresh[^1];
        var cause = incident.Cause;
        var confidence = incident.Confidence;
        string? note = null;
        var confirms = Confirms(incident.Cause, latest.Outcome);
        if (confirms)
        {
            confidence = Math.Max(confidence, 0.97);
            note = $"The probe confirms it ({latest.Summary}).";
        }
        else if (latest.Outcome == ProbeOutcome.Ok && incident.State == IncidentState.Open)
        {
            note = $"The upstream answers again ({latest.Summary}): it has recovered; the logs will show it once traffic succeeds.";
        }
        else if (incident.Cause == IncidentCause.Unknown && CauseOf(latest.Outcome, incident.SuccessesBefore) is { } probed)
        {
            cause = probed;
            confidence = 0.6;
            note = $"The logs did not say why; the probe does ({latest.Summary}).";
        }
        else if (latest.Outcome is not (ProbeOutcome.Ok or ProbeOutcome.Blocked))
        {
            note = $"Probe: {latest.Summary}.";
        }

        return IncidentVerdict.Revise(incident, cause, confidence, note) with
        {
            Evidence = [.. incident.Evidence, .. fresh.Select(r => new EvidenceItem($"probe: {Name(r.Outcome)}", 0, r.Summary, EvidenceSource))],
        };
    }

    private static bool Confirms(IncidentCause cause, ProbeOutcome outcome) => (cause, outcome) switch
    {
        (IncidentCause.UpstreamDown, ProbeOutcome.Refused or ProbeOutcome.SocketMissing or ProbeOutcome.Unreachable) => true,
        (IncidentCause.Misconfiguration, ProbeOutcome.Refused or ProbeOutcome.SocketMissing or ProbeOutcome.PermissionDenied or ProbeOutcome.HeadersTooLarge) => true,
        (IncidentCause.TlsHandshake, ProbeOutcome.TlsFailed or ProbeOutcome.CertificateProblem) => true,
        (IncidentCause.Dns, ProbeOutcome.DnsFailed) => true,
        (IncidentCause.Timeout, ProbeOutcome.HttpFailed or ProbeOutcome.Timeout) => true,
        (IncidentCause.Overload, ProbeOutcome.BacklogFull or ProbeOutcome.Timeout) => true,
        (IncidentCause.UpstreamReturned, ProbeOutcome.HttpError) => true,
        _ => false,
    };

    private static IncidentCause? CauseOf(ProbeOutcome outcome, long successesBefore) => outcome switch
    {
        ProbeOutcome.Refused or ProbeOutcome.SocketMissing => successesBefore > 0 ? IncidentCause.UpstreamDown : IncidentCause.Misconfiguration,
        ProbeOutcome.PermissionDenied or ProbeOutcome.HeadersTooLarge => IncidentCause.Misconfiguration,
        ProbeOutcome.TlsFailed or ProbeOutcome.CertificateProblem => IncidentCause.TlsHandshake,
        ProbeOutcome.DnsFailed => IncidentCause.Dns,
        ProbeOutcome.Timeout or ProbeOutcome.HttpFailed => IncidentCause.Timeout,
        ProbeOutcome.BacklogFull => IncidentCause.Overload,
        ProbeOutcome.HttpError => IncidentCause.UpstreamReturned,
        _ => null,
    };

    private static string Name(ProbeOutcome outcome) =>
        System.Text.Json.JsonSerializer.Serialize(outcome, ProbesJsonContext.Default.ProbeOutcome).Trim('"');
}
