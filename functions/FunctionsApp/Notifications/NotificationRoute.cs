using FunctionsApp.Incidents;

namespace FunctionsApp.Notifications;

/// <summary>
/// Which incidents go to which receivers, and how they are grouped. Routes are tried in order; the first match wins
/// unless it sets <see cref="Continue"/>. Empty matcher lists match everything.
/// </summary>
public sealed class NotificationRoute
{
    /// <summary>Receiver names (see <see cref="NotificationsOptions.Receivers"/>).</summary>
    public List<string> Receivers { get; set; } = [];

    /// <summary>Host globs (<c>*.example.com</c>).</summary>
    public List<string> Hosts { get; set; } = [];

    /// <summary>Upstream globs (<c>10.0.1.*:8080</c>).</summary>
    public List<string> Upstreams { get; set; } = [];

    /// <summary>Causes to match.</summary>
    public List<IncidentCause> Causes { get; set; } = [];

    /// <summary>Lowest severity to match.</summary>
    public NotificationSeverity MinSeverity { get; set; } = NotificationSeverity.Warning;

    /// <summary>The grouping when <see cref="GroupBy"/> is empty: one group per site (one nginx), so a failure of a
    /// whole nginx on many upstreams and hosts is one message.</summary>
    public static readonly IReadOnlyList<string> DefaultGroupBy = ["site"];

    /// <summary>Labels that make a group: any of <c>site</c>, <c>host</c>, <c>upstream</c>, <c>cause</c>; or <c>route</c>
    /// alone for one group of everything the route matches. Default: <c>site</c>.</summary>
    public List<string> GroupBy { get; set; } = [];

    /// <summary>Overrides <see cref="NotificationsOptions.GroupWait"/> for this route.</summary>
    public TimeSpan? GroupWait { get; set; }

    /// <summary>Overrides <see cref="NotificationsOptions.GroupInterval"/>.</summary>
    public TimeSpan? GroupInterval { get; set; }

    /// <summary>Overrides <see cref="NotificationsOptions.RepeatInterval"/>.</summary>
    public TimeSpan? RepeatInterval { get; set; }

    /// <summary>Keep matching later routes after this one.</summary>
    public bool Continue { get; set; }
}
