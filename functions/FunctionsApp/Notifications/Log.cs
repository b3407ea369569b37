using FunctionsApp.Notifications.Delivery;

namespace FunctionsApp.Notifications;

// Receiver names and idempotency keys only: webhook URLs and secrets never reach a log.
internal static partial class Log
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Notification {IdempotencyKey} to {Receiver}: {Outcome} (HTTP {StatusCode})")]
    public static partial void Sent(ILogger logger, string receiver, string idempotencyKey, DeliveryOutcome outcome, int? statusCode);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Notification {IdempotencyKey} to {Receiver} failed in transport: {Failure}")]
    public static partial void SendFailed(ILogger logger, string receiver, string idempotencyKey, string failure);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Notification {IdempotencyKey} to {Receiver} dead-lettered after {Attempts} attempts: {Detail}")]
    public static partial void DeadLettered(ILogger logger, string receiver, string idempotencyKey, int attempts, string? detail);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Grouper state was saved by another run in the meantime; deciding again on theirs (attempt {Attempt})")]
    public static partial void StateConflict(ILogger logger, int attempt);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Debug, Message = "Notification {IdempotencyKey} to {Receiver} is already in the outbox")]
    public static partial void AlreadyQueued(ILogger logger, string receiver, string idempotencyKey);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Error, Message = "Notification {IdempotencyKey} to {Receiver}: the key already names a different message; storing this one under a key of its own")]
    public static partial void KeyCollision(ILogger logger, string receiver, string idempotencyKey);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Error, Message = "Notifications for {Incidents} changed incident(s) could not be decided or queued; the analyzer keeps the site's state and retries next run")]
    public static partial void ObserveFailed(ILogger logger, Exception exception, int incidents);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Error, Message = "The grouper state changed under every one of {Attempts} attempts; these decisions wait for the next run")]
    public static partial void StateContended(ILogger logger, int attempts);
}
