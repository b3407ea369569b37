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
