using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.IntegrationTests.Incidents;

/// <summary>
/// The incident index in Azurite's table service against the documents in its blob service: written with every
/// document, holding what a listing shows, updated and cleaned as incidents change, repaired after a crash between
/// document and index, fenced against a stale run, read from the documents for rows an older version wrote, and each
/// filter and paging of /api/incidents answered from it over HTTP.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IncidentIndexTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly FailIndexWrites _faults = new();
    private readonly BeforeIndexRequest _beforeIndex = new();
    private readonly IndexRequests _requests = new();
    private TestApp _app = null!;

    private IIncidentStore Store => _app.Services.GetRequiredService<IIncidentStore>();

    /// <summary>The every-incident table.</summary>
    private TableClient Index => _app.Services.GetRequiredService<StorageTables>().IncidentIndex.Table;

    /// <summary>The index's tables: every incident, by site, by upstream, by host, open.</summary>
    private IEnumerable<TableClient> IndexTables => _app.Services.GetRequiredService<StorageTables>().IncidentIndexTables.Select(t => t.Table);

    private TableClient OpenIndex => _app.Services.GetRequiredService<StorageTables>().IncidentIndexOpen.Table;

    private TableClient CauseIndex => _app.Services.GetRequiredService<StorageTables>().IncidentIndexByCause.Table;

    public async Task InitializeAsync()
    {
        // TestApp gives each app its own tables (idx{suffix}), as it does containers.
        _app = await TestApp.StartAsync(azurite, services: services =>
        {
            services.AddSingleton<HttpPipelinePolicy>(_faults);
            services.AddSingleton<HttpPipelinePolicy>(_beforeIndex);
            services.AddSingleton<HttpPipelinePolicy>(_requests);
        });

        // The index's upgrade at start (nothing to move, copy or tombstone here) is done before a test hooks the index's requests.
        await WaitForCauseRowsExactAsync(CauseIndex);
    }

    private static string CausePartition(IncidentCause cause) => "cause~" + SafeText.Encode(IncidentCauses.Name(cause));

    /// <summary>Waits for the last step of the index's upgrade at start (its mark).</summary>
    private static async Task WaitForCauseRowsExactAsync(TableClient causeIndex)
    {
        for (var waited = 0; !(await causeIndex.GetEntityIfExistsAsync<TableEntity>(TableIncidentIndex.MarkerPartition, TableIncidentIndex.CauseRowsExactMarker)).HasValue; waited++)
        {
            Assert.True(waited < 300, "the incident index's upgrade did not finish within 30 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Varied incidents: three sites, upstreams with characters keys refuse, hosts in mixed case, every state.</summary>
    private static List<Incident> Corpus()
    {
        string[] sites = ["web", "api", "edge/eu"];
        string[] upstreams = ["10.0.0.1:8080", "unix:/run/app.sock", "backend#2", "10.0.0.2:8080"];
        string[] hosts = ["Shop.Example.test", "api.example.test", "cdn.example.test"];
        IncidentCause[] causes = [IncidentCause.UpstreamDown, IncidentCause.Timeout, IncidentCause.Overload, IncidentCause.Dns];
        var incidents = new List<Incident>();
        for (var i = 0; i < 40; i++)
        {
            // Some share a start second, so the order by id within a second is exercised too.
            var start = T0.AddMinutes(i / 2 * 7);
            incidents.Add(NewIncident(
                $"{i:x2}{(39 - i) * 7919 % 65536:x4}ab", sites[i % 3], upstreams[i % 4], hosts[i % 3], causes[(i / 3) % 4],
                i % 5 == 0 ? IncidentState.Open : IncidentState.Resolved, start, start.AddMinutes(2 + (i % 6))) with
                {
                    Status = 502 + (i % 3), Confidence = 0.5 + (i % 4) / 10.0, FailedRequests = 3 + i,
                    DetectedAt = i % 2 == 0 ? start.AddMinutes(5) : null,
                });
        }

        return incidents;
    }

    private static Incident NewIncident(
        string id, string site, string upstream, string host, IncidentCause cause, IncidentState state, DateTimeOffset start, DateTimeOffset end) => new()
        {
            Id = id, Upstream = upstream, Host = host, Status = 502, Statuses = new Dictionary<string, int> { ["502"] = 4 }, Cause = cause,
            Confidence = 0.8, Summary = "test incident", Start = start, End = end, State = state, FailedRequests = 4, Evidence = [],
            Remediation = ["restart it"], Site = site,
        };

    private static List<string> Expected(IEnumerable<Incident> incidents, Func<Incident, bool> filter) =>
        [.. incidents.Where(filter).OrderByDescending(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal).Select(i => i.Id)];

    private async Task<List<string>> ListAsync(IncidentQuery query, int count = 500) =>
        [.. (await Store.QueryAsync(query, null, count, CancellationToken.None)).Select(s => s.Id)];

    private async Task<List<(string Partition, long Fence, string State, string Cause)>> RowsAsync(string id)
    {
        var rows = new List<(string, long, string, string)>();
        foreach (var table in IndexTables)
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Id eq {id}")))
            {
                rows.Add((row.PartitionKey, row.GetInt64("Fence") ?? 0, row.GetString("State"), row.GetString("Cause")));
            }
        }

        return rows;
    }

    [Fact]
    public async Task Query_EachFilter_ListsExactlyTheMatchingIncidentsNewestFirst()
    {
        var incidents = Corpus();
        foreach (var incident in incidents)
        {
            await Store.UpsertFencedAsync(incident, fence: 1, CancellationToken.None);
        }

        Assert.Equal(Expected(incidents, _ => true), await ListAsync(new IncidentQuery()));
        Assert.Equal(Expected(incidents, i => i.Site == "edge/eu"), await ListAsync(new IncidentQuery { Site = "edge/eu" }));
        Assert.Equal(Expected(incidents, i => i.Upstream == "unix:/run/app.sock"), await ListAsync(new IncidentQuery { Upstream = "unix:/run/app.sock" }));
        Assert.Equal(Expected(incidents, i => i.Upstream == "backend#2"), await ListAsync(new IncidentQuery { Upstream = "backend#2" }));
        Assert.Equal(Expected(incidents, i => i.Host == "Shop.Example.test"), await ListAsync(new IncidentQuery { Host = "shop.example.TEST" }));
        Assert.Equal(Expected(incidents, i => i.Cause == IncidentCause.Timeout), await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Equal(Expected(incidents, i => i.State == IncidentState.Open), await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(Expected(incidents, i => i.State == IncidentState.Resolved), await ListAsync(new IncidentQuery { State = IncidentState.Resolved }));
        var from = T0.AddMinutes(40);
        var to = T0.AddMinutes(90);
        Assert.Equal(
            Expected(incidents, i => i.End >= from && i.Start <= to),
            await ListAsync(new IncidentQuery { From = from, To = to }));
        Assert.Equal(
            Expected(incidents, i => i.Site == "web" && i.Cause == IncidentCause.UpstreamDown && i.End >= from),
            await ListAsync(new IncidentQuery { Site = "web", Cause = IncidentCause.UpstreamDown, From = from }));
        Assert.Equal(
            Expected(incidents, i => i.Upstream == "10.0.0.1:8080" && i.Site == "api" && i.State == IncidentState.Resolved),
            await ListAsync(new IncidentQuery { Upstream = "10.0.0.1:8080", Site = "api", State = IncidentState.Resolved }));
        Assert.Empty(await ListAsync(new IncidentQuery { Upstream = "10.0.0.1:8080", Site = "edge/eu", Host = "api.example.test" }));
        Assert.Equal(3, (await ListAsync(new IncidentQuery(), count: 3)).Count);

        // The page is the rows alone, and they hold every field a listing shows: no document is read.
        var expectedSummaries = incidents.ToDictionary(i => i.Id, IncidentSummary.Of);
        await _app.Services.GetRequiredService<BlobContainers>().Incidents.DeleteAsync();
        Assert.All(await Store.QueryAsync(new IncidentQuery(), null, 500, CancellationToken.None), s => Assert.Equal(expectedSummaries[s.Id], s));
        Assert.All(await Store.QueryAsync(new IncidentQuery { State = IncidentState.Open }, null, 500, CancellationToken.None), s => Assert.Equal(expectedSummaries[s.Id], s));
    }

    [Fact]
    public async Task Query_RowsWrittenBeforeRowsHeldSummaries_AreReadFromTheirDocuments()
    {
        var current = NewIncident("00bb0001", "web", "10.0.0.8:80", "e.example.test", IncidentCause.Timeout, IncidentState.Resolved, T0, T0.AddMinutes(2));
        var old = NewIncident("00bb0002", "web", "10.0.0.8:80", "e.example.test", IncidentCause.Overload, IncidentState.Open, T0.AddMinutes(10), T0.AddMinutes(12));
        var stale = NewIncident("00bb0003", "web", "10.0.0.8:80", "e.example.test", IncidentCause.Dns, IncidentState.Open, T0.AddMinutes(20), T0.AddMinutes(22));
        foreach (var incident in new[] { current, old, stale })
        {
            await Store.UpsertFencedAsync(incident, fence: 1, CancellationToken.None);
        }

        // Two incidents' rows as the previous version wrote them (no summary); one of them disagrees with its document.
        foreach (var ((incident, rowState), table) in new[] { (old, "open"), (stale, "open") }.SelectMany(_ => IndexTables, (row, table) => (row, table)))
        {
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Id eq {incident.Id}")))
            {
                await table.UpsertEntityAsync(
                    new TableEntity(row.PartitionKey, row.RowKey)
                    {
                        ["Id"] = incident.Id, ["Start"] = incident.Start.ToUnixTimeSeconds(), ["End"] = incident.End.ToUnixTimeSeconds(),
                        ["Site"] = incident.Site, ["Upstream"] = incident.Upstream, ["HostKey"] = incident.Host, ["Cause"] = IncidentCauses.Name(incident.Cause),
                        ["State"] = rowState, ["Fence"] = 1L,
                    },
                    TableUpdateMode.Replace);
            }
        }

        await _app.Services.GetRequiredService<BlobContainers>().Incidents.GetBlobClient($"{stale.Id}.json")
            .UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(stale with { State = IncidentState.Resolved }, IncidentJsonContext.Default.Incident)), overwrite: true);

        Assert.Equal([stale.Id, old.Id, current.Id], await ListAsync(new IncidentQuery { Site = "web" }));
        Assert.Equal([old.Id], await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal([old.Id], await ListAsync(new IncidentQuery { Upstream = "10.0.0.8:80", State = IncidentState.Open }));
        Assert.Equal(IncidentSummary.Of(old), (await Store.QueryAsync(new IncidentQuery { Cause = IncidentCause.Overload }, null, 10, CancellationToken.None)).Single());
    }

    [Fact]
    public async Task Query_OpenRowLeftByAStaleRunAfterALaterOneResolved_IsNotListedOpen()
    {
        var incident = NewIncident("00cd0001", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Open, T0, T0.AddMinutes(3));
        await Store.UpsertFencedAsync(incident, fence: 7, CancellationToken.None);
        var openRow = (await OpenIndex.GetEntityAsync<TableEntity>("open", TableIncidentIndex.RowKey(T0.ToUnixTimeSeconds(), incident.Id))).Value;
        await Store.UpsertFencedAsync(incident with { State = IncidentState.Resolved, End = T0.AddMinutes(5) }, fence: 8, CancellationToken.None);
        Assert.DoesNotContain(await RowsAsync(incident.Id), r => r.Partition == "open");

        // The run holding fence 7 passed the every-incident row before fence 8 wrote, and its "open" row lands now.
        await OpenIndex.AddEntityAsync(openRow);

        Assert.Empty(await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(IncidentState.Resolved, (await Store.QueryAsync(new IncidentQuery { Site = "web" }, null, 10, CancellationToken.None)).Single().State);
    }

    [Fact]
    public async Task Query_RowLeftInTheEarlierCausesPartitionByAStaleRun_IsNotListedUnderThatCause()
    {
        var incident = NewIncident("00ce0001", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Open, T0, T0.AddMinutes(3));
        var overload = incident with { Cause = IncidentCause.Overload, End = T0.AddMinutes(5) };
        await Store.UpsertFencedAsync(incident, fence: 6, CancellationToken.None);
        var index = _app.Services.GetRequiredService<TableIncidentIndex>();

        // The run holding fence 7 (the incident still a timeout) passes the every-incident row; before its "timeout" row
        // goes out, the run holding fence 8 classifies the incident otherwise and writes all its rows. The late row is
        // refused: fence 8 left a tombstone there.
        _beforeIndex.Table = CauseIndex.Name;
        _beforeIndex.Once = () => Store.UpsertFencedAsync(overload, fence: 8, CancellationToken.None);
        await Assert.ThrowsAsync<StaleWriterException>(() => index.WriteAsync(incident, fence: 7, CancellationToken.None));
        Assert.Null(_beforeIndex.Once);

        Assert.Equal(
            [(CausePartition(IncidentCause.Overload), 8L, "overload"), (CausePartition(IncidentCause.Timeout), 8L, "overload")],
            (await RowsAsync(incident.Id)).Where(r => r.Partition.StartsWith("cause~", StringComparison.Ordinal)).Select(r => (r.Partition, r.Fence, r.Cause)).OrderBy(r => r.Partition, StringComparer.Ordinal));

        // The page is the range read alone: no row is confirmed against the every-incident table.
        _requests.Clear();
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Equal([incident.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload }));
        Assert.Equal(0, _requests.To(Index.Name));
        Assert.Equal(IncidentCause.Overload, (await Store.QueryAsync(new IncidentQuery { Site = "web" }, null, 10, CancellationToken.None)).Single().Cause);
    }

    [Fact]
    public async Task Write_RunDiesBeforeTheTombstoneOfTheEarlierCause_TheNextRunTombstonesEveryCauseTheIncidentHad()
    {
        var incident = NewIncident("00ce0101", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Resolved, T0, T0.AddMinutes(3));
        await Store.UpsertFencedAsync(incident, fence: 6, CancellationToken.None);

        // The run holding fence 7 classifies it overload and dies once its every-incident row is written: none of its
        // rows by cause lands, so the incident is still listed as a timeout, one run behind, as after any crash.
        _beforeIndex.Table = CauseIndex.Name;
        _beforeIndex.Once = () =>
        {
            _faults.Failing = true;
            return Task.CompletedTask;
        };
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => Store.UpsertFencedAsync(incident with { Cause = IncidentCause.Overload }, fence: 7, CancellationToken.None));
        _faults.Failing = false;
        Assert.Equal("overload", (await Index.GetEntityAsync<TableEntity>("all", TableIncidentIndex.RowKey(T0.ToUnixTimeSeconds(), incident.Id))).Value.GetString("Cause"));
        Assert.Equal([incident.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));

        // The run holding fence 8 classifies it otherwise again: the cause it read last is overload, but the
        // every-incident row kept timeout too, so neither lists it.
        await Store.UpsertFencedAsync(incident with { Cause = IncidentCause.Dns }, fence: 8, CancellationToken.None);

        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload }));
        Assert.Equal([incident.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Dns }));
        Assert.Equal(
            [CausePartition(IncidentCause.Dns), CausePartition(IncidentCause.Overload), CausePartition(IncidentCause.Timeout)],
            (await RowsAsync(incident.Id)).Where(r => r.Partition.StartsWith("cause~", StringComparison.Ordinal) && (r.Fence, r.Cause) == (8L, "dns")).Select(r => r.Partition).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Writes <paramref name="incident"/> (a timeout) at fence 7, then as overload at fence 8, and leaves its rows as an
    /// earlier version did: the row under timeout deleted by fence 8 and added again by the stale run holding fence 7;
    /// no causes kept on the every-incident row; no mark that the cause rows are exact. Returns the row key.
    /// </summary>
    private async Task<string> LeaveAStaleTimeoutRowAsAnEarlierVersionDidAsync(Incident incident)
    {
        await Store.UpsertFencedAsync(incident, fence: 7, CancellationToken.None);
        var rowKey = TableIncidentIndex.RowKey(incident.Start.ToUnixTimeSeconds(), incident.Id);
        var staleRow = TableIncidentIndex.CopyOf((await CauseIndex.GetEntityAsync<TableEntity>(CausePartition(IncidentCause.Timeout), rowKey)).Value);
        await Store.UpsertFencedAsync(incident with { Cause = IncidentCause.Overload }, fence: 8, CancellationToken.None);

        await CauseIndex.DeleteEntityAsync(CausePartition(IncidentCause.Timeout), rowKey);
        await CauseIndex.AddEntityAsync(staleRow);
        var everyIncidentRow = (await Index.GetEntityAsync<TableEntity>("all", rowKey)).Value;
        Assert.True(everyIncidentRow.Remove("Causes"));
        await Index.UpdateEntityAsync(everyIncidentRow, everyIncidentRow.ETag, TableUpdateMode.Replace);
        await CauseIndex.DeleteEntityAsync(TableIncidentIndex.MarkerPartition, TableIncidentIndex.CauseRowsExactMarker);
        return rowKey;
    }

    [Fact]
    public async Task Upgrade_RowsAnEarlierVersionLeftUnderACauseTheIncidentNoLongerHas_AreTombstonedThenPagesAreTrusted()
    {
        var moved = NewIncident("00ce0201", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Resolved, T0, T0.AddMinutes(3));
        var stays = NewIncident("00ce0202", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Resolved, T0.AddMinutes(10), T0.AddMinutes(13));
        await Store.UpsertFencedAsync(stays, fence: 7, CancellationToken.None);
        var rowKey = await LeaveAStaleTimeoutRowAsAnEarlierVersionDidAsync(moved);

        // This app's index saw the mark at start and trusts the page: the stale row is one only a confirmation drops.
        Assert.Equal([stays.Id, moved.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));

        // An instance that starts now confirms each row of the page until the pass is done.
        var index = new TableIncidentIndex(_app.Services.GetRequiredService<StorageTables>());
        async Task<List<string>> List(TableIncidentIndex listing, IncidentCause cause) =>
            await listing.ListAsync(new IncidentQuery { Cause = cause }, null, 50, CancellationToken.None).Select(r => r.Cursor.Id).ToListAsync();
        _requests.Clear();
        Assert.Equal([stays.Id], await List(index, IncidentCause.Timeout));
        Assert.Equal(2, _requests.To(Index.Name));

        Assert.Equal(1, await index.TombstoneStaleCauseRowsAsync(CancellationToken.None));

        var tombstone = (await CauseIndex.GetEntityAsync<TableEntity>(CausePartition(IncidentCause.Timeout), rowKey)).Value;
        Assert.Equal(("overload", 8L), (tombstone.GetString("Cause"), tombstone.GetInt64("Fence")));
        Assert.True((await CauseIndex.GetEntityIfExistsAsync<TableEntity>(TableIncidentIndex.MarkerPartition, TableIncidentIndex.CauseRowsExactMarker)).HasValue);
        _requests.Clear();
        Assert.Equal([stays.Id], await List(index, IncidentCause.Timeout));
        Assert.Equal([moved.Id], await List(index, IncidentCause.Overload));
        Assert.Equal([stays.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Equal(0, _requests.To(Index.Name));

        // Done once: the next start reads the mark, and that is all.
        _requests.Clear();
        Assert.Equal(0, await new TableIncidentIndex(_app.Services.GetRequiredService<StorageTables>()).TombstoneStaleCauseRowsAsync(CancellationToken.None));
        Assert.Equal(1, _requests.Total);
    }

    [Fact]
    public async Task Upgrade_ARunRewritesTheRowAsThePassReplacesIt_TheRunsRowStands()
    {
        var incident = NewIncident("00ce0301", "web", "10.0.0.6:80", "f.example.test", IncidentCause.Timeout, IncidentState.Resolved, T0, T0.AddMinutes(3));
        var rowKey = await LeaveAStaleTimeoutRowAsAnEarlierVersionDidAsync(incident);

        // The pass has read the every-incident row (overload); before its tombstone goes out, the run holding fence 9
        // classifies the incident a timeout again and writes its row there.
        _beforeIndex.Table = CauseIndex.Name;
        _beforeIndex.Method = RequestMethod.Put;
        _beforeIndex.Once = () => Store.UpsertFencedAsync(incident, fence: 9, CancellationToken.None);
        Assert.Equal(0, await new TableIncidentIndex(_app.Services.GetRequiredService<StorageTables>()).TombstoneStaleCauseRowsAsync(CancellationToken.None));
        Assert.Null(_beforeIndex.Once);

        var row = (await CauseIndex.GetEntityAsync<TableEntity>(CausePartition(IncidentCause.Timeout), rowKey)).Value;
        Assert.Equal(("timeout", 9L), (row.GetString("Cause"), row.GetInt64("Fence")));
        Assert.Equal([incident.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload }));
    }

    [Fact]
    public async Task IncidentsApi_PagedByContinuation_VisitsEachMatchOnceInOrder()
    {
        var incidents = Corpus();
        foreach (var incident in incidents)
        {
            await Store.UpsertFencedAsync(incident, fence: 1, CancellationToken.None);
        }

        foreach (var (query, filter) in new (string, Func<Incident, bool>)[]
                 {
                     ("site=api", i => i.Site == "api"),
                     ("upstream=unix%3A%2Frun%2Fapp.sock", i => i.Upstream == "unix:/run/app.sock"),
                     ("host=cdn.example.test&state=resolved", i => i.Host == "cdn.example.test" && i.State == IncidentState.Resolved),
                     ("cause=overload", i => i.Cause == IncidentCause.Overload),
                     ("", _ => true),
                 })
        {
            var visited = new List<string>();
            string? continuation = null;
            var pages = 0;
            do
            {
                var path = $"/api/incidents?limit=3&{query}" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
                using var response = await _app.Client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {body}");
                using var page = JsonDocument.Parse(body);
                var items = page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
                Assert.InRange(items.Count, 1, 3);
                visited.AddRange(items);
                continuation = page.RootElement.TryGetProperty("continuation", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
                pages++;
            }
            while (continuation is not null);

            var expected = Expected(incidents, filter);
            Assert.Equal(expected, visited);
            Assert.Equal((expected.Count + 2) / 3, pages);
        }
    }

    [Fact]
    public async Task Write_IncidentResolvesAndChangesCause_RowsFollowTheDocument()
    {
        var open = NewIncident("00aa11bb", "web", "10.0.0.9:80", "a.example.test", IncidentCause.Timeout, IncidentState.Open, T0, T0.AddMinutes(3));
        await Store.UpsertFencedAsync(open, fence: 4, CancellationToken.None);

        var rows = await RowsAsync(open.Id);
        Assert.Equal(["all", "cause~", "host~", "open", "site~", "upstream~"], rows.Select(r => r.Partition.Split('~')[0] + (r.Partition.Contains('~') ? "~" : "")).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal((4L, "open", "timeout"), (r.Fence, r.State, r.Cause)));
        Assert.Equal([open.Id], await ListAsync(new IncidentQuery { State = IncidentState.Open }));

        var resolved = open with { State = IncidentState.Resolved, Cause = IncidentCause.Overload, End = T0.AddMinutes(9) };
        await Store.UpsertFencedAsync(resolved, fence: 5, CancellationToken.None);

        // The row under timeout stays, as a tombstone: it says overload, under fence 5.
        rows = await RowsAsync(open.Id);
        Assert.Equal(6, rows.Count);
        Assert.DoesNotContain(rows, r => r.Partition == "open");
        Assert.Contains(rows, r => r.Partition == CausePartition(IncidentCause.Overload));
        Assert.Contains(rows, r => r.Partition == CausePartition(IncidentCause.Timeout));
        Assert.All(rows, r => Assert.Equal((5L, "resolved", "overload"), (r.Fence, r.State, r.Cause)));
        Assert.Empty(await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Equal([open.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload, From = T0.AddMinutes(8) }));
    }

    [Fact]
    public async Task Write_CrashBetweenDocumentAndIndex_ListsTheLastCompleteWriteAndTheNextWriteRepairs()
    {
        var open = NewIncident("00cc22dd", "web", "10.0.0.7:80", "b.example.test", IncidentCause.Timeout, IncidentState.Open, T0, T0.AddMinutes(3));
        var brandNew = NewIncident("00ee33ff", "web", "10.0.0.7:80", "b.example.test", IncidentCause.Dns, IncidentState.Open, T0.AddHours(1), T0.AddHours(1.1));
        await Store.UpsertFencedAsync(open, fence: 1, CancellationToken.None);
        var resolved = open with { State = IncidentState.Resolved, Cause = IncidentCause.Overload };

        // The run dies after each document write, before any of its index rows lands.
        _faults.Failing = true;
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => Store.UpsertFencedAsync(resolved, fence: 2, CancellationToken.None));
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => Store.UpsertFencedAsync(brandNew, fence: 2, CancellationToken.None));
        _faults.Failing = false;

        // The document is the crashed run's; listings show the incident as the last complete write left it, one run
        // behind (the crashed run saved no state, so the next one writes it again), and not yet the new incident.
        Assert.Equal(IncidentState.Resolved, (await Store.GetAsync(open.Id, CancellationToken.None))!.State);
        Assert.Contains(await RowsAsync(open.Id), r => r.Partition == "open");
        Assert.Equal([open.Id], await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal([open.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload }));
        Assert.Empty(await RowsAsync(brandNew.Id));

        // The next run derives the same incidents and writes them again.
        await Store.UpsertFencedAsync(resolved, fence: 3, CancellationToken.None);
        await Store.UpsertFencedAsync(brandNew, fence: 3, CancellationToken.None);

        Assert.DoesNotContain(await RowsAsync(open.Id), r => r.Partition == "open" || r.State != "resolved");
        Assert.Equal([open.Id], await ListAsync(new IncidentQuery { Cause = IncidentCause.Overload }));
        Assert.Empty(await ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }));
        Assert.Equal([brandNew.Id], await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal([brandNew.Id, open.Id], await ListAsync(new IncidentQuery { Upstream = "10.0.0.7:80" }));
    }

    [Fact]
    public async Task Write_StaleRun_WritesNeitherDocumentNorIndexOverALaterRun()
    {
        var incident = NewIncident("00ab12cd", "web", "10.0.0.5:80", "c.example.test", IncidentCause.Timeout, IncidentState.Open, T0, T0.AddMinutes(3));
        await Store.UpsertFencedAsync(incident with { State = IncidentState.Resolved }, fence: 8, CancellationToken.None);

        // A run whose lease ran out (fence 7) writes its stale "open" version: refused at the document...
        await Assert.ThrowsAsync<StaleWriterException>(() => Store.UpsertFencedAsync(incident, fence: 7, CancellationToken.None));
        // ...and at the index, had its document write landed first and its row writes come late.
        var index = _app.Services.GetRequiredService<TableIncidentIndex>();
        await Assert.ThrowsAsync<StaleWriterException>(() => index.WriteAsync(incident, fence: 7, CancellationToken.None));

        var rows = await RowsAsync(incident.Id);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal((8L, "resolved"), (r.Fence, r.State)));
        Assert.Empty(await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(IncidentState.Resolved, (await Store.GetAsync(incident.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Update_AnalyzerWritesWhileAProbeRuns_TheProbesChangeLandsOnTheAnalyzersVersion()
    {
        var open = NewIncident("00dd0001", "web", "10.0.0.4:80", "g.example.test", IncidentCause.UpstreamDown, IncidentState.Open, T0, T0.AddMinutes(2));
        await Store.UpsertFencedAsync(open, fence: 3, CancellationToken.None);
        var resolved = open with { State = IncidentState.Resolved, End = T0.AddMinutes(6), FailedRequests = 40 };
        var calls = 0;

        var written = await Store.UpdateAsync(
            open.Id,
            current =>
            {
                if (++calls == 1)
                {
                    // The next analyzer run writes the incident resolved between the probe's read and its write.
                    Task.Run(() => Store.UpsertFencedAsync(resolved, fence: 4, CancellationToken.None)).GetAwaiter().GetResult();
                }

                return current with { Remediation = [.. current.Remediation, "probe: connect refused"] };
            },
            CancellationToken.None);

        Assert.Equal(2, calls);
        var stored = (await Store.GetAsync(open.Id, CancellationToken.None))!;
        Assert.Equal((IncidentState.Resolved, 40, "probe: connect refused"), (stored.State, stored.FailedRequests, stored.Remediation[^1]));
        Assert.Equal(stored.State, written!.State);
        Assert.All(await RowsAsync(open.Id), r => Assert.Equal((4L, "resolved"), (r.Fence, r.State)));
        Assert.Empty(await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Null(await Store.UpdateAsync("00dd0002", current => current, CancellationToken.None));
    }

    [Fact]
    public async Task Update_TheSameRunRewritesTheIncidentBeforeTheProbesRowsLand_RowsEndAtTheLatestDocument()
    {
        var open = NewIncident("00dd0101", "web", "10.0.0.9:80", "h.example.test", IncidentCause.UpstreamDown, IncidentState.Open, T0, T0.AddMinutes(2));
        await Store.UpsertFencedAsync(open, fence: 5, CancellationToken.None);
        var resolved = open with { State = IncidentState.Resolved, End = T0.AddMinutes(7), FailedRequests = 12 };

        // The probe's document lands; before its rows do, the run holding the same fence (still running) writes the
        // incident resolved, document and rows. A same-fence row write is not refused, so the probe's "open" rows would
        // be the last word.
        _beforeIndex.Once = () => Store.UpsertFencedAsync(resolved, fence: 5, CancellationToken.None);
        await Store.UpdateAsync(open.Id, current => current with { Remediation = [.. current.Remediation, "probe: connect refused"] }, CancellationToken.None);

        Assert.Null(_beforeIndex.Once);
        Assert.Equal(IncidentState.Resolved, (await Store.GetAsync(open.Id, CancellationToken.None))!.State);
        Assert.All(await RowsAsync(open.Id), r => Assert.Equal((5L, "resolved"), (r.Fence, r.State)));
        Assert.DoesNotContain(await RowsAsync(open.Id), r => r.Partition == "open");
        Assert.Empty(await ListAsync(new IncidentQuery { State = IncidentState.Open }));
        Assert.Equal(12, (await Store.QueryAsync(new IncidentQuery { Upstream = "10.0.0.9:80" }, null, 10, CancellationToken.None)).Single().FailedRequests);
    }

    [Fact]
    public async Task Upgrade_RowsOfTheEarlierLayoutInOneTable_AreMovedToTheTablesOfTheirListingsAtStart()
    {
        var incidents = Corpus();
        foreach (var incident in incidents)
        {
            await Store.UpsertFencedAsync(incident, fence: 1, CancellationToken.None);
        }

        // The earlier layout: every kind of row in the one table, and no rows by cause (nor the mark saying they are complete).
        foreach (var table in IndexTables.Skip(1))
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                if (table.Name != CauseIndex.Name)
                {
                    await Index.AddEntityAsync(TableIncidentIndex.CopyOf(row));
                }

                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }

        // Written since, by the new layout: an open incident resolved (its site, upstream, host and cause rows now in their
        // tables at fence 2; the earlier layout's "open" row still beside the every-incident rows), and the stale "open" row of an
        // incident that resolved before the upgrade, as a stale run can leave one.
        var open = incidents.First(i => i.State == IncidentState.Open);
        var resolved = open with { State = IncidentState.Resolved, End = open.End.AddMinutes(9) };
        await Store.UpsertFencedAsync(resolved, fence: 2, CancellationToken.None);
        incidents[incidents.IndexOf(open)] = resolved;
        var other = incidents.First(i => i.State == IncidentState.Resolved && i.Id != open.Id);
        var staleOpenRow = TableIncidentIndex.CopyOf((await Index.GetEntityAsync<TableEntity>($"site~{SafeText.Encode(other.Site!)}", TableIncidentIndex.RowKey(other.Start.ToUnixTimeSeconds(), other.Id))).Value);
        staleOpenRow.PartitionKey = "open";
        staleOpenRow["State"] = "open";
        await Index.AddEntityAsync(staleOpenRow);

        // Before the cause rows are complete, a listing by cause reads the every-incident table.
        var beforeUpgrade = new TableIncidentIndex(_app.Services.GetRequiredService<StorageTables>());
        Assert.Equal(
            Expected(incidents, i => i.Cause == IncidentCause.Timeout),
            await beforeUpgrade.ListAsync(new IncidentQuery { Cause = IncidentCause.Timeout }, null, 500, CancellationToken.None).Select(r => r.Cursor.Id).ToListAsync());

        // An instance of this version starts on the same storage and moves them.
        var options = _app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        await using var upgraded = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Storage:IncidentIndexTable"] = options.IncidentIndexTable,
            ["Storage:IncidentsContainer"] = options.IncidentsContainer,
        });
        await WaitForCauseRowsExactAsync(CauseIndex);
        Assert.False(await Index.QueryAsync<TableEntity>("PartitionKey gt 'all'", maxPerPage: 1).AnyAsync());

        var store = upgraded.Services.GetRequiredService<IIncidentStore>();
        async Task<List<string>> List(IncidentQuery query) => [.. (await store.QueryAsync(query, null, 500, CancellationToken.None)).Select(s => s.Id)];
        Assert.Equal(Expected(incidents, _ => true), await List(new IncidentQuery()));
        Assert.Equal(Expected(incidents, i => i.Site == "edge/eu"), await List(new IncidentQuery { Site = "edge/eu" }));
        Assert.Equal(Expected(incidents, i => i.Upstream == "unix:/run/app.sock"), await List(new IncidentQuery { Upstream = "unix:/run/app.sock" }));
        Assert.Equal(Expected(incidents, i => i.Host == "Shop.Example.test"), await List(new IncidentQuery { Host = "shop.example.TEST" }));
        Assert.Equal(Expected(incidents, i => i.State == IncidentState.Open), await List(new IncidentQuery { State = IncidentState.Open }));
        foreach (var cause in incidents.Select(i => i.Cause).Distinct())
        {
            Assert.Equal(Expected(incidents, i => i.Cause == cause), await List(new IncidentQuery { Cause = cause }));
        }

        Assert.Equal(Expected(incidents, i => i.Cause == open.Cause && i.Site == open.Site), await List(new IncidentQuery { Cause = open.Cause, Site = open.Site }));
        Assert.Equal(Expected(incidents, i => i.Site == open.Site && i.State == IncidentState.Resolved), await List(new IncidentQuery { Site = open.Site, State = IncidentState.Resolved }));

        // Each table holds its kind of row only; the newer rows stood, and no row came back for the resolved incidents.
        Assert.All(await RowsAsync(open.Id), r => Assert.Equal((2L, "resolved"), (r.Fence, r.State)));
        Assert.DoesNotContain(await RowsAsync(other.Id), r => r.Partition == "open");
        foreach (var incident in incidents)
        {
            Assert.Single(await RowsAsync(incident.Id), r => r.Partition == CausePartition(incident.Cause));
        }

        string[] prefixes = ["all", "site~", "upstream~", "host~", "cause~", "open"];
        foreach (var (table, prefix) in IndexTables.Zip(prefixes))
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                Assert.True(
                    row.PartitionKey.StartsWith(prefix, StringComparison.Ordinal) || (prefix == "cause~" && row.PartitionKey == TableIncidentIndex.MarkerPartition),
                    $"{table.Name} holds a row of partition {row.PartitionKey}");
            }
        }

        var index = upgraded.Services.GetRequiredService<TableIncidentIndex>();
        Assert.Equal(0, await index.MoveEarlierLayoutRowsAsync(CancellationToken.None));
        Assert.Equal(0, await index.BackfillCauseRowsAsync(CancellationToken.None));
        Assert.Equal(0, await index.TombstoneStaleCauseRowsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Write_TableGone_IsCreatedAgain()
    {
        var incident = NewIncident("00fe98dc", "web", "10.0.0.3:80", "d.example.test", IncidentCause.Dns, IncidentState.Open, T0, T0.AddMinutes(1));
        await Store.UpsertFencedAsync(incident, fence: 1, CancellationToken.None);
        foreach (var table in IndexTables)
        {
            await table.DeleteAsync();
        }

        Assert.Empty(await ListAsync(new IncidentQuery()));

        await Store.UpsertFencedAsync(incident, fence: 2, CancellationToken.None);

        Assert.Equal([incident.Id], await ListAsync(new IncidentQuery { Site = "web" }));
    }

    /// <summary>The table a request goes to: the path's last segment, up to the keys or the query's parentheses.</summary>
    private static string TableOf(HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var keys = segment.IndexOfAny(['(', '%']);
        return keys < 0 ? segment : segment[..keys];
    }

    /// <summary>
    /// Runs <see cref="Once"/> (once) before the next request to an index table (to <see cref="Table"/> with
    /// <see cref="Method"/>, when set) goes out, then lets it go.
    /// </summary>
    private sealed class BeforeIndexRequest : HttpPipelinePolicy
    {
        public volatile Func<Task>? Once;
        public volatile string? Table;
        public RequestMethod? Method;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Path.Contains("/idx", StringComparison.Ordinal) && (Table is null || TableOf(message) == Table)
                && (Method is null || message.Request.Method == Method) && Interlocked.Exchange(ref Once, null) is { } once)
            {
                await once();
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);
    }

    /// <summary>The requests to the index's tables, by table: tells a page read alone from one confirmed row by row.</summary>
    /// <summary>A policy that sees each request before it is sent.</summary>
    private abstract class RequestHook : HttpPipelinePolicy
    {
        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            OnRequest(message);
            return ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            OnRequest(message);
            ProcessNext(message, pipeline);
        }

        protected abstract void OnRequest(HttpMessage message);
    }

    private sealed class IndexRequests : RequestHook
    {
        private readonly ConcurrentQueue<string> _tables = new();

        public int Total => _tables.Count;

        public int To(string table) => _tables.Count(t => t == table);

        public void Clear() => _tables.Clear();

        protected override void OnRequest(HttpMessage message)
        {
            if (TableOf(message) is var table && table.StartsWith("idx", StringComparison.Ordinal))
            {
                _tables.Enqueue(table);
            }
        }
    }

    /// <summary>Fails every write to the index table while <see cref="Failing"/>, as a crash after the document would.</summary>
    private sealed class FailIndexWrites : RequestHook
    {
        public volatile bool Failing;

        protected override void OnRequest(HttpMessage message)
        {
            if (Failing && message.Request.Uri.Path.Contains("/idx", StringComparison.Ordinal) && message.Request.Method != RequestMethod.Get)
            {
                throw new RequestFailedException(503, "injected crash before the index write");
            }
        }
    }
}
