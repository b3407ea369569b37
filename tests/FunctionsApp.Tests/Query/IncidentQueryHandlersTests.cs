using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Query;
using FunctionsApp.Tests.Analysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.Tests.Query;

/// <summary>
/// GET /api/incidents and GET /api/incidents/{id}: the handlers over an in-memory store that lists as the table index
/// does (newest first, then by id, after a cursor). Expected listings are computed here from the incidents themselves,
/// not through <see cref="IncidentQuery"/>, so a filter the handler drops, mis-parses or mis-applies shows.
/// </summary>
public sealed class IncidentQueryHandlersTests
{
    private static readonly DateTimeOffset Base = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Sites = ["edge-1", "edge-2", "eu/west"];
    private static readonly string[] Upstreams = ["10.0.0.2:8080", "unix:/run/php/php8.2-fpm.sock", "backend#pool", "api.internal:443"];
    private static readonly string[] Hosts = ["shop.example", "API.Example", "api.example", "static.example"];

    private readonly FakeTimeProvider _time = new(Base.AddDays(10));
    private readonly InMemoryIncidentStore _store = new();
    private readonly List<Incident> _incidents = [];

    public IncidentQueryHandlersTests()
    {
        // 60 incidents over 8 days, every cause, both states; some share a start second (ordered by id then).
        var causes = Enum.GetValues<IncidentCause>();
        for (var i = 0; i < 60; i++)
        {
            var start = Base.AddMinutes(i / 3 * 190).AddSeconds(i % 3 == 2 ? 0 : i % 3 * 7);
            var incident = Make(
                Id(i), Sites[i % Sites.Length], Upstreams[i % Upstreams.Length], Hosts[(i / 2) % Hosts.Length], causes[i % causes.Length],
                i % 4 == 0 ? IncidentState.Open : IncidentState.Resolved, start, start.AddMinutes(3 + (i % 5 * 20)));
            _incidents.Add(incident);
            _store.UpsertAsync(incident, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public static TheoryData<string?, string?, string?, string?, string?, string?, string?> Filters => new()
    {
        // from, to, site, upstream, host, cause, state
        { null, null, null, null, null, null, null },
        { null, null, "edge-2", null, null, null, null },
        { null, null, "eu/west", null, null, null, null },
        { null, null, null, "unix:/run/php/php8.2-fpm.sock", null, null, null },
        { null, null, null, "backend#pool", null, null, null },
        { null, null, null, null, "api.example", null, null }, // hosts without regard to case
        { null, null, null, null, "SHOP.EXAMPLE", null, null },
        { null, null, null, null, null, "timeout", null },
        { null, null, null, null, null, "upstream_down", "resolved" },
        { null, null, null, null, null, null, "open" },
        { "2026-11-22T00:00:00Z", "2026-11-24T12:00:00Z", null, null, null, null, null },
        { "2026-11-22T10:00:00+02:00", null, "edge-1", null, null, null, "resolved" }, // an offset is honoured
        { null, "2026-11-21T00:00:00Z", null, "10.0.0.2:8080", null, null, null },
        { "2026-11-21T00:00:00Z", "2026-11-23T00:00:00Z", "edge-2", "api.internal:443", "static.example", null, null },
        { null, null, "edge-9", null, null, null, null }, // no such site: empty, not an error
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task ListIncidentsAsync_Filters_ListExactlyTheMatchingIncidentsNewestFirst(
        string? from, string? to, string? site, string? upstream, string? host, string? cause, string? state)
    {
        var expected = Expected(from, to, site, upstream, host, cause, state);

        var page = Ok(await ListAsync(from, to, site, upstream, host, cause, state, limit: "500"));

        Assert.Equal(expected, page.Items.Select(i => i.Id));
        Assert.Null(page.Continuation);
    }

    [Fact]
    public void Filters_AreNotVacuous_EachNarrowsTheListingAndMostMatchSomething()
    {
        var all = Expected(null, null, null, null, null, null, null).Count;
        var counts = Filters.Select(f => Expected((string?)f[0], (string?)f[1], (string?)f[2], (string?)f[3], (string?)f[4], (string?)f[5], (string?)f[6]).Count).ToList();

        Assert.Equal(60, all);
        Assert.All(counts.Skip(1), c => Assert.True(c < all));
        Assert.True(counts.Count(c => c > 0) >= counts.Count - 1, string.Join(", ", counts));
    }

    [Theory]
    [InlineData(null, null, 7)]
    [InlineData(null, "edge-1", 3)]
    [InlineData("open", null, 1)]
    [InlineData("resolved", "eu/west", 4)]
    public async Task ListIncidentsAsync_PagedWithContinuation_VisitsEachMatchOnceInOrder(string? state, string? site, int limit)
    {
        var expected = Expected(null, null, site, null, null, null, state);
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = Ok(await ListAsync(null, null, site, null, null, null, state, limit.ToString(CultureInfo.InvariantCulture), continuation));
            Assert.True(page.Items.Count <= limit);
            Assert.True(page.Items.Count == limit || page.Continuation is null, "a short page is the last");
            seen.AddRange(page.Items.Select(i => i.Id));
            continuation = page.Continuation;
            pages++;
            Assert.True(pages <= 61, "paging does not end");
        }
        while (continuation is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(Math.Max(1, (expected.Count + limit - 1) / limit), pages);
    }

    [Fact]
    public async Task ListIncidentsAsync_ContinuationToken_IsOpaqueAndNamesNoFilter()
    {
        var page = Ok(await ListAsync(null, null, "edge-1", "backend#pool", null, null, null, "1"));

        var token = Assert.IsType<string>(page.Continuation);
        Assert.DoesNotContain("edge-1", token, StringComparison.Ordinal);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
    }

    [Theory]
    [InlineData("site", "edge-2")]
    [InlineData("limit", "3")]
    [InlineData("state", "open")]
    [InlineData("cause", "timeout")]
    [InlineData("from", "2026-11-21T00:00:00Z")]
    public async Task ListIncidentsAsync_TokenFromOtherFilters_IsProblem400(string changed, string value)
    {
        var first = Ok(await ListAsync(null, null, "edge-1", null, null, null, null, "2"));
        var token = first.Continuation!;

        var result = changed switch
        {
            "site" => await ListAsync(null, null, value, null, null, null, null, "2", token),
            "limit" => await ListAsync(null, null, "edge-1", null, null, null, null, value, token),
            "state" => await ListAsync(null, null, "edge-1", null, null, null, value, "2", token),
            "cause" => await ListAsync(null, null, "edge-1", null, null, value, null, "2", token),
            _ => await ListAsync(value, null, "edge-1", null, null, null, null, "2", token),
        };

        var problem = Problem(result, 400, ProblemTypes.InvalidContinuation);
        Assert.Contains("other filters", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string> Tampered
    {
        get
        {
            var data = new TheoryData<string>
            {
                "not a token",
                "!!!!",
                "",
                Base64Url.EncodeToString("v2|1795651200|0123456789abcdef|1795651200|aa"u8),
                Base64Url.EncodeToString("v1|1795651200|0123456789abcdef|1795651200"u8),
                Base64Url.EncodeToString("v1|soon|0123456789abcdef|1795651200|aa"u8),
                Base64Url.EncodeToString("v1|1795651200|0123456789abcdef|yesterday|aa"u8),
            };
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task ListIncidentsAsync_MalformedToken_IsProblem400(string token)
    {
        var result = await ListAsync(null, null, null, null, null, null, null, "5", token);

        Problem(result, 400, ProblemTypes.InvalidContinuation);
    }

    [Theory]
    [InlineData("../../incidents")]
    [InlineData("' or RowKey ne '")]
    [InlineData("ABCDEF")]
    public async Task ListIncidentsAsync_TokenEditedToAnotherCursorId_IsProblem400(string id)
    {
        // A real token, decoded, its cursor id replaced and encoded again: well-formed, but no incident has such an id.
        var real = Ok(await ListAsync(null, null, null, null, null, null, null, "5")).Continuation!;
        var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(real)).Split('|');
        parts[4] = id;
        var edited = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', parts)));

        var result = await ListAsync(null, null, null, null, null, null, null, "5", edited);

        Problem(result, 400, ProblemTypes.InvalidContinuation);
    }

    [Fact]
    public async Task ListIncidentsAsync_TokenPastItsLifetime_IsProblem400Expired()
    {
        var token = Ok(await ListAsync(null, null, null, null, null, null, null, "5")).Continuation!;
        _time.Advance(QueryApi.ContinuationLifetime - TimeSpan.FromSeconds(1));
        Ok(await ListAsync(null, null, null, null, null, null, null, "5", token));

        _time.Advance(TimeSpan.FromSeconds(2));
        var result = await ListAsync(null, null, null, null, null, null, null, "5", token);

        Problem(result, 400, ProblemTypes.ContinuationExpired);
    }

    [Theory]
    [InlineData("yesterday", null, null, null, null, "'from'")]
    [InlineData(null, "2026-13-01T00:00:00Z", null, null, null, "'to'")]
    [InlineData("2026-11-25T00:00:00Z", "2026-11-24T00:00:00Z", null, null, null, "'from' is after 'to'")]
    [InlineData(null, null, "slow", null, null, "cause 'slow' is not one of")]
    [InlineData(null, null, "upstream down", null, null, "cause 'upstream down'")]
    [InlineData(null, null, null, "closed", null, "state 'closed'")]
    [InlineData(null, null, null, "OPEN", null, "state 'OPEN'")]
    [InlineData(null, null, null, null, "0", "limit '0'")]
    [InlineData(null, null, null, null, "501", "limit '501'")]
    [InlineData(null, null, null, null, "-1", "limit '-1'")]
    [InlineData(null, null, null, null, "ten", "limit 'ten'")]
    [InlineData(null, null, null, null, "1e2", "limit '1e2'")]
    public async Task ListIncidentsAsync_BadParameter_IsProblem400WithTheReason(
        string? from, string? to, string? cause, string? state, string? limit, string reason)
    {
        var result = await ListAsync(from, to, null, null, null, cause, state, limit);

        var problem = Problem(result, 400, ProblemTypes.InvalidQuery);
        Assert.Contains(reason, problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetIncidentAsync_KnownId_IsTheFullIncident()
    {
        var wanted = _incidents[17];

        var result = await QueryApi.GetIncidentAsync(wanted.Id, _store, CancellationToken.None);

        Assert.Same(wanted, Assert.IsType<Ok<Incident>>(result.Result).Value);
    }

    [Fact]
    public async Task GetIncidentAsync_UnknownId_IsProblem404NamingIt()
    {
        var result = await QueryApi.GetIncidentAsync("0123456789abcdef", _store, CancellationToken.None);

        var problem = Problem(result.Result, 404, ProblemTypes.IncidentNotFound);
        Assert.Contains("'0123456789abcdef'", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../incidents/0123456789abcdef")]
    [InlineData("..%2F..%2Fstate")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcdef.json")]
    [InlineData("")]
    [InlineData(" 0123456789abcdef")]
    public async Task GetIncidentAsync_IdWithPathOrForeignCharacters_IsProblem400AndNeverReachesTheStore(string id)
    {
        var counting = new CountingStore(_store);

        var result = await QueryApi.GetIncidentAsync(id, counting, CancellationToken.None);

        Problem(result.Result, 400, ProblemTypes.InvalidQuery);
        Assert.Equal(0, counting.Gets);
    }

    [Fact]
    public async Task GetIncidentAsync_IdLongerThan64_IsProblem400()
    {
        var result = await QueryApi.GetIncidentAsync(new string('a', 65), _store, CancellationToken.None);

        Problem(result.Result, 400, ProblemTypes.InvalidQuery);
    }

    private Task<Results<Ok<IncidentPage>, ProblemHttpResult>> ListAsync(
        string? from, string? to, string? site, string? upstream, string? host, string? cause, string? state, string? limit = null, string? continuation = null) =>
        QueryApi.ListIncidentsAsync(from, to, site, upstream, host, cause, state, limit, continuation, _store, _time, CancellationToken.None);

    /// <summary>The expected ids, from the incidents themselves: overlap of [from, to], equality, host without case.</summary>
    private List<string> Expected(string? from, string? to, string? site, string? upstream, string? host, string? cause, string? state)
    {
        var fromTime = from is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(from, CultureInfo.InvariantCulture);
        var toTime = to is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(to, CultureInfo.InvariantCulture);
        return [.. _incidents
            .Where(i => fromTime is null || i.End >= fromTime)
            .Where(i => toTime is null || i.Start <= toTime)
            .Where(i => site is null || i.Site == site)
            .Where(i => upstream is null || i.Upstream == upstream)
            .Where(i => host is null || i.Host.Equals(host, StringComparison.OrdinalIgnoreCase))
            .Where(i => cause is null || IncidentCauses.Name(i.Cause) == cause)
            .Where(i => state is null || (state == "open") == (i.State == IncidentState.Open))
            .OrderByDescending(i => i.Start)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => i.Id)];
    }

    private static IncidentPage Ok(Results<Ok<IncidentPage>, ProblemHttpResult> result) =>
        Assert.IsType<Ok<IncidentPage>>(result.Result).Value!;

    private static ProblemHttpResult Problem(Results<Ok<IncidentPage>, ProblemHttpResult> result, int status, string type) =>
        Problem(result.Result, status, type);

    private static ProblemHttpResult Problem(IResult result, int status, string type)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(status, problem.ProblemDetails.Status);
        Assert.Equal(type, problem.ProblemDetails.Type);
        Assert.False(string.IsNullOrWhiteSpace(problem.ProblemDetails.Detail));
        return problem;
    }

    private static string Id(int i) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i))).Substring(0, 16);

    private static Incident Make(
        string id, string site, string upstream, string host, IncidentCause cause, IncidentState state, DateTimeOffset start, DateTimeOffset end) => new()
        {
            Id = id,
            Site = site,
            Upstream = upstream,
            Host = host,
            Status = 502,
            Statuses = new Dictionary<string, int> { ["502"] = 5 },
            Cause = cause,
            Confidence = 0.8,
            Summary = "Test incident.",
            Start = start,
            End = end,
            State = state,
            FailedRequests = 5,
            Evidence = [],
            Remediation = [],
        };

    /// <summary>Counts the documents read, to prove a refused id never reaches storage.</summary>
    private sealed class CountingStore(IIncidentStore inner) : IIncidentStore
    {
        public int Gets { get; private set; }

        public Task UpsertAsync(Incident incident, CancellationToken cancellationToken) => inner.UpsertAsync(incident, cancellationToken);

        public Task UpsertFencedAsync(Incident incident, long fence, CancellationToken cancellationToken) => inner.UpsertFencedAsync(incident, fence, cancellationToken);

        public Task<Incident?> UpdateAsync(string id, Func<Incident, Incident> change, CancellationToken cancellationToken) => inner.UpdateAsync(id, change, cancellationToken);

        public Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
        {
            Gets++;
            return inner.GetAsync(id, cancellationToken);
        }

        public Task<IReadOnlyList<IncidentSummary>> QueryAsync(IncidentQuery query, IncidentCursor? after, int count, CancellationToken cancellationToken) =>
            inner.QueryAsync(query, after, count, cancellationToken);

        public IAsyncEnumerable<IncidentSummary> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }
}
