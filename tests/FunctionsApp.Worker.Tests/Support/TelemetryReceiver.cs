using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker.Tests.Support;

/// <summary>One telemetry item as the Application Insights SDK sends it (its envelope, JSON).</summary>
internal sealed record TelemetryItem(string Name, string? InstrumentationKey, string? OperationId, string? BaseType, JsonElement Data)
{
    /// <summary>A field of the item's data (<c>name</c>, <c>type</c>, <c>message</c>, <c>severityLevel</c>, ...).</summary>
    public string? Field(string name) => Data.TryGetProperty("baseData", out var data) && data.TryGetProperty(name, out var value) ? value.ToString() : null;

    /// <summary>One of the item's custom properties (<c>CategoryName</c>, <c>InvocationId</c>, ...).</summary>
    public string? Property(string name) =>
        Data.TryGetProperty("baseData", out var data) && data.TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value) ? value.GetString() : null;
}

/// <summary>
/// The Application Insights ingestion endpoint (standing in for Azure Monitor) on http://127.0.0.1: the worker is
/// pointed at it through its connection string (<c>IngestionEndpoint</c>, and <c>LiveEndpoint</c> so Live Metrics
/// stays on loopback too). It answers the track API as the service does (200, items received/accepted) and keeps
/// every item: the SDK posts newline-delimited JSON envelopes, gzip-compressed.
/// </summary>
internal sealed class TelemetryReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<TelemetryItem> _items;

    private TelemetryReceiver(WebApplication app, ConcurrentQueue<TelemetryItem> items)
    {
        _app = app;
        _items = items;
        BaseUri = new Uri(app.Urls.Single());
    }

    public Uri BaseUri { get; }

    public IReadOnlyList<TelemetryItem> Items => _items.ToArray();

    /// <summary>A connection string that sends everything here, with <paramref name="instrumentationKey"/>.</summary>
    public string ConnectionString(Guid instrumentationKey) =>
        $"InstrumentationKey={instrumentationKey};IngestionEndpoint={BaseUri};LiveEndpoint={BaseUri}";

    public static async Task<TelemetryReceiver> StartAsync()
    {
        var items = new ConcurrentQueue<TelemetryItem>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/{version}/track", async (HttpRequest http) =>
        {
            var body = http.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(http.Body, CompressionMode.Decompress)
                : http.Body;
            using var reader = new StreamReader(body);
            var received = 0;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var envelope = JsonDocument.Parse(line);
                var root = envelope.RootElement;
                items.Enqueue(new TelemetryItem(
                    root.GetProperty("name").GetString()!,
                    root.TryGetProperty("iKey", out var key) ? key.GetString() : null,
                    root.TryGetProperty("tags", out var tags) && tags.TryGetProperty("ai.operation.id", out var operation) ? operation.GetString() : null,
                    root.TryGetProperty("data", out var data) && data.TryGetProperty("baseType", out var type) ? type.GetString() : null,
                    root.TryGetProperty("data", out var content) ? content.Clone() : default));
                received++;
            }

            return Results.Json(new TrackResponse(received, received), TelemetryReceiverJsonContext.Default.TrackResponse);
        });
        // Live Metrics pings: answered, not subscribed (no x-ms-qps-subscribed header), so the SDK only keeps pinging.
        app.MapPost("/QuickPulseService.svc/{**rest}", () => Results.Ok());
        await app.StartAsync();
        return new TelemetryReceiver(app, items);
    }

    /// <summary>Waits until an item matching <paramref name="match"/> has arrived; <c>null</c> if none did in time.</summary>
    public async Task<TelemetryItem?> WaitForAsync(Func<TelemetryItem, bool> match, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (_items.FirstOrDefault(match) is { } item)
            {
                return item;
            }

            if (waited.Elapsed > timeout)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The track API's answer.</summary>
internal sealed record TrackResponse(int ItemsReceived, int ItemsAccepted);

[System.Text.Json.Serialization.JsonSerializable(typeof(TrackResponse))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class TelemetryReceiverJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
