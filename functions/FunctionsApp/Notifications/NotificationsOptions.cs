using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Notifications;

/// <summary>Receivers, routes, grouping and delivery of incident notifications. Bound from <c>Notifications</c>, validated at start.</summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Public base URL of this service; messages link to its dashboard, <c>{PublicBaseUrl}/api/dashboard/…</c>.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The incident's page in the dashboard, <c>{PublicBaseUrl}/api/dashboard/incidents/{id}</c>; null without a public base URL.</summary>
    public Uri? IncidentLink(string incidentId) =>
        PublicBaseUrl is null ? null : new Uri(PublicBaseUrl.ToString().TrimEnd('/') + "/api/dashboard/incidents/" + Uri.EscapeDataString(incidentId));

    /// <summary>The dashboard's list showing just these incidents (a group message's one link).</summary>
    public Uri? IncidentsLink(IEnumerable<string> incidentIds) =>
        PublicBaseUrl is null ? null
        : new Uri(PublicBaseUrl.ToString().TrimEnd('/') + "/api/dashboard/?ids=" + string.Join(',', incidentIds.Take(50).Select(Uri.EscapeDataString)));

    [ValidateEnumeratedItems]
    public List<ReceiverOptions> Receivers { get; set; } = [];

    public List<NotificationRoute> Routes { get; set; } = [];

    /// <summary>How long a new group waits for more incidents before its first message (Alertmanager <c>group_wait</c>).</summary>
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two messages about one group when it changes (<c>group_interval</c>).</summary>
    public TimeSpan GroupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A still-firing, unchanged group is repeated after this long (<c>repeat_interval</c>).</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromHours(4);

    /// <summary>An incident that was already over when first seen (late logs) is announced once if it ended at most this
    /// long ago; older ones are listed only in the daily digest. Default 1 hour.</summary>
    public TimeSpan LateAlertMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed requests from which an incident is <c>critical</c> rather than <c>warning</c>.</summary>
    [Range(1, int.MaxValue)]
    public int CriticalFailedRequests { get; set; } = 100;

    /// <summary>Timeout of one post to a receiver.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts before a notification is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Delay before the second attempt; doubles per attempt up to <see cref="RetryMaxDelay"/>. A <c>Retry-After</c> wins when longer.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a sender's claim on an outbox item lasts; after it, another run may take the item over.</summary>
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long sent items stay in the outbox (the daily digest counts them) before a dispatcher run deletes them.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Blob container of the outbox.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    public string OutboxContainer { get; set; } = "notifications-outbox";
}

/// <summary>DataAnnotations checks, generated at compile time.</summary>
[OptionsValidator]
internal sealed partial class ValidateNotificationsOptions : IValidateOptions<NotificationsOptions>;
