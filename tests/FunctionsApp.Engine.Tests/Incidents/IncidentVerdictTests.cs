using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Metrics;
using FunctionsApp.NginxLogs;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// The verdict is decided in the engine: metrics and probes that change the cause get remediation written with the
/// failure kinds of the evidence, not a cause's generic steps (the probe half: FunctionsApp.Tests, IncidentProbesTests).
/// </summary>
public sealed class IncidentVerdictTests
{
    // nginx 1.22 when PHP-FPM's listen backlog is full (EAGAIN on connect() to its socket).
    private const string BacklogFull = "connect() to unix:/run/php/php8.2-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream";
    private const string TimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";
    private const string BacklogStep = "the listen backlog is full";

    [Fact]
    public void Reconsider_MetricsProposeOverload_KeepsTheKindSpecificSteps()
    {
        var incident = Ambiguous(IncidentCause.Timeout, 0.4);

        var reconsidered = IncidentVerdict.Reconsider(incident, Metrics(MetricsVerdict.Corroborated));

        Assert.Equal(IncidentCause.Overload, reconsidered.Cause);
        Assert.Contains(reconsidered.Remediation, s => s.Contains(BacklogStep, StringComparison.Ordinal));
        Assert.Equal(MetricsVerdict.Corroborated, reconsidered.Metrics?.Verdict);
        Assert.EndsWith("CPU/memory point to overload.", reconsidered.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconsider_CauseChangedOnRequestsAnsweredByAMissingErrorPage_KeepsTheStepToRestoreIt()
    {
        // Of the twelve failed requests, five got nginx's 404: the page error_page names could not be opened.
        var incident = Ambiguous(IncidentCause.Timeout, 0.4) with { Statuses = new Dictionary<string, int> { ["502"] = 7, ["404"] = 5 } };

        var reconsidered = IncidentVerdict.Reconsider(incident, Metrics(MetricsVerdict.Corroborated));

        Assert.Equal(IncidentCause.Overload, reconsidered.Cause);
        Assert.Contains(reconsidered.Remediation, s => s.StartsWith("Restore the page `error_page` names", StringComparison.Ordinal));
        Assert.DoesNotContain(IncidentVerdict.Reconsider(Ambiguous(IncidentCause.Timeout, 0.4), Metrics(MetricsVerdict.Corroborated)).Remediation,
            s => s.StartsWith("Restore the page", StringComparison.Ordinal));
    }

    [Fact]
    public void Reconsider_CauseUnchanged_KeepsRemediationAsBuilt()
    {
        var incident = Ambiguous(IncidentCause.Overload, 0.7);

        var reconsidered = IncidentVerdict.Reconsider(incident, Metrics(MetricsVerdict.Normal));

        Assert.Equal(IncidentCause.Overload, reconsidered.Cause);
        Assert.Equal(0.45, reconsidered.Confidence);
        Assert.Same(incident.Remediation, reconsidered.Remediation);
    }

    [Fact]
    public void Decide_WithMetrics_EqualsReconsideringTheBuiltIncident()
    {
        // A real engine run: a burst of EAGAIN on the PHP-FPM socket while other requests are served.
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 40; s++)
        {
            access.Add(Access(s, 200, upstream: "unix:/run/php/php8.2-fpm.sock", cid: 1000 + s));
            if (s % 2 == 0)
            {
                access.Add(Access(s, 502, upstream: "unix:/run/php/php8.2-fpm.sock", upstreamStatus: "502", connect: "-", header: "-", cid: s + 1));
                errors.Add(Error(s, BacklogFull, upstream: "unix:/run/php/php8.2-fpm.sock", cid: s + 1));
            }
        }

        var incident = Assert.Single(Analyze(access, errors).Incidents);
        var metrics = Metrics(MetricsVerdict.Normal);

        var reconsidered = IncidentVerdict.Reconsider(incident, metrics);

        Assert.Equal(IncidentCause.Overload, incident.Cause);
        Assert.True(reconsidered.Confidence < incident.Confidence);
        Assert.Contains(incident.Remediation, s => s.Contains(BacklogStep, StringComparison.Ordinal));
        Assert.Equal(incident.Remediation, reconsidered.Remediation);
    }

    [Theory]
    [MemberData(nameof(ErrorSignaturesTests.Messages), MemberType = typeof(ErrorSignaturesTests))]
    public void EvidenceOf_EvidenceOfARealMessage_HasTheMessagesKind(string message, string kind)
    {
        var line = Error(3, message);
        var incident = Ambiguous(IncidentCause.Unknown, 0.3) with { Evidence = [new EvidenceItem(Signature(message), 4, line)] };

        var kinds = IncidentVerdict.EvidenceOf(incident).Kinds;

        Assert.Equal(kind == "None" ? [] : [kind], kinds.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void EvidenceOf_EvidenceOfTheRealErrorLines_HasTheirKinds()
    {
        using var table = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "real-error-lines", "lines.json")));
        var checkedLines = 0;
        foreach (var item in table.RootElement.GetProperty("lines").EnumerateArray())
        {
            var line = Encoding.UTF8.GetBytes(item.GetProperty("line").GetString()!);
            if (!ErrorLogParser.TryParse(line, out var entry))
            {
                continue;
            }

            var kind = ErrorSignatures.Classify(entry.Message);
            var incident = Ambiguous(IncidentCause.Unknown, 0.3) with { Evidence = [new EvidenceItem(ErrorSignatures.Normalize(entry.Message), 2, Encoding.UTF8.GetString(line))] };
            Assert.Equal(kind == FailureKind.None ? [] : [kind], IncidentVerdict.EvidenceOf(incident).Kinds.Keys);
            checkedLines++;
        }

        Assert.True(checkedLines > 20, $"only {checkedLines} lines parsed");
    }

    [Fact]
    public void EvidenceOf_Incident_CountsKindsOfErrorEvidenceOnly()
    {
        var incident = Ambiguous(IncidentCause.Timeout, 0.4) with
        {
            Evidence =
            [
                new EvidenceItem(Signature(BacklogFull), 7, Error(1, BacklogFull)),
                new EvidenceItem(Signature(TimedOut), 2, Error(2, TimedOut)),
                new EvidenceItem("status 502 with upstream_status 502", 9, "...", "access"),
                new EvidenceItem("probe: refused", 0, "connect() failed (111: Connection refused)", "probe"),
            ],
        };

        var evidence = IncidentVerdict.EvidenceOf(incident);

        Assert.Equal(new Dictionary<FailureKind, int> { [FailureKind.ResourceUnavailable] = 7, [FailureKind.TimedOut] = 2 }, evidence.Kinds);
    }

    private static Incident Ambiguous(IncidentCause cause, double confidence)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        return new Incident
        {
            Id = "a1",
            Upstream = "unix:/run/php/php8.2-fpm.sock",
            Host = "shop.test",
            Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = 12 },
            Cause = cause,
            Confidence = confidence,
            Summary = "Mixed signals.",
            Start = start,
            End = start.AddMinutes(4),
            State = IncidentState.Open,
            FailedRequests = 12,
            Evidence = [new EvidenceItem(Signature(BacklogFull), 12, $"2026/11/24 10:00:01 [error] 77#77: *9 {BacklogFull}, client: 10.9.8.7")],
            Remediation = Remediation.For(cause, "unix:/run/php/php8.2-fpm.sock", [FailureKind.ResourceUnavailable]),
        };
    }

    private static string Signature(string message) => ErrorSignatures.Normalize(Encoding.UTF8.GetBytes(message));

    private static IncidentMetrics Metrics(MetricsVerdict verdict)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        return new IncidentMetrics
        {
            Verdict = verdict,
            Summary = "CPU of vm-php-1 peaked at 98%.",
            BaselineStart = start.AddMinutes(-30),
            IncidentStart = start,
            IncidentEnd = start.AddMinutes(4),
        };
    }
}
