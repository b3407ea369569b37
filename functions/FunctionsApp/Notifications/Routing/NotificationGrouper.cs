using System.Globalization;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Delivery;

namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Alertmanager-like routing and grouping, driven only by the incidents it is shown and an injected clock:
/// <list type="bullet">
/// <item>routes (host, upstream, cause, severity) pick receivers; one group per (route, receiver, group labels), by
/// default one per site, so one nginx failing on twenty upstreams is one message;</item>
/// <item>a new group's first message waits until <c>GroupWait</c> after its first incident started (in log time, or
/// after the group was created when that is earlier): incidents seen late are not held back further;</item>
/// <item>a change (an incident joins, escalates — higher severity, failures at least doubled, a new status — or resolves
/// while others go on) is sent as <c>updated</c>, saying what changed, no sooner than <c>GroupInterval</c> after the
/// previous message;</item>
/// <item>a group whose failures went on unchanged is repeated as <c>reminder</c> after <c>RepeatInterval</c>, never when
/// no failure came since the last message;</item>
/// <item>when every incident is closed, <c>resolved</c> is sent (at the next group interval) and the group is forgotten;</item>
/// <item>an incident that is over when first seen (late logs, or shorter than the group wait) is announced once as
/// <c>late</c>; older than <c>LateAlertMaxAge</c>, only the daily digest mentions it;</item>
/// <item>silenced and acknowledged incidents are left out; a group with nothing left to say sends nothing.</item>
/// </list>
/// Idempotency keys name the receiver, the group, its generation (the incident that opened it), the kind and the
/// group's message number: unique for every message ever sent, and the same when a crashed run decides it again.
/// Not thread-safe: one timer run owns it. Its decisions go to the durable outbox.
/// </summary>
public sealed class NotificationGrouper
{
    private static readonly TimeSpan AnnouncedRetention = TimeSpan.FromDays(3);
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _time;
    private readonly NotificationRouter _router;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Silence Silence, (string Label, Glob Value)[] Matchers)> _silences = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _announced = new(StringComparer.Ordinal);

    public NotificationGrouper(NotificationsOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _time = timeProvider;
        _router = new NotificationRouter(options);
    }

    /// <summary>Groups currently tracked (for the API and tests).</summary>
    public int GroupCount => _groups.Count;

    public IReadOnlyList<Silence> Silences => [.. _silences.Values.Select(s => s.Silence)];

    /// <summary>Records the latest state of an incident (open or resolved).</summary>
    public void Observe(NotificationIncident item)
    {
        var now = _time.GetUtcNow();
        var incident = item.Incident;
        foreach (var (route, receiver) in _router.Match(incident))
        {
            var key = GroupKey(route, receiver, incident);
            if (_groups.TryGetValue(key, out var group) && (incident.State == IncidentState.Open || group.Incidents.ContainsKey(incident.Id)))
            {
                group.Incidents[incident.Id] = item;
                continue;
            }

            if (incident.State == IncidentState.Open)
            {
                group = new Group(key, receiver, route, now, incident.Id, late: false);
                _groups.Add(key, group);
                group.Incidents[incident.Id] = item;
                continue;
            }

            // Over before anything was said: say it once, unless it is too old to page about (the digest lists it).
            if (_announced.ContainsKey(AnnouncedKey(receiver, incident.Id)) || now - incident.End > _options.LateAlertMaxAge)
            {
                continue;
            }

            var lateKey = key + "|late";
            if (!_groups.TryGetValue(lateKey, out var late))
            {
                late = new Group(lateKey, receiver, route, now, incident.Id, late: true);
                _groups.Add(lateKey, late);
            }

            late.Incidents[incident.Id] = item;
        }
    }

    /// <summary>Acknowledges an incident: no more firing, update or reminder messages about it; "resolved" is still sent.</summary>
    public void Acknowledge(string incidentId) => _acknowledged.Add(incidentId);

    /// <summary>Whether an incident has been acknowledged (for the dashboard).</summary>
    public bool IsAcknowledged(string incidentId) => _acknowledged.Contains(incidentId);

    public void AddSilence(Silence silence) =>
        _silences[silence.Id] = (silence, [.. silence.Matchers.Select(m => (m.Label, new Glob(m.Value)))]);

    public bool RemoveSilence(string id) => _silences.Remove(id);

    /// <summary>The messages due now. Calling it again at the same time returns nothing (dedup).</summary>
    public IReadOnlyList<OutgoingNotification> Flush()
    {
        var now = _time.GetUtcNow();
        foreach (var expired in _silences.Values.Where(s => s.Silence.EndsAt <= now).Select(s => s.Silence.Id).ToList())
        {
            _silences.Remove(expired);
        }

        foreach (var old in _announced.Where(a => now - a.Value > AnnouncedRetention).Select(a => a.Key).ToList())
        {
            _announced.Remove(old);
        }

        var outgoing = new List<OutgoingNotification>();
        foreach (var group in _groups.Values.OrderBy(g => g.Key, StringComparer.Ordinal).ToList())
        {
            if (Decide(group, now) is { } message)
            {
                group.Version++;
                group.LastSentAt = now;
                group.Sent = message.Kind is NotificationKind.Resolved or NotificationKind.Late ? [] : Snapshot(message.Incidents);
                foreach (var item in message.Incidents)
                {
                    _announced[AnnouncedKey(group.Receiver, item.Incident.Id)] = now;
                }

                outgoing.Add(new OutgoingNotification(group.Receiver, message with { Link = Link(message.Incidents) },
                    NotificationRenderer.IdempotencyKey(group.Receiver, group.Key, group.Generation, message.Kind, group.Version)));
            }

            if (group.Incidents.Values.All(i => i.Incident.State == IncidentState.Resolved)
                && (group.LastSentAt is null || group.Sent.Count == 0)
                && (group.LastSentAt is not null || !group.Incidents.Values.Any(i => IsAnnounceable(group.Receiver, i.Incident, now) && !IsSuppressed(i.Incident, now))))
            {
                _groups.Remove(group.Key);
                foreach (var id in group.Incidents.Keys)
                {
                    _acknowledged.Remove(id);
                }
            }
        }

        return outgoing;
    }

    /// <summary>The grouper's memory as data, to save between runs.</summary>
    public GrouperSnapshot Export() => new(
        [.. _groups.Values.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupSnapshot(
            g.Key, g.Receiver, g.Route.Index, g.CreatedAt, g.LastSentAt, g.Version,
            [.. g.Incidents.Values.OrderBy(i => i.Incident.Id, StringComparer.Ordinal)],
            [.. g.Sent.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SentIncident(s.Key, s.Value.Severity, s.Value.FailedRequests, s.Value.Statuses, s.Value.End))],
            g.Generation, g.Late))],
        [.. _silences.Values.Select(s => s.Silence).OrderBy(s => s.Id, StringComparer.Ordinal)],
        [.. _acknowledged.Order(StringComparer.Ordinal)],
        new SortedDictionary<string, DateTimeOffset>(_announced, StringComparer.Ordinal));

    /// <summary>
    /// Restores a saved memory. Groups of routes or receivers that no longer exist (configuration changed) are dropped.
    /// </summary>
    public void Import(GrouperSnapshot snapshot)
    {
        _groups.Clear();
        _silences.Clear();
        _acknowledged.Clear();
        _announced.Clear();
        foreach (var saved in snapshot.Groups)
        {
            if (_router.Route(saved.RouteIndex) is not { } route || !route.Options.Receivers.Contains(saved.Receiver))
            {
                continue;
            }

            var generation = saved.Generation ?? saved.Incidents.FirstOrDefault()?.Incident.Id ?? saved.Key;
            var group = new Group(saved.Key, saved.Receiver, route, saved.CreatedAt, generation, saved.Late) { LastSentAt = saved.LastSentAt, Version = saved.Version };
            foreach (var item in saved.Incidents)
            {
                group.Incidents[item.Incident.Id] = item;
            }

            group.Sent = saved.Sent.ToDictionary(s => s.IncidentId, s => new Seen(s.Severity, s.FailedRequests, s.Statuses, s.End), StringComparer.Ordinal);
            _groups[group.Key] = group;
        }

        foreach (var silence in snapshot.Silences)
        {
            AddSilence(silence);
        }

        _acknowledged.UnionWith(snapshot.Acknowledged);
        foreach (var (id, at) in snapshot.Announced ?? new Dictionary<string, DateTimeOffset>())
        {
            _announced[id] = at;
        }
    }

    /// <summary>When <see cref="Flush"/> next has something to do, if ever; for scheduling the next timer run.</summary>
    public DateTimeOffset? NextDueAt()
    {
        DateTimeOffset? next = null;
        foreach (var group in _groups.Values)
        {
            var due = group.LastSentAt is { } last ? last + Interval(group, r => r.GroupInterval, _options.GroupInterval) : FirstDue(group);
            next = next is null || due < next ? due : next;
        }

        return next;
    }

    private NotificationMessage? Decide(Group group, DateTimeOffset now)
    {
        var open = group.Incidents.Values.Where(i => i.Incident.State == IncidentState.Open && !IsSuppressed(i.Incident, now)).ToList();
        var allResolved = group.Incidents.Values.All(i => i.Incident.State == IncidentState.Resolved);

        if (group.LastSentAt is not { } lastSent)
        {
            if (now < FirstDue(group))
            {
                return null;
            }

            if (open.Count > 0 && !group.Late)
            {
                return Message(group, NotificationKind.Firing, open);
            }

            // Everything ended before the first message could go: say once that it happened.
            var over = group.Incidents.Values.Where(i => IsAnnounceable(group.Receiver, i.Incident, now) && !IsSuppressed(i.Incident, now)).ToList();
            return allResolved && over.Count > 0 ? Message(group, NotificationKind.Late, over) : null;
        }

        var interval = Interval(group, r => r.GroupInterval, _options.GroupInterval);
        if (allResolved)
        {
            if (group.Sent.Count == 0 || now < lastSent + interval)
            {
                return null;
            }

            return Message(group, NotificationKind.Resolved,
                [.. group.Incidents.Values.Where(i => group.Sent.ContainsKey(i.Incident.Id))]);
        }

        var (changes, escalated) = Changes(group, open);
        if (changes.Count > 0 && now >= lastSent + interval && open.Count > 0)
        {
            return Message(group, NotificationKind.Updated, open) with { Changes = changes, Escalated = escalated };
        }

        // "Still failing" only when failures came after the last message: an open incident whose failures have stopped
        // (it is waiting out its quiet period, or its logs stopped) is not still failing.
        var repeat = Interval(group, r => r.RepeatInterval, _options.RepeatInterval);
        var failingSince = open.Any(i => group.Sent.TryGetValue(i.Incident.Id, out var sent) && sent.End is { } end && i.Incident.End > end);
        if (changes.Count == 0 && failingSince && now >= lastSent + repeat)
        {
            return Message(group, NotificationKind.Reminder, open);
        }

        return null;
    }

    private (List<string> Changes, bool Escalated) Changes(Group group, List<NotificationIncident> open)
    {
        var changes = new List<string>();
        var escalated = false;
        foreach (var item in open)
        {
            var incident = item.Incident;
            var now = SeenOf(incident);
            if (!group.Sent.TryGetValue(incident.Id, out var sent))
            {
                changes.Add($"new: {IncidentText.What(incident)}");
                continue;
            }

            var what = IncidentText.Pair(incident);
            if (now.Severity > sent.Severity)
            {
                changes.Add($"{what}: now {IncidentText.SeverityName(now.Severity)} (was {IncidentText.SeverityName(sent.Severity)})");
                escalated = true;
            }

            if (now.FailedRequests >= 2L * Math.Max(1, sent.FailedRequests))
            {
                changes.Add(string.Create(CultureInfo.InvariantCulture, $"{what}: {sent.FailedRequests:N0} → {now.FailedRequests:N0} failed requests"));
                escalated = true;
            }

            foreach (var status in now.Statuses.Except(sent.Statuses).Order(StringComparer.Ordinal))
            {
                changes.Add($"{what}: now also {status}s");
            }
        }

        foreach (var id in group.Sent.Keys.Order(StringComparer.Ordinal))
        {
            if (group.Incidents.TryGetValue(id, out var item) && item.Incident.State == IncidentState.Resolved)
            {
                changes.Add($"resolved: {IncidentText.Pair(item.Incident)} at {IncidentText.Clock(item.Incident.End)} UTC");
            }
        }

        return (changes, escalated);
    }

    /// <summary>Whether a closed incident may still be announced to a receiver as late: recent enough and never named to it.</summary>
    private bool IsAnnounceable(string receiver, Incident incident, DateTimeOffset now) =>
        !_announced.ContainsKey(AnnouncedKey(receiver, incident.Id)) && now - incident.End <= _options.LateAlertMaxAge;

    /// <summary>Announcements are per receiver: telling Slack does not tell Teams.</summary>
    private static string AnnouncedKey(string receiver, string incidentId) => receiver + "/" + incidentId;

    private DateTimeOffset FirstDue(Group group)
    {
        var wait = Interval(group, r => r.GroupWait, _options.GroupWait);
        var firstStart = group.Incidents.Values.Select(i => i.Incident.Start).DefaultIfEmpty(group.CreatedAt).Min();
        return (firstStart < group.CreatedAt ? firstStart : group.CreatedAt) + wait;
    }

    private Uri? Link(IReadOnlyList<NotificationIncident> items) =>
        items.Count == 1 ? items[0].Link ?? _options.IncidentLink(items[0].Incident.Id) : _options.IncidentsLink(items.Select(i => i.Incident.Id));

    private Dictionary<string, Seen> Snapshot(IEnumerable<NotificationIncident> items) =>
        items.ToDictionary(i => i.Incident.Id, i => SeenOf(i.Incident), StringComparer.Ordinal);

    private Seen SeenOf(Incident incident) => new(Severity(incident), incident.FailedRequests, [.. incident.Statuses.Keys], incident.End);

    private NotificationMessage Message(Group group, NotificationKind kind, IEnumerable<NotificationIncident> items) =>
        new(group.Key, kind, [.. items.OrderByDescending(i => Severity(i.Incident)).ThenByDescending(i => i.Incident.FailedRequests).ThenBy(i => i.Incident.Id, StringComparer.Ordinal)
            .Select(i => i with { Severity = Severity(i.Incident) })]);

    private bool IsSuppressed(Incident incident, DateTimeOffset now) =>
        _acknowledged.Contains(incident.Id)
        || _silences.Values.Any(s => s.Silence.IsActive(now) && s.Matchers.All(m => m.Value.IsMatch(Label(incident, m.Label) ?? "")));

    private NotificationSeverity Severity(Incident incident) => _router.Severity(incident);

    private string? Label(Incident incident, string label) => label switch
    {
        "host" => incident.Host,
        "upstream" => incident.Upstream,
        "cause" => IncidentCauses.Name(incident.Cause),
        "severity" => Severity(incident) == NotificationSeverity.Critical ? "critical" : "warning",
        "incident" => incident.Id,
        "site" => incident.Site,
        _ => null,
    };

    private static string GroupKey(NotificationRouter.CompiledRoute route, string receiver, Incident incident)
    {
        var labels = route.Options.GroupBy.Count == 0 ? NotificationRoute.DefaultGroupBy : route.Options.GroupBy;
        var values = labels.Where(l => l != "route").Select(l => l switch
        {
            "site" => "site=" + incident.Site,
            "host" => "host=" + incident.Host,
            "upstream" => "upstream=" + incident.Upstream,
            "cause" => "cause=" + incident.Cause,
            _ => "",
        });
        return $"route{route.Index}/{receiver}/{string.Join(',', values)}";
    }

    private static TimeSpan Interval(Group group, Func<NotificationRoute, TimeSpan?> perRoute, TimeSpan fallback) =>
        perRoute(group.Route.Options) ?? fallback;

    private sealed record Seen(NotificationSeverity Severity, long FailedRequests, IReadOnlyList<string> Statuses, DateTimeOffset? End);

    private sealed class Group(string key, string receiver, NotificationRouter.CompiledRoute route, DateTimeOffset createdAt, string generation, bool late)
    {
        public string Key { get; } = key;

        public string Receiver { get; } = receiver;

        public NotificationRouter.CompiledRoute Route { get; } = route;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string Generation { get; } = generation;

        public bool Late { get; } = late;

        public Dictionary<string, NotificationIncident> Incidents { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? LastSentAt { get; set; }

        public Dictionary<string, Seen> Sent { get; set; } = new(StringComparer.Ordinal);

        public int Version { get; set; }
    }
}
