using System.Net;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.IntegrationTests.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Reliability;

/// <summary>
/// Every acknowledged line is analyzed exactly once, whatever the retry timing and wherever an attempt dies. One batch
/// is posted with faults injected at the steps of the store protocol (one attempt per fault), each retry a quarter of an
/// hour after the last, while other batches arrive and the analyzer runs and moves its checkpoint past the first
/// attempt's time (beyond <c>Analysis:ReorderWindow</c>); then a last retry succeeds. The analyzer must have read every
/// acknowledged line once: the lines its runs report equal the lines acknowledged, and the batch is stored once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExactlyOnceAnalysisTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan RetryGap = TimeSpan.FromMinutes(15);

    [Theory]
    [InlineData("marker-create:before")]
    [InlineData("marker-create:after")]
    [InlineData("batch-put:before")]
    [InlineData("batch-put:after")]
    [InlineData("batch-put:before", "marker-read:before")]
    [InlineData("batch-put:before", "batch-exists:before")]
    [InlineData("batch-put:before", "marker-repoint:before")]
    [InlineData("batch-put:before", "marker-repoint:after")]
    [InlineData("batch-put:before", "batch-put:before")]
    [InlineData("batch-put:before", "batch-put:after")]
    [InlineData("marker-create:after", "marker-repoint:after", "batch-put:before")]
    public async Task Ingest_RetriedLateAfterFailuresAtEachStep_EveryAcknowledgedLineAnalyzedOnce(params string[] faults)
    {
        var storage = new StorageFaults();
        await using var kit = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(storage));
        var chunks = AnalysisTestKit.AccessLines.Chunk(AnalysisTestKit.AccessLines.Length / ((3 * faults.Length) + 3)).ToList();
        var late = chunks[0];
        var body = Encoding.UTF8.GetBytes(string.Join('\n', late) + "\n");
        long acknowledged = 0;
        long analyzed = 0;
        var filler = 1;

        foreach (var fault in faults)
        {
            storage.Arm(StorageStep.Parse(fault));
            using (var failed = await PostAsync(kit, body))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            }

            Assert.False(storage.Pending, $"fault {fault} never fired");

            // Time passes; other batches arrive and are analyzed, the checkpoint moves past the attempt's time.
            for (var i = 0; i < 3; i++)
            {
                kit.Clock.Advance(RetryGap * 2 / 3);
                using var other = await PostAsync(kit, Encoding.UTF8.GetBytes(string.Join('\n', chunks[filler++]) + "\n"));
                Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
                acknowledged += chunks[filler - 1].Length;
                analyzed += (await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Lines;
            }
        }

        using (var retried = await PostAsync(kit, body))
        {
            Assert.True(retried.IsSuccessStatusCode, $"{retried.StatusCode}");
            acknowledged += late.Length;
        }

        kit.Clock.Advance(RetryGap);
        using (var last = await PostAsync(kit, Encoding.UTF8.GetBytes(string.Join('\n', chunks[filler]) + "\n")))
        {
            Assert.Equal(HttpStatusCode.Accepted, last.StatusCode);
            acknowledged += chunks[filler].Length;
        }

        for (var run = 0; run < 3; run++)
        {
            analyzed += (await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Lines;
            kit.Clock.Advance(RetryGap);
        }

        Assert.Equal(acknowledged, analyzed);
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        var copies = (await BatchBlobs.ListAsync(kit.App.Logs)).Count(b => b.Metadata.TryGetValue("contentHash", out var h) && h == hash);
        Assert.Equal(1, copies);
    }

    [Fact]
    public async Task Ingest_WithoutKeyRetriedLongAfterACrashBeforeTheBatch_IsAnalyzedOnce()
    {
        var storage = new StorageFaults();
        await using var kit = await AnalysisTestKit.StartAsync(azurite, s => s.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(storage));
        var chunks = AnalysisTestKit.AccessLines.Chunk(AnalysisTestKit.AccessLines.Length / 4).ToList();
        var body = Encoding.UTF8.GetBytes(string.Join('\n', chunks[0]) + "\n");

        storage.Arm(StorageStep.Parse("batch-put:before"));
        using (var failed = await PostAsync(kit, body, keyed: false))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        long analyzed = 0;
        foreach (var chunk in chunks.Skip(1).Take(2))
        {
            kit.Clock.Advance(RetryGap);
            using var other = await PostAsync(kit, Encoding.UTF8.GetBytes(string.Join('\n', chunk) + "\n"), keyed: false);
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
            analyzed += (await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Lines;
        }

        using (var retried = await PostAsync(kit, body, keyed: false))
        {
            Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        }

        for (var run = 0; run < 2; run++)
        {
            kit.Clock.Advance(RetryGap);
            analyzed += (await kit.Analyzer.RunOnceAsync(CancellationToken.None)).Lines;
        }

        Assert.Equal(chunks[0].Length + chunks[1].Length + chunks[2].Length, analyzed);
    }

    private static Task<HttpResponseMessage> PostAsync(AnalysisTestKit kit, byte[] body, bool keyed = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/nginx-access") { Content = Bodies.Content(body, null) };
        if (keyed)
        {
            request.Headers.Add("Idempotency-Key", Convert.ToHexStringLower(SHA256.HashData(body))[..24]);
        }

        return kit.App.Client.SendAsync(request);
    }
}
