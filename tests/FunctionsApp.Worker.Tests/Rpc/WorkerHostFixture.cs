using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;
using FunctionsApp.Worker.Tests.Support;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// One real Azurite (blob, table and queue services) and one real worker process (the worker project's build output) behind the host emulator, shared
/// by the tests of <see cref="WorkerHostCollection"/>: starting the worker takes seconds. Each test uses sources of its
/// own, so none sees another's batches.
/// </summary>
public sealed class WorkerHostFixture : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];

    public AzuriteFixture Azurite { get; } = AzuriteFixture.WithQueues();

    internal FunctionsHostEmulator Host { get; private set; } = null!;

    public string LogsContainer => "logs-" + _suffix;

    public string StateContainer => "state-" + _suffix;

    public string IncidentsContainer => "incidents-" + _suffix;

    public string IncidentIndexTable => "idx" + _suffix;

    public string TimelineTable => "timeline" + _suffix;

    public BlobContainerClient Logs => Azurite.CreateClient().GetBlobContainerClient(LogsContainer);

    public BlobContainerClient State => Azurite.CreateClient().GetBlobContainerClient(StateContainer);

    /// <summary>The <c>log_format</c> the committed mixed-custom fixture was captured with.</summary>
    public static string CustomFormat
    {
        get
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.NginxFixtures, "formats.json")));
            return manifest.RootElement.GetProperty("formats").GetProperty("custom").GetProperty("declaration").GetString()!;
        }
    }

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Host = await FunctionsHostEmulator.StartAsync(WorkerOutput.Directory, Settings(Azurite, _suffix));
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Azurite.DisposeAsync();
    }

    /// <summary>
    /// Does what the host's queue listener does with the analyze timer's fan-out: receives every queued site run,
    /// decodes it (Base64, the host's default), invokes <c>analyze-site</c> with it and deletes it once the
    /// invocation succeeded. Returns the sites run, in the order they were queued.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> RunQueuedSitesAsync(FunctionsHostEmulator host, AzuriteFixture azurite)
    {
        var queue = new QueueClient(azurite.ConnectionString, StorageSiteRunQueue.QueueName);
        var sites = new List<string>();
        while (true)
        {
            var received = (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value;
            if (received.Length == 0)
            {
                return sites;
            }

            foreach (var message in received)
            {
                var site = Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText));
                var invocation = await host.InvokeQueueAsync("analyze-site", site, message.DequeueCount);
                Assert.True(
                    invocation.Result.Status == StatusResult.Types.Status.Success,
                    $"analyze-site {site}: {invocation.Result.Exception?.Message}\n{invocation.Result.Exception?.StackTrace}\n{host.Diagnostics}");
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                sites.Add(site);
            }
        }
    }

    /// <summary>The app settings a deployment gives the worker (infra/main.bicep), pointed at Azurite.</summary>
    internal static Dictionary<string, string> Settings(AzuriteFixture azurite, string suffix) => new()
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["AnalyzeSchedule"] = "0 */1 * * * *",
        // As infra/main.bicep deploys it: the timer queues one run per site for analyze-site.
        ["Analysis:FanOut"] = "Queue",
        ["NotifySchedule"] = "*/30 * * * * *",
        ["DigestSchedule"] = "0 0 8 * * *",
        ["Storage:ConnectionString"] = azurite.ConnectionString,
        ["Storage:LogsContainer"] = "logs-" + suffix,
        ["Storage:StateContainer"] = "state-" + suffix,
        ["Storage:IncidentsContainer"] = "incidents-" + suffix,
        ["Storage:IncidentIndexTable"] = "idx" + suffix,
        ["Storage:TimelineTable"] = "timeline" + suffix,
        ["Storage:MaxRetries"] = "1",
        // Two sites: "web" (the analyze test's capture) and "smoke" (the HTTP tests' lines), so neither sees the other.
        ["Ingestion:Sources:nginx-access:Kind"] = "Access",
        ["Ingestion:Sources:nginx-access:Format"] = CustomFormat,
        ["Ingestion:Sources:nginx-access:Site"] = "web",
        ["Ingestion:Sources:nginx-error:Kind"] = "Error",
        ["Ingestion:Sources:nginx-error:Site"] = "web",
        ["Ingestion:Sources:smoke-access:Kind"] = "Access",
        ["Ingestion:Sources:smoke-access:Format"] = "combined",
        ["Ingestion:Sources:smoke-access:Site"] = "smoke",
        ["Notifications:OutboxContainer"] = "outbox-" + suffix,
    };
}
