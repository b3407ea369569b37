using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FunctionsApp.Analysis;
using FunctionsApp.Incidents;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.IntegrationTests.Analysis;

/// <summary>An app on Azurite whose sources carry a committed real-nginx fixture's format, with a settable clock.</summary>
internal sealed class AnalysisTestKit : IAsyncDisposable
{
    private static readonly string Fixtures = RepositoryPaths.NginxFixtures;

    private AnalysisTestKit(TestApp app, FakeTimeProvider clock)
    {
        App = app;
        Clock = clock;
    }

    public TestApp App { get; }

    public FakeTimeProvider Clock { get; }

    public IncidentAnalyzer Analyzer => App.Services.GetRequiredService<IncidentAnalyzer>();

    /// <summary>The mixed (all-scenario) logs of the custom format, captured from real nginx.</summary>
    public static string[] AccessLines => File.ReadAllLines(Path.Combine(Fixtures, "mixed-custom", "access.log"));

    public static string[] ErrorLines => File.ReadAllLines(Path.Combine(Fixtures, "mixed-custom", "error.log"));

    /// <summary>The <c>log_format</c> the custom-format fixtures were captured with.</summary>
    public static string CustomFormat
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "formats.json")));
            return manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString()!;
        }
    }

    /// <summary>Starts the app; its clock starts at <paramref name="now"/>, by default a minute after the fixture's last line.</summary>
    public static async Task<AnalysisTestKit> StartAsync(
        AzuriteFixture azurite, Action<IServiceCollection>? services = null, IDictionary<string, string?>? settings = null, DateTimeOffset? now = null)
    {
        var format = CustomFormat;
        var clock = new FakeTimeProvider(now ?? LastTime() + TimeSpan.FromMinutes(1));
        var configuration = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Ingestion:Sources:nginx-access:Format"] = format,
        };
        var app = await TestApp.StartAsync(
            azurite,
            configuration,
            s =>
            {
                s.AddSingleton<TimeProvider>(clock);
                services?.Invoke(s);
            });
        return new AnalysisTestKit(app, clock);
    }

    public async Task IngestAsync(string source, IEnumerable<string> lines)
    {
        using var content = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "text/plain");
        var response = await App.Client.PostAsync($"/api/ingest/{source}", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every stored incident, in full, by id.</summary>
    public async Task<SortedDictionary<string, Incident>> IncidentsAsync()
    {
        var store = App.Services.GetRequiredService<IIncidentStore>();
        var result = new SortedDictionary<string, Incident>(StringComparer.Ordinal);
        await foreach (var summary in store.ListAsync(CancellationToken.None))
        {
            Assert.False(result.ContainsKey(summary.Id), $"incident {summary.Id} stored twice");
            result[summary.Id] = (await store.GetAsync(summary.Id, CancellationToken.None))!;
        }

        return result;
    }

    public async Task<T> GetAsync<T>(string path)
    {
        var response = await App.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    /// <summary>The time of the fixture's last access line (the custom format starts with $time_iso8601).</summary>
    public static DateTimeOffset LastTime() =>
        DateTimeOffset.Parse(AccessLines[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Two analyzer runs ten minutes apart: the first reads every batch, the second closes what ended.</summary>
    public async Task RunTwiceAsync()
    {
        Assert.True((await Analyzer.RunOnceAsync(CancellationToken.None)).Proceeded);
        Clock.Advance(TimeSpan.FromMinutes(10));
        await Analyzer.RunOnceAsync(CancellationToken.None);
    }

    /// <summary>Every stored incident by what it is about (upstream, host and start): ids differ between sites.</summary>
    public async Task<SortedDictionary<string, Incident>> IncidentsBySubjectAsync() =>
        new((await IncidentsAsync()).Values.ToDictionary(i => $"{i.Upstream} {i.Host} {i.Start:O}"), StringComparer.Ordinal);

    /// <summary>The fixture's incidents by subject, as the analyzer finds them when its two logs are posted as two sources.</summary>
    public static async Task<SortedDictionary<string, Incident>> ReferenceIncidentsAsync(AzuriteFixture azurite)
    {
        await using var kit = await StartAsync(azurite);
        await kit.IngestAsync("nginx-access", AccessLines);
        await kit.IngestAsync("nginx-error", ErrorLines);
        await kit.RunTwiceAsync();
        return await kit.IncidentsBySubjectAsync();
    }

    /// <summary>The same incidents (at least ten), each with the same cause, status, failures, times and state.</summary>
    public static void AssertSameIncidents(SortedDictionary<string, Incident> expected, SortedDictionary<string, Incident> actual)
    {
        Assert.True(expected.Count >= 10, $"only {expected.Count} incidents");
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (subject, incident) in expected)
        {
            var other = actual[subject];
            Assert.Equal((incident.Cause, incident.Status, incident.FailedRequests, incident.Start, incident.End, incident.State),
                (other.Cause, other.Status, other.FailedRequests, other.Start, other.End, other.State));
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
