using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Notifications;

/// <summary>One place notifications go. The URL and secret are secrets: configuration only (Key Vault references), never logged.</summary>
public sealed class ReceiverOptions
{
    /// <summary>Name routes refer to, e.g. <c>ops-slack</c>.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$")]
    public string Name { get; set; } = "";

    public ReceiverType Type { get; set; }

    /// <summary>The webhook URL (HTTPS). Secret: it authorizes posting.</summary>
    [Required]
    public Uri? Url { get; set; }

    /// <summary>HMAC key of a <see cref="ReceiverType.Webhook"/> receiver (at least 32 characters).</summary>
    public string? Secret { get; set; }

    /// <summary>Least time between two messages to this receiver. Default: Slack 1 s (its incoming webhooks allow about one
    /// message per second), Teams 2 s (Workflows webhooks throttle bursts), webhooks 0.</summary>
    public TimeSpan? MinInterval { get; set; }

    public TimeSpan EffectiveMinInterval => MinInterval ?? Type switch
    {
        ReceiverType.Slack => TimeSpan.FromSeconds(1),
        ReceiverType.Teams => TimeSpan.FromSeconds(2),
        _ => TimeSpan.Zero,
    };
}
