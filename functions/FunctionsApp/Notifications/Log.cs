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

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Grouper state was saved by another run in the meantime; keeping theirs")]
    public static partial void StateConflict(ILogger logger);
}
