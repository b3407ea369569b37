using System.Runtime.CompilerServices;
using FunctionsApp.Analysis;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using FunctionsApp.Query;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Tests.Query;

/// <summary>GET /api/timeline's handler over site states the engine really built (kept in memory instead of Blob).</summary>
public sealed class TimelineQueryTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Ten.AddMinutes(30));

    [Fact]
    public async Task GetTimelineAsync_TwoSitesSeeTheUpstream_SumsTheirMinutes()
    {
        var states = new MemoryStates(Site("edge-1", failures: 20), Site("edge-2", failures: 5));

        var result = await QueryApi.GetTimelineAsync("10.0.0.2:8080", "5m", "2026-11-24T10:00:00Z", "2026-11-24T10:10:00Z", states, new NoTimeline(), _time, CancellationToken.None);

        var timeline = Assert.IsType<Ok<Timeline>>(result.Result).Value!;
        var first = Assert.Single(timeline.Points, p => p.Time == Ten);
        Assert.Equal(30 + 30, first.Requests);
        Assert.Equal(20 + 5, first.GatewayErrors["502"]);
        Assert.Equal(0, first.GatewayErrors["504"]);
    }

    [Fact]
    public async Task GetTimelineAsync_UpstreamNoSiteSaw_Is404()
    {
        var result = await QueryApi.GetTimelineAsync("10.9.9.9:80", null, null, null, new MemoryStates(Site("edge-1", failures: 3)), new NoTimeline(), _time, CancellationToken.None);

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(result.Result).StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.2:8080", "2m", null)]
    [InlineData("", "1m", null)]
    [InlineData("10.0.0.2:8080", "1m", "yesterday")]
    public async Task GetTimelineAsync_BadQuery_Is400(string upstream, string bucket, string? from)
    {
        var result = await QueryApi.GetTimelineAsync(upstream, bucket, from, null, new MemoryStates(Site("edge-1", failures: 3)), new NoTimeline(), _time, CancellationToken.None);

        Assert.Equal(400, Assert.IsType<ProblemHttpResult>(result.Result).StatusCode);
    }

    [Fact]
    public async Task ListUpstreamsAsync_FailingAndHealthyUpstreams_AreNamedWithoutKeyPrefixes()
    {
        var states = new MemoryStates(Site("edge-1", failures: 20));

        var result = await QueryApi.ListUpstreamsAsync(states, new NoIncidents(), _time, CancellationToken.None);

        var upstreams = result.Value!;
        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:8080"], upstreams.Select(u => u.Upstream));
        Assert.All(upstreams, u => Assert.Equal("edge-1", u.Site));
        Assert.Equal(20, upstreams.Single(u => u.Upstream == "10.0.0.2:8080").GatewayFailures);
    }

    [Fact]
    public async Task ListUpstreamsAsync_ManyIncidents_NamesEachUpstreamsNewestFromTheIndexWithoutListingThem()
    {
        var states = new MemoryStates(Site("edge-1", failures: 20));
        var incidents = new IndexOnlyIncidents();
        foreach (var (id, upstream, start) in new[]
        {
            ("a1", "10.0.0.2:8080", Ten.AddDays(-3)), ("a2", "10.0.0.2:8080", Ten), ("a3", "10.0.0.2:8080", Ten.AddDays(-1)),
            ("b1", "10.0.0.9:8080", Ten.AddDays(-2)),
        })
        {
            await incidents.Inner.UpsertAsync(
                FunctionsApp.Tests.Notifications.TestIncidents.Incident(upstream: upstream, id: id, state: IncidentState.Resolved) with { Start = start, End = start.AddMinutes(5) },
                CancellationToken.None);
        }

        var upstreams = (await QueryApi.ListUpstreamsAsync(states, incidents, _time, CancellationToken.None)).Value!;

        Assert.Equal("a2", upstreams.Single(u => u.Upstream == "10.0.0.2:8080").LastIncident?.Id);
        Assert.Null(upstreams.Single(u => u.Upstream == "10.0.0.1:8080").LastIncident);
    }

    /// <summary>30 seconds of traffic from 10:00: 10.0.0.1 serves 30 requests; 10.0.0.2 gets 30, of which it refuses
    /// the last <paramref name="failures"/> (an incident).</summary>
    private static SiteState Site(string site, int failures)
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 30; s++)
        {
            access.Add(Access(s, 200, upstream: "10.0.0.1:8080", cid: 1000 + s));
            if (s < 30 - failures)
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
        Assert.True(AccessLogFormat.TryCompile(UpstreamFormat, out var format, out var error), error);
        new LogFeed(engine).Run([Input("access", access)], [Input("error", errors)], format, CancellationToken.None);
        engine.Complete();
        return new SiteState { Site = site, Engine = RoundTrip(engine.State) };
    }

    private sealed class MemoryStates(params SiteState[] sites) : IAnalyzerStateStore
    {
        public Task<VersionedSiteState> LoadAsync(string site, CancellationToken cancellationToken) =>
            Task.FromResult(new VersionedSiteState(sites.Single(s => s.Site == site), "1"));

        public Task SaveAsync(VersionedSiteState state, CancellationToken cancellationToken) => throw new NotSupportedException("Queries only read.");

        public async IAsyncEnumerable<SiteState> LoadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var site in sites)
            {
                await Task.Yield();
                yield return site;
            }
        }

        public Task<IRunLease?> TryAcquireSiteLeaseAsync(string site, TimeSpan duration, CancellationToken cancellationToken) => throw new NotSupportedException("Queries only read.");
    }

    private sealed class NoTimeline : ITimelineStore
    {
        public Task WriteAsync(string site, string upstream, IReadOnlyList<TimelineMinute> minutes, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Queries only read.");

        public Task<IReadOnlyList<(string Site, TimelineMinute Minute)>> ReadAsync(
            string upstream, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<(string, TimelineMinute)>>([]);
    }

    /// <summary>Incidents in memory, answering index queries but refusing to list them all.</summary>
    private sealed class IndexOnlyIncidents : IIncidentStore
    {
        public FunctionsApp.Tests.Analysis.InMemoryIncidentStore Inner { get; } = new();

        public Task UpsertAsync(Incident incident, CancellationToken cancellationToken) => Inner.UpsertAsync(incident, cancellationToken);

        public Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken) => Inner.UpsertFencedAsync(incident, fence, cancellationToken);

        public Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken) => Inner.UpdateAsync(id, change, cancellationToken);

        public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken) => Inner.GetAsync(id, cancellationToken);

        public Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken) =>
            Inner.QueryAsync(query, after, count, cancellationToken);

        public IAsyncEnumerable<IncidentSummary> ListAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("listed every incident");
    }

    private sealed class NoIncidents : IIncidentStore
    {
        public Task UpsertAsync(Incident incident, CancellationToken cancellationToken) => throw new NotSupportedException("Queries only read.");

        public Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken) => throw new NotSupportedException("Queries only read.");

        public Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken) => throw new NotSupportedException("Queries only read.");

        public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult<Incident?>(null);

        public Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IncidentSummary>>([]);

        public async IAsyncEnumerable<IncidentSummary> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield break;
        }
    }
}
