using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Delivery;

namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Alertmanager-like routing and grouping, driven only by the incidents it is shown and an injected clock:
/// <list type="bullet">
/// <item>routes (host, upstream, cause, severity) pick receivers; one group per (route, receiver, group labels);</item>
/// <item>a new group waits <c>GroupWait</c> and then sends one <c>firing</c> message for all its incidents;</item>
/// <item>a change (new incident, escalation: higher severity, failures at least doubled, a new status code, one resolved)
/// is sent as <c>updated</c> no sooner than <c>GroupInterval</c> after the previous message;</item>
/// <item>an unchanged firing group is repeated as <c>reminder</c> after <c>RepeatInterval</c>;</item>
/// <item>when every incident is closed, <c>resolved</c> is sent (at the next group interval) and the group is forgotten;</item>
/// <item>silenced and acknowledged incidents are left out; a group with nothing left to say sends nothing.</item>
/// </list>
/// Not thread-safe: one timer run owns it. Its decisions go to the durable outbox, keyed for idempotency.
/// </summary>
public sealed class NotificationGrouper
{
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _time;
    private readonly NotificationRouter _router;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Silence Silence, (string Label, Glob Value)[] Matchers)> _silences = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acknowledged = new(StringComparer.Ordinal);

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
        foreach (var (route, receiver) in _router.Match(item.Incident))
        {
            var key = GroupKey(route, receiver, item.Incident);
            if (!_groups.TryGetValue(key, out var group))
            {
                if (item.Incident.State == IncidentState.Resolved)
                {
                    continue; // nothing was ever said about it
                }

                group = new Group(key, receiver, route, now);
                _groups.Add(key, group);
            }

            group.Incidents[item.Incident.Id] = item;
        }
    }

    /// <summary>Acknowledges an incident: no more firing, update or reminder messages about it; "resolved" is still sent.</summary>
    public void Acknowledge(string incidentId) => _acknowledged.Add(incidentId);

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

        var outgoing = new List<OutgoingNotification>();
        foreach (var group in _groups.Values.ToList())
        {
            if (Decide(group, now) is { } message)
            {
                group.Version++;
                group.LastSentAt = now;
                group.Sent = Snapshot(message.Kind == NotificationKind.Resolved ? [] : message.Incidents);
                outgoing.Add(new OutgoingNotification(group.Receiver, message,
                    NotificationRenderer.IdempotencyKey(group.Receiver, group.Key, message.Kind, group.Version)));
            }

            if (group.Incidents.Values.All(i => i.Incident.State == IncidentState.Resolved)
                && (group.LastSentAt is null || group.Sent.Count == 0))
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
            [.. g.Sent.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SentIncident(s.Key, s.Value.Severity, s.Value.FailedRequests, s.Value.Statuses))]))],
        [.. _silences.Values.Select(s => s.Silence).OrderBy(s => s.Id, StringComparer.Ordinal)],
        [.. _acknowledged.Order(StringComparer.Ordinal)]);

    /// <summary>
    /// Restores a saved memory. Groups of routes or receivers that no longer exist (configuration changed) are dropped.
    /// </summary>
    public void Import(GrouperSnapshot snapshot)
    {
        _groups.Clear();
        _silences.Clear();
        _acknowledged.Clear();
        foreach (var saved in snapshot.Groups)
        {
            if (_router.Route(saved.RouteIndex) is not { } route || !route.Options.Receivers.Contains(saved.Receiver))
            {
                continue;
            }

            var group = new Group(saved.Key, saved.Receiver, route, saved.CreatedAt) { LastSentAt = saved.LastSentAt, Version = saved.Version };
            foreach (var item in saved.Incidents)
            {
                group.Incidents[item.Incident.Id] = item;
            }

            group.Sent = saved.Sent.ToDictionary(s => s.IncidentId, s => new Seen(s.Severity, s.FailedRequests, s.Statuses), StringComparer.Ordinal);
            _groups[group.Key] = group;
        }

        foreach (var silence in snapshot.Silences)
        {
            AddSilence(silence);
        }

        _acknowledged.UnionWith(snapshot.Acknowledged);
    }

    /// <summary>When <see cref="Flush"/> next has something to do, if ever; for scheduling the next timer run.</summary>
    public DateTimeOffset? NextDueAt()
    {
        DateTimeOffset? next = null;
        foreach (var group in _groups.Values)
        {
            var due = group.LastSentAt is { } last ? last + Interval(group, r => r.GroupInterval, _options.GroupInterval) : group.CreatedAt + Interval(group, r => r.GroupWait, _options.GroupWait);
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
            var wait = Interval(group, r => r.GroupWait, _options.GroupWait);
            return now >= group.CreatedAt + wait && open.Count > 0 ? Message(group, NotificationKind.Firing, open) : null;
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

        var current = Snapshot(open);
        var changed = current.Any(c => !group.Sent.TryGetValue(c.Key, out var sent) || Escalated(sent, c.Value))
            || group.Sent.Keys.Any(id => !current.ContainsKey(id) && group.Incidents.TryGetValue(id, out var i) && i.Incident.State == IncidentState.Resolved);
        if (changed && now >= lastSent + interval && open.Count > 0)
        {
            return Message(group, NotificationKind.Updated, open);
        }

        var repeat = Interval(group, r => r.RepeatInterval, _options.RepeatInterval);
        if (!changed && open.Count > 0 && now >= lastSent + repeat)
        {
            return Message(group, NotificationKind.Reminder, open);
        }

        return null;
    }

    private static bool Escalated(Seen sent, Seen now) =>
        now.Severity > sent.Severity || now.FailedRequests >= 2L * Math.Max(1, sent.FailedRequests) || now.Statuses.Except(sent.Statuses).Any();

    private Dictionary<string, Seen> Snapshot(IEnumerable<NotificationIncident> items) =>
        items.ToDictionary(i => i.Incident.Id, i => new Seen(Severity(i.Incident), i.Incident.FailedRequests, [.. i.Incident.Statuses.Keys]), StringComparer.Ordinal);

    private NotificationMessage Message(Group group, NotificationKind kind, IEnumerable<NotificationIncident> items) =>
        new(group.Key, kind, [.. items.OrderByDescending(i => Severity(i.Incident)).ThenByDescending(i => i.Incident.FailedRequests).ThenBy(i => i.Incident.Id, StringComparer.Ordinal)]);

    private bool IsSuppressed(Incident incident, DateTimeOffset now) =>
        _acknowledged.Contains(incident.Id)
        || _silences.Values.Any(s => s.Silence.IsActive(now) && s.Matchers.All(m => m.Value.IsMatch(Label(incident, m.Label) ?? "")));

    private NotificationSeverity Severity(Incident incident) => _router.Severity(incident);

    private string? Label(Incident incident, string label) => label switch
    {
        "host" => incident.Host,
        "upstream" => incident.Upstream,
        "cause" => IncidentText.CauseName(incident.Cause).Replace(' ', '_'),
        "severity" => Severity(incident) == NotificationSeverity.Critical ? "critical" : "warning",
        "incident" => incident.Id,
        _ => null,
    };

    private static string GroupKey(NotificationRouter.CompiledRoute route, string receiver, Incident incident)
    {
        var labels = route.Options.GroupBy.Count == 0 ? ["host", "upstream"] : route.Options.GroupBy;
        var values = labels.Select(l => l switch
        {
            "host" => "host=" + incident.Host,
            "upstream" => "upstream=" + incident.Upstream,
            "cause" => "cause=" + incident.Cause,
            _ => "",
        });
        return $"route{route.Index}/{receiver}/{string.Join(',', values)}";
    }

    private static TimeSpan Interval(Group group, Func<NotificationRoute, TimeSpan?> perRoute, TimeSpan fallback) =>
        perRoute(group.Route.Options) ?? fallback;

    private sealed record Seen(NotificationSeverity Severity, long FailedRequests, IReadOnlyList<string> Statuses);

    private sealed class Group(string key, string receiver, NotificationRouter.CompiledRoute route, DateTimeOffset createdAt)
    {
        public string Key { get; } = key;

        public string Receiver { get; } = receiver;

        public NotificationRouter.CompiledRoute Route { get; } = route;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public Dictionary<string, NotificationIncident> Incidents { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? LastSentAt { get; set; }

        public Dictionary<string, Seen> Sent { get; set; } = new(StringComparer.Ordinal);

        public int Version { get; set; }
    }
}
