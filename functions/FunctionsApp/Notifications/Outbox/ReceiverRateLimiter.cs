using System.Collections.Concurrent;

namespace FunctionsApp.Notifications.Outbox;

/// <summary>Spaces messages per receiver (Slack: one per second per webhook). In-process: one dispatcher runs at a time.</summary>
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

        _last[receiver] = timeProvider.GetUtcNow();
    }
}
