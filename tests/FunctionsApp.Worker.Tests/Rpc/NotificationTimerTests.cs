using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Worker.Tests.Host;
using FunctionsApp.Worker.Tests.Host.Rpc;
using FunctionsApp.Worker.Tests.Support;

namespace FunctionsApp.Worker.Tests.Rpc;

/// <summary>
/// The notify and digest timers do their work in the real worker: after the analyze timer has read a capture, notify
/// delivers its messages to a Slack receiver (HTTPS on loopback) and digest sends the day's summary. A worker of its
/// own (receiver configured, containers of its own), on the collection's Azurite.
/// </summary>
[Collection(WorkerHostCollection.Name)]
public sealed partial class NotificationTimerTests(WorkerHostFixture fixture)
{
    private static readonly string Capture = Path.Combine(RepositoryPaths.NginxFixtures, "mixed-custom");

    [Fact]
    public async Task NotifyThenDigest_AfterAnalyze_DeliverToTheReceiver()
    {
        await using var receiver = await HttpsReceiver.StartAsync();
        var settings = WorkerHostFixture.Settings(fixture.Azurite, Guid.NewGuid().ToString("N")[..10]);
        settings["SSL_CERT_FILE"] = receiver.CertificateFile;
        settings["Notifications:PublicBaseUrl"] = "https://diag.example.com";
        settings["Notifications:GroupWait"] = "00:00:00";
        settings["Notifications:Receivers:0:Name"] = "ops-slack";
        settings["Notifications:Receivers:0:Type"] = "Slack";
        settings["Notifications:Receivers:0:Url"] = new Uri(receiver.BaseUri, "/services/T000/B000/XXXX").ToString();
        settings["Notifications:Receivers:0:MinInterval"] = "00:00:00";
        settings["Notifications:Routes:0:Receivers:0"] = "ops-slack";
        await using var host = await FunctionsHostEmulator.StartAsync(WorkerOutput.Directory, settings);

        // The capture moved to the last half hour (every line by the same amount), so that its incidents are today's.
        var (access, error) = RecentCapture(TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(30));
        await IngestAsync(host, "nginx-access", access);
        await IngestAsync(host, "nginx-error", error);
        Succeeded(host, await host.InvokeTimerAsync("analyze"));
        Assert.Contains("web", await WorkerHostFixture.RunQueuedSitesAsync(host, fixture.Azurite));

        Succeeded(host, await host.InvokeTimerAsync("notify"));
        var afterNotify = receiver.Posts;
        Succeeded(host, await host.InvokeTimerAsync("digest"));
        var digests = receiver.Posts.Skip(afterNotify.Count).ToArray();

        Assert.NotEmpty(afterNotify);
        Assert.All(afterNotify, p => Assert.Equal("/services/T000/B000/XXXX", p.Path));
        Assert.Contains(afterNotify, p => p.Body.Contains("https://diag.example.com/api/dashboard/", StringComparison.Ordinal));
        Assert.Contains(afterNotify, p => p.Body.Contains("upstreams of site web", StringComparison.Ordinal));
        Assert.Equal(afterNotify.Count, afterNotify.Select(p => p.IdempotencyKey).Distinct().Count());
        var digest = Assert.Single(digests);
        Assert.Contains("Daily 502 digest", digest.Body, StringComparison.Ordinal);
    }

    /// <summary>The mixed-custom capture with every time shifted so that its last access line is at <paramref name="end"/>.</summary>
    private static (string Access, string Error) RecentCapture(DateTimeOffset end)
    {
        var access = File.ReadAllLines(Path.Combine(Capture, "access.log"));
        var error = File.ReadAllLines(Path.Combine(Capture, "error.log"));
        var last = DateTimeOffset.Parse(IsoTime().Match(access[^1]).Value, CultureInfo.InvariantCulture);
        var shift = TimeSpan.FromSeconds(Math.Floor((end - last).TotalSeconds));

        var shiftedAccess = access.Select(line => IsoTime().Replace(line, m =>
            DateTimeOffset.Parse(m.Value, CultureInfo.InvariantCulture).Add(shift).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), 1));
        // The error log's time is local (UTC in this capture), "yyyy/MM/dd HH:mm:ss".
        var shiftedError = error.Select(line => ErrorTime().Replace(line, m =>
            DateTime.ParseExact(m.Value, "yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture).Add(shift).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture), 1));
        return (string.Join('\n', shiftedAccess) + "\n", string.Join('\n', shiftedError) + "\n");
    }

    private static async Task IngestAsync(FunctionsHostEmulator host, string source, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}") { Content = new StringContent(text, Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-functions-key", FunctionsHostEmulator.FunctionKey);
        using var response = await host.SendAsync(request);
        Assert.True(HttpStatusCode.Accepted == response.Response.StatusCode, $"{source}: {(int)response.Response.StatusCode} {response.Body}");
    }

    private static void Succeeded(FunctionsHostEmulator host, InvocationResponse invocation) => Assert.True(
        invocation.Result.Status == StatusResult.Types.Status.Success,
        $"{invocation.Result.Exception?.Message}\n{invocation.Result.Exception?.StackTrace}\n{host.Diagnostics}");

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d")]
    private static partial Regex ErrorTime();
}
