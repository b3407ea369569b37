using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>The ingest response as a client sees it.</summary>
internal sealed record IngestResponseBody(string Source, long Lines, long Accepted, long Malformed, bool Duplicate, string? Blob)
{
    public static async Task<IngestResponseBody> ReadAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), TestJsonContext.Default.IngestResponseBody)
        ?? throw new InvalidOperationException("Empty ingest response.");
}

/// <summary>A problem details document as a client sees it.</summary>
internal sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail)
{
    public static async Task<ProblemBody> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), TestJsonContext.Default.ProblemBody)
            ?? throw new InvalidOperationException("Empty problem response.");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(IngestResponseBody))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
