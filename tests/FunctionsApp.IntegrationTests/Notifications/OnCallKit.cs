using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionsApp.Analysis;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Metrics;
using FunctionsApp.Notifications.Webhook;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>
/// The real app on Azurite with Slack, Teams and a signed webhook as local HTTPS receivers on 127.0.0.1 answering as
/// the real ones do (Slack 200 <c>ok</c>, Teams Workflows 202, webhook 200), a settable clock, and real nginx lines
/// (a captured upstream-down failure) moved to whatever time a scenario needs. Sites <c>a</c> and <c>b</c> are two
/// nginx instances; each has an access and an error source.
/// </summary>
internal sealed partial class OnCallKit : IAsyncDisposable
{
    public const string WebhookSecret = "0123456789abcdef0123456789abcdef-webhook";
    private static readonly string Fixture = Path.Combine(RepositoryPaths.NginxFixtures, "upstream-down-custom");

    private OnCallKit(TestApp app, LoopbackHttpsServer receivers, FakeTimeProvider clock)
    {
        App = app;
        Receivers = receivers;
        Clock = clock;
    }

    public TestApp App { get; }

    public LoopbackHttpsServer Receivers { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>When the captured failure's first line was logged; scenarios move the lines relative to it.</summary>
    public static DateTimeOffset CaptureStart { get; } = DateTimeOffset.Parse(File.ReadAllLines(Path.Combine(Fixture, "access.log"))[0].Split(' ')[0], CultureInfo.InvariantCulture);

    public static async Task<OnCallKit> StartAsync(AzuriteFixture azurite, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var receivers = await LoopbackHttpsServer.StartAsync();
        receivers.Responder = async (request, response) =>
        {
            response.StatusCode = request.Path.StartsWith("/teams/", StringComparison.Ordinal) ? 202 : 200;
            if (request.Path.StartsWith("/slack/", StringComparison.Ordinal))
            {
                await response.WriteAsync("ok");
            }
        };

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
        var format = manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString();
        var clock = new FakeTimeProvider(CaptureStart);
        var settings = new Dictionary<string, string?>
        {
            ["Ingestion:Sources:a-access:Kind"] = "Access",
            ["Ingestion:Sources:a-access:Format"] = format,
            ["Ingestion:Sources:a-access:Site"] = "a",
            ["Ingestion:Sources:a-error:Kind"] = "Error",
            ["Ingestion:Sources:a-error:Site"] = "a",
            ["Ingestion:Sources:b-access:Kind"] = "Access",
            ["Ingestion:Sources:b-access:Format"] = format,
            ["Ingestion:Sources:b-access:Site"] = "b",
            ["Ingestion:Sources:b-error:Kind"] = "Error",
            ["Ingestion:Sources:b-error:Site"] = "b",
            ["Notifications:PublicBaseUrl"] = "https://diag.example.com",
            ["Notifications:OutboxContainer"] = "outbox-" + Guid.NewGuid().ToString("N")[..10],
            ["Notifications:Receivers:0:Name"] = "ops-slack",
            ["Notifications:Receivers:0:Type"] = "Slack",
            ["Notifications:Receivers:0:Url"] = receivers.BaseUri + "slack/services/T000/B000/XXXX",
            ["Notifications:Receivers:0:MinInterval"] = "00:00:00",
            ["Notifications:Receivers:1:Name"] = "ops-teams",
            ["Notifications:Receivers:1:Type"] = "Teams",
            ["Notifications:Receivers:1:Url"] = receivers.BaseUri + "teams/workflows/x/triggers/manual/paths/invoke?sig=abc",
            ["Notifications:Receivers:1:MinInterval"] = "00:00:00",
            ["Notifications:Receivers:2:Name"] = "ops-hook",
            ["Notifications:Receivers:2:Type"] = "Webhook",
            ["Notifications:Receivers:2:Url"] = receivers.BaseUri + "hook",
            ["Notifications:Receivers:2:Secret"] = WebhookSecret,
            ["Notifications:Routes:0:Receivers:0"] = "ops-slack",
            ["Notifications:Routes:0:Receivers:1"] = "ops-teams",
            ["Notifications:Routes:0:Receivers:2"] = "ops-hook",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await TestApp.StartAsync(azurite, settings, s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(receivers.CreateHandler));
            services?.Invoke(s);
        });
        return new OnCallKit(app, receivers, clock);
    }

    public IncidentAnalyzer Analyzer => App.Services.GetRequiredService<IncidentAnalyzer>();

    /// <summary>The captured access and error lines, moved so the first line is logged at <paramref name="start"/>.</summary>
    public static (string[] Access, string[] Error) Outage(DateTimeOffset start)
    {
        var delta = start - CaptureStart;
        return (
            [.. File.ReadAllLines(Path.Combine(Fixture, "access.log")).Select(l => IsoTime().Replace(l, m => Format(DateTimeOffset.Parse(m.Value, CultureInfo.InvariantCulture) + delta), 1))],
            [.. File.ReadAllLines(Path.Combine(Fixture, "error.log")).Select(l => ErrorTime().Replace(l, m =>
                (DateTimeOffset.ParseExact(m.Value, "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) + delta)
                    .UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture), 1))]);
    }

    /// <summary>Ships an outage's lines for a site, as a shipper would (access log, then error log).</summary>
    public async Task ShipAsync(string site, (string[] Access, string[] Error) lines)
    {
        foreach (var (source, body) in new[] { ($"{site}-access", lines.Access), ($"{site}-error", lines.Error) })
        {
            using var content = new StringContent(string.Join('\n', body) + "\n", Encoding.UTF8, "text/plain");
            var response = await App.Client.PostAsync($"/api/ingest/{source}", content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Moves the clock to <paramref name="at"/> and runs what the timers would: the analyzer, then notify.</summary>
    public async Task TickAsync(DateTimeOffset at)
    {
        if (at > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(at);
        }

        await Analyzer.RunOnceAsync(CancellationToken.None);
        await RunTimerAsync("notify");
    }

    public Task RunTimerAsync(string name) => App.RunTimerAsync(name);

    /// <summary>What each receiver got, in order.</summary>
    public IReadOnlyList<RecordedRequest> Posts(string receiver) =>
        [.. Receivers.Requests.Where(r => r.Path.StartsWith(receiver switch
        {
            "slack" => "/slack/",
            "teams" => "/teams/",
            _ => "/hook",
        }, StringComparison.Ordinal))];

    /// <summary>The webhook messages' kinds, each signature verified over the raw body as a receiver would.</summary>
    public IReadOnlyList<JsonElement> WebhookMessages()
    {
        var messages = new List<JsonElement>();
        foreach (var post in Posts("hook"))
        {
            Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes(post.Body), post.Headers[WebhookSignature.HeaderName], WebhookSecret,
                Clock.GetUtcNow(), TimeSpan.FromDays(1)), "webhook signature does not verify");
            messages.Add(JsonDocument.Parse(post.Body).RootElement.Clone());
        }

        return messages;
    }

    /// <summary>Slack header texts (the title of each message).</summary>
    public IReadOnlyList<string> SlackTitles() =>
        [.. Posts("slack").Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!)];

    /// <summary>Teams card titles (the first text run of each card).</summary>
    public IReadOnlyList<string> TeamsTitles() =>
        [.. Posts("teams").Select(p => JsonDocument.Parse(p.Body).RootElement.GetProperty("attachments")[0].GetProperty("content")
            .GetProperty("body")[0].GetProperty("inlines")[0].GetProperty("text").GetString()!)];

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await App.Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d")]
    private static partial Regex ErrorTime();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Receivers.DisposeAsync();
    }
}
