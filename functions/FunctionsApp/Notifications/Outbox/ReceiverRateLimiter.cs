using System.Collections.Concurrent;

namespace FunctionsApp.Notifications.Outbox;

/// <summary>
/// Spaces messages per receiver (Slack: one per second per webhook). The interval runs from the moment the previous
/// message was answered, not from when it was sent: the receiver counts arrivals, and a first message that took longer
/// to arrive (a new connection) than the next would otherwise land closer to it than the interval. In-process: one
/// dispatcher runs at a time.
/// </summary>
internal sealed class ReceiverRateLimiter(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _last = new(StringComparer.Ordinal);

    public async Task WaitAsync(string receiver, TimeSpan minInterval, CancellationToken cancellationToken)
    {
        if (minInterval > TimeSpan.Zero && _last.TryGetValue(receiver, out var last))
        {
            var wait = last + minInterval - timeProvider.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

    }

    /// <summary>Notes that a message to <paramref name="receiver"/> was answered (or given up on) now.</summary>
    public void Sent(string receiver) => _last[receiver] = timeProvider.GetUtcNow();
}
