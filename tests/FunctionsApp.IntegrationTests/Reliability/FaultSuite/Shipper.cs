using System.Diagnostics;
using System.Net;
using System.Text;

namespace FunctionsApp.IntegrationTests.Reliability.FaultSuite;

/// <summary>
/// A shipper of one log file, as Filebeat or Vector ship: batches in order, each sent when it falls due and resent
/// with the same <c>Idempotency-Key</c> until it is acknowledged (202 stored, or 200 duplicate), the next one only
/// after. Attempts alternate between the instances, as behind a load balancer; a refused connection, a timeout, a
/// 5xx or a cut-off answer is retried (after <c>Retry-After</c>, at most 2 s, or a short back-off).
/// </summary>
internal sealed class Shipper(string source, IReadOnlyList<SiteTraffic.Batch> batches, IReadOnlyList<AppProcess> instances, string keyPrefix)
{
    private readonly List<string> _acknowledged = [];

    public string Source => source;

    /// <summary>The lines acknowledged, in order.</summary>
    public IReadOnlyList<string> Acknowledged => _acknowledged;

    public int Batches => batches.Count;

    public int Attempts { get; private set; }

    public int Duplicates { get; private set; }

    /// <summary>Ships every batch; batch <c>n</c> (second <c>n</c> of the log) falls due at <paramref name="clock"/> + n + 1 s.</summary>
    public async Task RunAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        foreach (var batch in batches)
        {
            var due = TimeSpan.FromSeconds(batch.Second + 1) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            await ShipAsync(batch, cancellationToken);
            _acknowledged.AddRange(batch.Lines);
        }
    }

    private async Task ShipAsync(SiteTraffic.Batch batch, CancellationToken cancellationToken)
    {
        var body = string.Join('\n', batch.Lines) + "\n";
        var key = $"{keyPrefix}-{source}-{batch.Second}";
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Attempts++;
            var instance = instances[(batch.Second + attempt) % instances.Count];
            var wait = TimeSpan.FromMilliseconds(300);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ingest/{source}")
                {
                    Content = new StringContent(body, Encoding.UTF8, "text/plain"),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await instance.Client.SendAsync(request, cancellationToken);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Accepted:
                        return;
                    case HttpStatusCode.OK:
                        Duplicates++;
                        return;
                    case >= HttpStatusCode.InternalServerError:
                        if (response.Headers.RetryAfter?.Delta is { } delta)
                        {
                            wait = delta < TimeSpan.FromSeconds(2) ? delta : TimeSpan.FromSeconds(2);
                        }

                        break;
                    default:
                        throw new InvalidOperationException(
                            $"{source} batch {batch.Second} ({key}) was refused by {instance.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Killed mid-request, refused while it restarts, or no answer in time: send it again.
            }

            await Task.Delay(wait, cancellationToken);
        }
    }
}
