using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using FunctionsApp.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>
/// Time from the first 502 nginx logged to the receiver's 2xx, with the default settings, on a simulated clock so the
/// whole path runs in seconds: nginx logs a request per second (the captured upstream-down lines, moved in time), a
/// shipper posts what is new every 5 s, the analyze timer runs at each whole minute and notify every 30 s, as their
/// default schedules say. The outage starts at six different seconds of the minute; the median must be under 90 s.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class TimeToFirstMessageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan ShipperInterval = TimeSpan.FromSeconds(5);
    private static readonly string Fixture = Path.Combine(RepositoryPaths.NginxFixtures, "upstream-down-custom");

    [Fact]
    public async Task FirstMessage_DefaultSettings_MedianUnder90Seconds()
    {
        await using var kit = await OnCallKit.StartAsync(azurite);
        var received = new ConcurrentQueue<DateTimeOffset>();
        kit.Receivers.Responder = (request, response) =>
        {
            if (request.Path == "/hook" && request.Body.Contains("\"kind\":\"firing\"", StringComparison.Ordinal))
            {
                received.Enqueue(kit.Clock.GetUtcNow());
            }

            response.StatusCode = request.Path.StartsWith("/teams/", StringComparison.Ordinal) ? 202 : 200;
            return Task.CompletedTask;
        };

        var latencies = new List<TimeSpan>();
        var minute = new DateTimeOffset(OnCallKit.CaptureStart.UtcDateTime.Date.AddHours(8), TimeSpan.Zero);
        foreach (var phase in new[] { 0, 10, 20, 30, 40, 50 })
        {
            var firstFailure = minute.AddSeconds(phase);
            latencies.Add(await OutageAsync(kit, received, firstFailure));
            minute = minute.AddMinutes(30); // the previous outage has resolved and its group is gone
        }

        latencies.Sort();
        var median = (latencies[2] + latencies[3]) / 2;
        output.WriteLine($"time to first message: {string.Join(", ", latencies.Select(l => $"{l.TotalSeconds:0}s"))}; median {median.TotalSeconds:0}s");
        Assert.True(median < TimeSpan.FromSeconds(90), $"median {median.TotalSeconds:0}s");
        Assert.All(latencies, l => Assert.InRange(l, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(130)));
    }

    /// <summary>Simulates one outage of 90 s from <paramref name="firstFailure"/>; returns when the first message arrived.</summary>
    private static async Task<TimeSpan> OutageAsync(OnCallKit kit, ConcurrentQueue<DateTimeOffset> received, DateTimeOffset firstFailure)
    {
        var before = received.Count;
        var from = firstFailure.AddMinutes(-2);
        var shipped = from;
        kit.Clock.SetUtcNow(from);
        for (var now = from; now < firstFailure.AddMinutes(10); now += TimeSpan.FromSeconds(1))
        {
            kit.Clock.SetUtcNow(now);
            if ((now - from).Ticks % ShipperInterval.Ticks == 0 && now > shipped)
            {
                await ShipAsync(kit, shipped, now, firstFailure);
                shipped = now;
            }

            if (now.Second == 0)
            {
                await kit.Analyzer.RunOnceAsync(CancellationToken.None);
            }

            if (now.Second % 30 == 0)
            {
                await kit.RunTimerAsync("notify");
            }

            if (received.Count > before)
            {
                var at = received.ToArray()[before];
                await SettleAsync(kit, firstFailure.AddMinutes(10));
                return at - firstFailure;
            }
        }

        throw new Xunit.Sdk.XunitException($"no message within 10 minutes of the first 502 at {firstFailure:O}");
    }

    /// <summary>Lets the outage resolve and its messages go, so the next outage starts a new group.</summary>
    private static async Task SettleAsync(OnCallKit kit, DateTimeOffset until)
    {
        for (var t = kit.Clock.GetUtcNow(); t < until.AddMinutes(10); t += TimeSpan.FromMinutes(1))
        {
            await kit.TickAsync(t);
        }
    }

    /// <summary>What nginx logged in (from, to]: one request per second; failing (502 and its error line) for 90 s from the first failure.</summary>
    private static async Task ShipAsync(OnCallKit kit, DateTimeOffset from, DateTimeOffset to, DateTimeOffset firstFailure)
    {
        var accessLines = File.ReadAllLines(Path.Combine(Fixture, "access.log"));
        var served = accessLines.First(l => l.Contains(" 200 ", StringComparison.Ordinal));
        var failed = accessLines.First(l => l.Contains(" 502 ", StringComparison.Ordinal));
        var refused = File.ReadAllLines(Path.Combine(Fixture, "error.log"))[0];
        var access = new StringBuilder();
        var error = new StringBuilder();
        for (var t = from.AddSeconds(1); t <= to; t = t.AddSeconds(1))
        {
            var failing = t >= firstFailure && t < firstFailure.AddSeconds(90);
            access.Append(IsoTime().Replace(failing ? failed : served, t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), 1)).Append('\n');
            if (failing)
            {
                error.Append(ErrorTime().Replace(refused, t.UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture), 1)).Append('\n');
            }
        }

        await PostAsync(kit, "a-access", access.ToString());
        if (error.Length > 0)
        {
            await PostAsync(kit, "a-error", error.ToString());
        }
    }

    private static async Task PostAsync(OnCallKit kit, string source, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");
        var response = await kit.App.Client.PostAsync($"/api/ingest/{source}", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d")]
    private static partial Regex ErrorTime();
}
