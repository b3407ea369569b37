using System.Text.Json;

namespace FunctionsApp.Worker.Tests.Functions;

/// <summary>The worker's <c>openapi</c> function serves the standalone app's document: every API route, described.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task GetJsonAsync_Document_DescribesTheApiRoutesWithTheirParameters()
    {
        using var document = JsonDocument.Parse(await new OpenApiDocument().GetJsonAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("nginx 502 diagnostics", document.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.True(paths.TryGetProperty("/api/incidents/{id}", out var incident));
        Assert.Contains(incident.GetProperty("get").GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "id");
        Assert.True(paths.TryGetProperty("/api/ingest/{source}", out _));
    }
}
