using System.Net;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>Strict gzip validation rejects truncation but still accepts multi-member (concatenated) gzip bodies.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GzipMembersTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ingest_ConcatenatedGzipMembers_StoresTheLinesOfAllMembers()
    {
        byte[] body = [.. Bodies.Encode("first\n", "gzip"), .. Bodies.Encode("second\n", "gzip")];

        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(body, "gzip"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["first", "second"], await BatchBlobs.ReadLinesAsync(_app.Logs, (await IngestResponseBody.ReadAsync(response)).Blob!));
    }
}
