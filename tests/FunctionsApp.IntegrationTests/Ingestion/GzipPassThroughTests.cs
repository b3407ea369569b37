using System.Net;
using System.Text;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Ingestion;

/// <summary>
/// A gzip body of plain lines is stored as it came (its decoded text is already the stored form); any body whose
/// lines had to be rewritten is compressed again, and either way the blob holds the same lines.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GzipPassThroughTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Line1 = "203.0.113.7 - - [24/Nov/2026:05:00:01 +0000] \"GET /api/orders HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"";
    private const string Line2 = "203.0.113.8 - - [24/Nov/2026:05:00:02 +0000] \"POST /api/pay HTTP/1.1\" 200 12 \"-\" \"Mozilla/5.0\"";
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Ingest_GzipOfPlainLines_StoresTheRequestBodyByteForByte()
    {
        // Two gzip members and an empty line: still exactly the stored form once decoded.
        byte[] body = [.. Bodies.Encode($"{Line1}\n\n", "gzip"), .. Bodies.Encode($"{Line2}\n", "gzip")];

        var (result, stored) = await IngestAsync(body);

        Assert.Equal(body, stored);
        Assert.Equal(3, result.Lines);
        Assert.Equal(1, result.Malformed); // the empty line: counted, kept
        Assert.Equal([Line1, "", Line2], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
    }

    public static TheoryData<string, string, string[]> Rewritten() => new()
    {
        { "crlf", $"{Line1}\r\n{Line2}\r\n", [Line1, Line2] },
        { "no-final-newline", $"{Line1}\n{Line2}", [Line1, Line2] },
        { "crlf-after-the-first-line", $"{Line1}\n{Line2}\r\n", [Line1, Line2] },
        { "byte-order-mark", $"\uFEFF{Line1}\n{Line2}\n", [Line1, Line2] },
        { "ndjson", $"{{\"log\":\"{Line1.Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}\n{{\"log\":\"{Line2.Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}\n", [Line1, Line2] },
    };

    [Theory]
    [MemberData(nameof(Rewritten))]
    public async Task Ingest_GzipWhoseLinesAreRewritten_IsCompressedAgainWithTheSameLines(string shape, string text, string[] expected)
    {
        var body = Bodies.Encode(text, "gzip");

        var (result, stored) = await IngestAsync(body);

        var lines = await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!);
        Assert.NotEqual(body, stored);
        Assert.True(expected.SequenceEqual(lines), shape);
    }

    [Fact]
    public async Task Ingest_GzipWithAnInvalidUtf8LineLater_StoresItWithReplacementCharacters()
    {
        byte[] text = [.. Encoding.UTF8.GetBytes($"{Line1}\nbad "), 0xC3, 0x28, .. "\n"u8];

        var (result, stored) = await IngestAsync(Bodies.Encode(text, "gzip"));

        Assert.Equal(1, result.Malformed);
        Assert.Equal([Line1, "bad \uFFFD("], await BatchBlobs.ReadLinesAsync(_app.Logs, result.Blob!));
        Assert.NotEqual(Bodies.Encode(text, "gzip"), stored);
    }

    [Fact]
    public async Task Ingest_SameLinesAsGzipAndAsPlainText_AreOneBatch()
    {
        var text = $"{Line1}\n{Line2}\n";

        var (first, _) = await IngestAsync(Bodies.Encode(text, "gzip"));
        using var second = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(Encoding.UTF8.GetBytes(text), null));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(first.Blob, (await IngestResponseBody.ReadAsync(second)).Blob);
    }

    private async Task<(IngestResponseBody Result, byte[] Stored)> IngestAsync(byte[] gzipBody)
    {
        using var response = await _app.Client.PostAsync("/api/ingest/nginx-access", Bodies.Content(gzipBody, "gzip"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await IngestResponseBody.ReadAsync(response);
        var download = await _app.Logs.GetBlobClient(result.Blob).DownloadContentAsync();
        return (result, download.Value.Content.ToArray());
    }
}
