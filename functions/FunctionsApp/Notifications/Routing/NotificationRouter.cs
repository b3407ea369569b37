using FunctionsApp.Incidents;

namespace FunctionsApp.Notifications.Routing;

/// <summary>Routes compiled once: which receivers an incident goes to, and how severe it is.</summary>
internal sealed class NotificationRouter
{
    private readonly NotificationsOptions _options;
    private readonly IReadOnlyList<CompiledRoute> _routes;

    public NotificationRouter(NotificationsOptions options)
    {
        _options = options;
        _routes = [.. options.Routes.Select((r, i) => new CompiledRoute(i, r))];
    }

    public NotificationSeverity Severity(Incident incident) =>
        incident.FailedRequests >= _options.CriticalFailedRequests ? NotificationSeverity.Critical : NotificationSeverity.Warning;

    /// <summary>(route, receiver) pairs in route order; the first matching route ends the walk unless it sets <c>Continue</c>.</summary>
    public IEnumerable<(CompiledRoute Route, string Receiver)> Match(Incident incident)
    {
        var severity = Severity(incident);
        foreach (var route in _routes)
        {
            if (!route.IsMatch(incident, severity))
            {
                continue;
            }

            foreach (var receiver in route.Options.Receivers)
            {
                yield return (route, receiver);
            }

            if (!route.Options.Continue)
            {
                yield break;
            }
        }
    }

    public CompiledRoute? Route(int index) => index >= 0 && index < _routes.Count ? _routes[index] : null;

    /// <summary>Distinct receivers of an incident.</summary>
    public IReadOnlySet<string> Receivers(Incident incident) => Match(incident).Select(m => m.Receiver).ToHashSet(StringComparer.Ordinal);

    internal sealed class CompiledRoute(int index, NotificationRoute options)
    {
        private readonly Glob[] _hosts = [.. options.Hosts.Select(h => new Glob(h))];
        private readonly Glob[] _upstreams = [.. options.Upstreams.Select(u => new Glob(u))];

        public int Index { get; } = index;

        public NotificationRoute Options { get; } = options;

        public bool IsMatch(Incident incident, NotificationSeverity severity) =>
            (_hosts.Length == 0 || _hosts.Any(g => g.IsMatch(incident.Host)))
            && (_upstreams.Length == 0 || _upstreams.Any(g => g.IsMatch(incident.Upstream)))
            && (Options.Causes.Count == 0 || Options.Causes.Contains(incident.Cause))
            && severity >= Options.MinSeverity;
    }
}
