using Azure.Storage.Blobs;
using FunctionsApp.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// The real app (the same <see cref="AppHost"/> composition as Program.cs) on a loopback port, wired to Azurite,
/// with its own containers so tests never see each other's data.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string FunctionKey = "integration-test-key";

    private TestApp(WebApplication app, Uri baseAddress, BlobContainerClient logs)
    {
        App = app;
        BaseAddress = baseAddress;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        Anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Sends the function key.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no key.</summary>
    public HttpClient Anonymous { get; }

    public BlobContainerClient Logs { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Runs a timer function once, as its trigger would (the worker's [TimerTrigger] and the standalone scheduler both
    /// call the <see cref="TimerFunctionInvoker"/>); a failing occurrence throws.
    /// </summary>
    public Task RunTimerAsync(string name) =>
        Services.GetRequiredService<TimerFunctionInvoker>()
            .InvokeAsync(name, new TimerInfo(new TimerSchedule(AdjustForDST: false), null, IsPastDue: false), "test", CancellationToken.None);

    public static async Task<TestApp> StartAsync(
        AzuriteFixture azurite,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        bool storageUp = true)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var configuration = new Dictionary<string, string?>
        {
            ["Hosting:Urls"] = "http://127.0.0.1:0",
            ["Hosting:RunTimers"] = "false",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:LogsContainer"] = "logs-" + suffix,
            ["Storage:StateContainer"] = "state-" + suffix,
            ["Storage:IncidentsContainer"] = "incidents-" + suffix,
            ["Storage:IncidentIndexTable"] = "idx" + suffix,
            ["Storage:TimelineTable"] = "timeline" + suffix,
            ["Storage:MaxRetries"] = "1",
            ["Storage:RetryAfter"] = "00:00:07",
            ["Auth:FunctionKeys:test"] = FunctionKey,
            ["Ingestion:Sources:nginx-access:Kind"] = "Access",
            ["Ingestion:Sources:nginx-access:Format"] = "combined",
            ["Ingestion:Sources:nginx-access:Site"] = "web",
            ["Ingestion:Sources:nginx-error:Kind"] = "Error",
            ["Ingestion:Sources:nginx-error:Site"] = "web",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = AppHost.CreateBuilder([], config => config.AddInMemoryCollection(configuration));
        services?.Invoke(builder.Services);
        var app = AppHost.Build(builder);
        await app.StartAsync();

        var address = new Uri(app.Urls.First());
        var logs = azurite.CreateClient().GetBlobContainerClient(configuration["Storage:LogsContainer"]);
        if (storageUp)
        {
            // The app creates its containers in the background; tests read them right away.
            await logs.CreateIfNotExistsAsync();
        }

        return new TestApp(app, address, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
