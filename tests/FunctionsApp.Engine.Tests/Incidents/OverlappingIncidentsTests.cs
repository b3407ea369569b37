using FunctionsApp.Incidents;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

public sealed class OverlappingIncidentsTests
{
    [Fact]
    public void Analyze_TwoInstancesGivenAsTwoFiles_OneIncidentWithBothInstancesFailures()
    {
        // Two nginx behind one balancer, each refused by the same upstream from 10:05 to 10:06:30; each file is read
        // whole in turn, so the second goes back to 10:00.
        var first = Instance(seed: 1);
        var second = Instance(seed: 2);
        var errors = first.Errors.Concat(second.Errors).ToList();

        var report = LogAnalyzer.Analyze(
            [Input("a/access.log", first.Access), Input("b/access.log", second.Access)],
            [Input("a/error.log", first.Errors), Input("b/error.log", second.Errors)],
            Format(), new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(IncidentCause.UpstreamDown, incident.Cause);
        Assert.Equal(180, incident.FailedRequests);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 10, 5, 0, TimeSpan.Zero), incident.Start);
        Assert.Equal(errors.Count, incident.Evidence.Where(e => e.Source == "error").Sum(e => e.Count));
    }

    /// <summary>
    /// A committed error log of one gunicorn socket, pasted whole: headers too big for nginx's buffers at 19:13 and
    /// again at 20:08, and the socket gone before and after the second burst. Each cause's pieces are joined into one
    /// problem (nothing says the socket served in between), and the two overlap; the configuration's fault stays an
    /// incident of its own, not folded into the outage's verdict and out of its evidence.
    /// </summary>
    [Fact]
    public void Analyze_MisconfigurationAcrossAnOutageOfItsUpstream_StaysItsOwnIncident()
    {
        const string Context = ", client: 192.54.222.27, server: _, request: \"GET / HTTP/1.1\", upstream: \"http://unix:/tmp/gunicorn.sock:/\", host: \"www.techcreation.sg\"";
        var start = new DateTimeOffset(2011, 11, 18, 19, 13, 47, TimeSpan.Zero);
        var errors = new List<string>();
        void Add(double minutes, string level, int cid, string message) =>
            errors.Add($"{start.AddMinutes(minutes):yyyy/MM/dd HH:mm:ss} [{level}] 29693#0: *{cid} {message}{Context}");
        for (var i = 0; i < 3; i++)
        {
            Add(i * 0.05, "error", 1244 + i, "upstream sent too big header while reading response header from upstream");
        }

        for (var i = 0; i < 30; i++)
        {
            Add(1 + i, "crit", 1300 + i, "connect() to unix:/tmp/gunicorn.sock failed (2: No such file or directory) while connecting to upstream");
        }

        for (var i = 0; i < 3; i++)
        {
            Add(55 + i * 0.1, "error", 1400 + i, "upstream sent too big header while reading response header from upstream");
        }

        for (var i = 0; i < 30; i++)
        {
            Add(75 + i, "crit", 1500 + i, "connect() to unix:/tmp/gunicorn.sock failed (2: No such file or directory) while connecting to upstream");
        }

        var report = LogAnalyzer.Analyze([], [Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var misconfiguration = Assert.Single(report.Incidents, i => i.Cause == IncidentCause.Misconfiguration);
        Assert.Equal(6, misconfiguration.FailedRequests);
        Assert.Contains(report.Incidents, i => i.Cause == IncidentCause.UpstreamDown && i.FailedRequests == 60);
    }

    /// <summary>
    /// <c>proxy_pass http://localhost:8080</c> is a block of <c>[::1]:8080</c> and <c>127.0.0.1:8080</c>, one
    /// application: a login timing out on the first, then, after eleven minutes in which nobody sent a request, on the
    /// second (and on both), is one outage, as it would be on one address.
    /// </summary>
    [Fact]
    public void Analyze_LocalhostsTwoLoopbacksFailingEitherSideOfSilence_AreOneOutage()
    {
        var start = new DateTimeOffset(2025, 7, 21, 19, 50, 0, TimeSpan.FromHours(8));
        string Access(int second, int status) =>
            $"127.0.0.1 - - [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss zzz}] \"POST /api/employee/login HTTP/1.1\" {status} 160 \"http://localhost/\" \"Mozilla/5.0\"".Replace("+08:00", "+0800", StringComparison.Ordinal);
        string TimedOut(int second, int cid, string server) =>
            $"{start.AddSeconds(second):yyyy/MM/dd HH:mm:ss} [error] 5180#13028: *{cid} upstream timed out (10060: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond) while reading response header from upstream, client: 127.0.0.1, server: localhost, request: \"POST /api/employee/login HTTP/1.1\", upstream: \"http://{server}/admin/employee/login\", host: \"localhost\"";
        int[] failedAt = [374, 1074, 1237, 1313];
        var access = Enumerable.Range(0, 12).Select(i => Access(i * 30, 200)).Concat(failedAt.Select(s => Access(s, 504)));
        var errors = new[]
        {
            TimedOut(374, 57, "[::1]:8080"), TimedOut(1074, 61, "127.0.0.1:8080"), TimedOut(1237, 64, "127.0.0.1:8080"), TimedOut(1313, 66, "[::1]:8080"),
        };

        var report = LogAnalyzer.Analyze([Input("access.log", access)], [Input("error.log", errors)], null, new DiagnosisOptions { ErrorLogUtcOffset = TimeSpan.FromHours(8) }, CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 4), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    [Fact]
    public void Analyze_KubectlPrefixOverTwoPods_OneIncident()
    {
        var lines = Instance(seed: 1).Access.Select(l => "[pod/web-7d9f-a1/nginx] " + l)
            .Concat(Instance(seed: 2).Access.Select(l => "[pod/web-7d9f-b2/nginx] " + l));

        var report = Analyze(lines);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(180, incident.FailedRequests);
        Assert.Equal(502, incident.Status);
    }

    [Fact]
    public void Analyze_OneUpstreamFailingTwiceInOrder_StaysTwoIncidents()
    {
        // Read in time order, a second outage after a quiet period is an incident of its own.
        var access = Enumerable.Range(0, 900).Select(s => Access(s, s is >= 100 and < 130 or >= 600 and < 630 ? 502 : 200, upstreamStatus: s is >= 100 and < 130 or >= 600 and < 630 ? "502" : "200")).ToList();

        var report = Analyze(access);

        Assert.Equal(2, report.Incidents.Count);
        Assert.All(report.Incidents, i => Assert.Equal(30, i.FailedRequests));
    }

    private static (List<string> Access, List<string> Errors) Instance(int seed)
    {
        var random = new Random(seed);
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 600; s++)
        {
            var down = s is >= 300 and < 390;
            var cid = (seed * 10_000) + s;
            access.Add(Access(s, down ? 502 : 200, cid: cid, connect: down ? "-" : "0.001", header: down ? "-" : "0.0" + random.Next(10, 90), path: $"/items/{s}"));
            if (down)
            {
                errors.Add(Error(s, "connect() failed (111: Connection refused) while connecting to upstream", cid: cid, path: $"/items/{s}"));
            }
        }

        return (access, errors);
    }

    private static FunctionsApp.NginxLogs.AccessLogFormat Format()
    {
        Assert.True(FunctionsApp.NginxLogs.AccessLogFormat.TryCompile(UpstreamFormat, out var format, out var error), error);
        return format!;
    }
}
