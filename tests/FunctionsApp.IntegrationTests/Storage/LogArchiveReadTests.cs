using FunctionsApp.Ingestion;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Storage;

/// <summary>The read side the analyzer uses: list after a checkpoint, read a batch line by line.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LogArchiveReadTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ListBatchesAsync_AfterCheckpoint_ReturnsLaterBatchesInOrderWithMetadata()
    {
        var names = new List<string>();
        foreach (var (source, line) in new[] { ("nginx-access", "a1"), ("nginx-error", "e1"), ("nginx-access", "a2"), ("nginx-access", "a3") })
        {
            using var response = await _app.Client.PostAsync($"/api/ingest/{source}", Bodies.Content(System.Text.Encoding.UTF8.GetBytes(line + "\n"), null));
            names.Add((await IngestResponseBody.ReadAsync(response)).Blob!);
            await Task.Delay(5);
        }

        var archive = _app.Services.GetRequiredService<ILogArchive>();

        var all = await archive.ListBatchesAsync("nginx-access", null, CancellationToken.None).ToListAsync();
        var after = await archive.ListBatchesAsync("nginx-access", names[0], CancellationToken.None).ToListAsync();
        var everything = await archive.ListBatchesAsync(null, null, CancellationToken.None).ToListAsync();

        Assert.Equal([names[0], names[2], names[3]], all.Select(b => b.BlobName));
        Assert.Equal([names[2], names[3]], after.Select(b => b.BlobName));
        Assert.Equal(4, everything.Count);
        var error = Assert.Single(everything, b => b.Source == "nginx-error");
        Assert.Equal((LogKind?)LogKind.Error, error.Kind);
        Assert.Equal("web", error.Site);
        Assert.Equal("error", error.Format);
        Assert.Equal(1, error.LineCount);
        Assert.NotNull(error.ReceivedAt);
        Assert.Equal(["a2"], await archive.ReadLinesAsync(names[2], CancellationToken.None).ToListAsync());
    }
}
