using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.Probes;

namespace FunctionsApp.Tests.Probes;

/// <summary>
/// A probe that changes the cause goes through the engine's verdict: the remediation keeps the steps of the failure
/// kinds in the evidence (the engine half: FunctionsApp.Engine.Tests, IncidentVerdictTests).
/// </summary>
public sealed class IncidentProbesTests
{
    // nginx 1.22 when PHP-FPM's listen backlog is full (EAGAIN on connect() to its socket).
    private const string BacklogFull = "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream";
    private const string BacklogStep = "the listen backlog is full";

    [Fact]
    public void Apply_ProbeGivesUnknownIncidentItsCause_KeepsTheKindSpecificSteps()
    {
        var incident = Unknown();
        var probe = new ProbeResult
        {
            Target = "unix:/run/php/php8.2-fpm.sock",
            Scheme = "tcp",
            StartedAt = incident.End,
            DurationMs = 3,
            Outcome = ProbeOutcome.BacklogFull,
            Summary = "probe 10:05:00 UTC: connect to unix:/run/php/php8.2-fpm.sock: backlog full (EAGAIN)",
        };

        var probed = IncidentProbes.Apply(incident, [probe]);

        Assert.Equal(IncidentCause.Overload, probed.Cause);
        Assert.Contains(probed.Remediation, s => s.Contains(BacklogStep, StringComparison.Ordinal));
    }

    private static Incident Unknown()
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        return new Incident
        {
            Id = "a1",
            Upstream = "unix:/run/php/php8.2-fpm.sock",
            Host = "shop.test",
            Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = 12 },
            Cause = IncidentCause.Unknown,
            Confidence = 0.3,
            Summary = "Mixed signals.",
            Start = start,
            End = start.AddMinutes(4),
            State = IncidentState.Open,
            FailedRequests = 12,
            Evidence = [new EvidenceItem(ErrorSignatures.Normalize(Encoding.UTF8.GetBytes(BacklogFull)), 12, $"2026/11/24 10:00:01 [error] 77#77: *9 {BacklogFull}, client: 10.9.8.7")],
            Remediation = Remediation.For(IncidentCause.Unknown, "unix:/run/php/php8.2-fpm.sock", [FailureKind.ResourceUnavailable]),
        };
    }
}
