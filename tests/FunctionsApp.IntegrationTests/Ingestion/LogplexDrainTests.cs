using System.Globalization;
using System.Text;
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
        var expected = await AnalysisTestKit.ReferenceIncidentsAsync(azurite);
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

        await drain.RunTwiceAsync();

        AnalysisTestKit.AssertSameIncidents(expected, await drain.IncidentsBySubjectAsync());
    }
}
