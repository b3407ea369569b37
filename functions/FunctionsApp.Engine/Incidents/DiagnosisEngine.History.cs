using System.Buffers.Text;
using System.Runtime.CompilerServices;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>Per-upstream (or host, or path) history: what each served and when it failed, under the keys HistoryKeys builds.</summary>
internal sealed partial class DiagnosisEngine
{
    private void MarkFailing(string historyKey, DateTimeOffset time)
    {
        if (historyKey.Length > 0 && (State.History.TryGetValue(historyKey, out var history) || TryAddHistory(historyKey, out history)))
        {
            history.MarkFailing(time);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordServed(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, DateTimeOffset time)
    {
        var responseTime = entry.Get(AccessField.UpstreamResponseTime);
        double? seconds = responseTime.IsEmpty ? null
            : Utf8Parser.TryParse(UpstreamTries.Last(responseTime), out double s, out _) ? s : null;
        State.Site.RecordServed(time, entry.Status, null);

        Span<char> buffer = stackalloc char[256];
        var key = HistoryKeys.Of(in entry, format, upstreams, buffer);
        if (key.IsEmpty)
        {
            return;
        }

        if (entry.Status < 400 && HistoryKeys.IsHost(key))
        {
            RecordRouteServed(in entry, key, time);
        }

        if (!_history.TryGetValue(key, out var history) && !TryAddHistory(key.ToString(), out history))
        {
            return;
        }

        history.RecordServed(time, entry.Status, seconds);
    }

    private void RecordRouteServed(in AccessLogEntry entry, ReadOnlySpan<char> historyKey, DateTimeOffset time)
    {
        Span<char> buffer = stackalloc char[320];
        var route = HistoryKeys.RouteOf(in entry, historyKey, buffer);
        if (route.IsEmpty || _routes.ContainsKey(route) || State.RoutesServed.Count >= EngineState.MaxRoutes)
        {
            return;
        }

        State.RoutesServed[route.ToString()] = time;
    }

    private bool TryAddHistory(string key, out UpstreamHistory history)
    {
        history = new UpstreamHistory();
        if (State.History.Count >= EngineState.MaxHistoryKeys)
        {
            return false;
        }

        State.History[key] = history;
        return true;
    }
}
