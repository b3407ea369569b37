using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// A Heroku log drain posts nginx's lines as logplex frames (<c>application/logplex-1</c>: each an RFC 6587 octet count,
/// then an RFC 5424 header without structured data, the line and a newline the count includes). The service stores
/// the frames as sent and the analyzer, removing the header, reaches the same incidents as from the bare lines.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LogplexDrainTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task LogplexDrain_FramedLines_SameIncidentsAsBareLines()
    {
        await using var bare = await AnalysisTestKit.StartAsync(azurite);
        await bare.IngestAsync("nginx-access", AnalysisTestKit.AccessLines);
        await bare.IngestAsync("nginx-error", AnalysisTestKit.ErrorLines);
        await RunTwiceAsync(bare);

        await using var drain = await AnalysisTestKit.StartAsync(azurite);
        var received = AnalysisTestKit.LastTime();
        foreach (var (source, lines) in new[] { ("nginx-access", AnalysisTestKit.AccessLines), ("nginx-error", AnalysisTestKit.ErrorLines) })
        {
            // Logplex posts batches of frames, each request saying how many it holds.
            var frameId = 0;
            foreach (var chunk in lines.Chunk(100))
            {
                var body = new StringBuilder();
                foreach (var line in chunk)
                {
                    var message = $"<190>1 {received:yyyy-MM-ddTHH:mm:ss.ffffffzzz} host app web.1 - {line}\n";
                    body.Append(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(message)} {message}");
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}")
                {
                    Content = new StringContent(body.ToString(), Encoding.UTF8, "application/logplex-1"),
                };
                request.Headers.Add("Logplex-Msg-Count", chunk.Length.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("Logplex-Frame-Id", $"{source}-{frameId++}");
                using var response = await drain.App.Client.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            }
        }

        await RunTwiceAsync(drain);

        var expected = BySubject(await bare.IncidentsAsync());
        var actual = BySubject(await drain.IncidentsAsync());
        Assert.True(expected.Count >= 10, $"only {expected.Count} incidents");
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (subject, incident) in expected)
        {
            var other = actual[subject];
            Assert.Equal((incident.Cause, incident.Status, incident.FailedRequests, incident.Start, incident.End, incident.State),
                (other.Cause, other.Status, other.FailedRequests, other.Start, other.End, other.State));
        }
    }

    private static async Task RunTwiceAsync(AnalysisTestKit kit)
    {
        Assert.True((await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Proceeded);
        kit.Clock.Advance(TimeSpan.FromMinutes(10));
        await kit.Analyzer.RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Incidents by what they are about: upstream, host and start.</summary>
    private static SortedDictionary<string, Incident> BySubject(SortedDictionary<string, Incident> incidents) =>
        new(incidents.Values.ToDictionary(i => $"{i.Upstream} {i.Host} {i.Start:O}"), StringComparer.Ordinal);
}
