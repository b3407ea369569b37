using System.Text.Json;
using System.Text.Json.Nodes;
using FunctionsApp.Incidents;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>The saved engine state: versioned, and read through methods (no caller builds history keys).</summary>
public sealed class EngineStateTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Serialize_NewState_WritesCurrentVersion()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(new EngineState(), EngineStateJsonContext.Default.EngineState))!;

        Assert.Equal(EngineState.CurrentVersion, (int)json["version"]!);
    }

    [Fact]
    public void Resume_StateSavedBeforeVersioning_CarriesOnAsCurrentLayout()
    {
        var saved = JsonNode.Parse(JsonSerializer.Serialize(Engine().State, EngineStateJsonContext.Default.EngineState))!.AsObject();
        saved.Remove("version");

        var state = EngineState.Resume(JsonSerializer.Deserialize(saved.ToJsonString(), EngineStateJsonContext.Default.EngineState)!);

        Assert.Equal(EngineState.CurrentVersion, state.Version);
        Assert.NotNull(state.UpstreamHistory("10.0.0.1:8080"));
    }

    [Fact]
    public void Resume_NewerVersion_IsRefusedNamingBothVersions()
    {
        var state = RoundTrip(Engine().State);
        state.Version = EngineState.CurrentVersion + 1;

        var error = Assert.Throws<EngineStateVersionException>(() => EngineState.Resume(state));

        Assert.Equal(EngineState.CurrentVersion + 1, error.Version);
        Assert.Contains($"version {EngineState.CurrentVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({EngineState.CurrentVersion})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_OlderThanReadable_RestartsWithAFreshState()
    {
        var state = RoundTrip(Engine().State);
        state.Version = EngineState.OldestReadableVersion - 1;

        var resumed = EngineState.Resume(state);

        Assert.NotSame(state, resumed);
        Assert.Equal(EngineState.CurrentVersion, resumed.Version);
        Assert.Empty(resumed.History);
        Assert.Empty(resumed.Trackers);
    }

    [Fact]
    public void Upstreams_ListsUpstreamHistoriesByTheirNginxNames()
    {
        var state = Engine().State;

        var upstreams = state.Upstreams().Select(u => u.Upstream).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], upstreams);
        Assert.Null(state.UpstreamHistory("10.0.0.9:8080"));
    }

    [Fact]
    public void Minutes_Upstream_CountsRequestsAndGatewayErrorsPerMinute()
    {
        var state = Engine().State;

        var minutes = state.Minutes("10.0.0.2:8080", Ten, Ten.AddMinutes(1)).ToList();

        var first = Assert.Single(minutes, m => m.Minute == Ten);
        Assert.Equal(30, first.Requests);
        Assert.Equal(20, first.Status502);
        Assert.Empty(state.Minutes("10.0.0.9:8080", Ten, Ten.AddMinutes(1)));
    }

    [Fact]
    public void Health_OpenIncidentAndRecentService_AreTold()
    {
        var state = Engine(complete: false).State;

        Assert.Contains("10.0.0.2:8080", state.FailingUpstreams());
        Assert.DoesNotContain("10.0.0.1:8080", state.FailingUpstreams());
        var healthy = state.UpstreamHistory("10.0.0.1:8080")!;
        Assert.Equal("healthy", EngineState.Health(healthy, hasOpenIncident: false, Ten.AddMinutes(5)));
        Assert.Equal("idle", EngineState.Health(healthy, hasOpenIncident: false, Ten.AddHours(1)));
        Assert.Equal("failing", EngineState.Health(healthy, hasOpenIncident: true, Ten.AddMinutes(5)));
    }

    /// <summary>
    /// What failing routes serve is kept second by second (a format with hosts and no upstream), so it is bounded:
    /// at most <see cref="EngineState.MaxHotRoutes"/> routes, each forgotten once its last failure is
    /// <see cref="UpstreamHistory.HotFor"/> behind the engine.
    /// </summary>
    [Fact]
    public void HotRoutes_ScannerFailingOnManyRoutes_StayBoundedAndAreForgottenAfterTheirFailures()
    {
        const string Format = "$remote_addr [$time_local] \"$request\" $status $host";
        string Line(int second, string path, int status) =>
            $"10.9.8.7 [{Ten.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} shop.test";
        var routes = EngineState.MaxHotRoutes + 200;
        var access = Enumerable.Range(0, routes).Select(i => Line(i / 100, $"/probe{i}/x", 502)).ToList();
        var engine = new DiagnosisEngine(new DiagnosisOptions());
        Assert.True(FunctionsApp.NginxLogs.AccessLogFormat.TryCompile(Format, out var format, out var error), error);
        new LogFeed(engine, advance: false).Run([Input("access", access)], [], format, CancellationToken.None);

        Assert.Equal(EngineState.MaxHotRoutes, engine.State.HotRoutes.Count);

        var later = (int)(UpstreamHistory.HotFor.TotalSeconds + 60);
        new LogFeed(engine).Run([Input("access", [Line(later, "/shop/1", 200)])], [], format, CancellationToken.None);

        Assert.Empty(engine.State.HotRoutes);
    }

    /// <summary>
    /// The service reads in runs: the error lines of a health check the access log never logs (<c>access_log off</c>)
    /// may come in a run that reads no access line. What the access log shows is kept in the state, so they are judged as
    /// one run over both logs judges them: failed requests, not tries nginx recovered from.
    /// </summary>
    [Fact]
    public void ErrorLinesAboutAnUnloggedPlace_InARunWithoutAccessLines_AreFailuresAsInOneRun()
    {
        var access = Enumerable.Range(0, 120).Select(s =>
            $"10.9.8.{s % 50} - - [{Ten.AddSeconds(s):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items/{s} HTTP/1.1\" 200 512 \"-\" \"curl/8.5.0\"").ToList();
        var errors = Enumerable.Range(0, 6).Select(i =>
            $"{Ten.AddSeconds(30 + (i * 10)):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{900 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: _, request: \"GET /healthcheck HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"localhost:8080\"").ToList();
        var combined = FunctionsApp.NginxLogs.AccessLogFormat.Combined;

        var first = new DiagnosisEngine(new DiagnosisOptions());
        new LogFeed(first).Run([Input("access", access)], [], combined, CancellationToken.None);
        var second = new DiagnosisEngine(new DiagnosisOptions(), RoundTrip(first.State));
        new LogFeed(second).Run([], [Input("error", errors)], combined, CancellationToken.None);

        var incident = Assert.Single(second.Complete());
        Assert.Equal((IncidentCause.Timeout, 6), (incident.Cause, incident.FailedRequests));
    }

    /// <summary>10.0.0.1 serves 30 requests; 10.0.0.2 serves 10 and refuses 20 (an incident) in the first minute.</summary>
    private static DiagnosisEngine Engine(bool complete = true)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 30; s++)
        {
            access.Add(Access(s, 200, upstream: "10.0.0.1:8080", cid: 1000 + s));
            if (s < 10)
            {
                access.Add(Access(s, 200, upstream: "10.0.0.2:8080", cid: 2000 + s));
            }
            else
            {
                access.Add(Access(s, 502, upstream: "10.0.0.2:8080", connect: "-", header: "-", cid: s));
                errors.Add(Error(s, "connect() failed (111: Connection refused) while connecting to upstream", upstream: "10.0.0.2:8080", cid: s));
            }
        }

        var engine = new DiagnosisEngine(new DiagnosisOptions());
        Assert.True(FunctionsApp.NginxLogs.AccessLogFormat.TryCompile(UpstreamFormat, out var format, out var error), error);
        new LogFeed(engine).Run([Input("access", access)], [Input("error", errors)], format, CancellationToken.None);
        if (complete)
        {
            engine.Complete();
        }
        else
        {
            engine.AdvanceTo(Ten.AddMinutes(1));
        }

        return engine;
    }
}
