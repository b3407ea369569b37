namespace FunctionsApp.Notifications.Delivery;

public enum DeliveryOutcome
{
    /// <summary>The receiver accepted the message.</summary>
    Delivered,

    /// <summary>Transient: 429, 408, 5xx, timeout, connection failure. Try again later.</summary>
    RetryLater,

    /// <summary>Permanent: the receiver rejected the message (4xx). Retrying cannot help: dead-letter it.</summary>
    Rejected,
}
