using System.Buffers.Text;
using System.Runtime.CompilerServices;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>Per-upstream (or host, or path) history: what each served and when it failed, under the keys HistoryKeys builds.</summary>
internal sealed partial class DiagnosisEngine
{
    /// <summary>A failed request (or try) the access log names, on <paramref name="historyKey"/>.</summary>
    private void MarkFailing(string historyKey, DateTimeOffset time)
    {
        if (historyKey.Length > 0 && (State.History.TryGetValue(historyKey, out var history) || TryAddHistory(historyKey, out history)))
        {
            history.MarkFailing(time);
            history.FailedInAccessLog = true;
            NoteKeyKind(historyKey);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordServed(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, DateTimeOffset time)
    {
        // The upstream's time; a format without it has the request's, which holds it (and the client's transfer). A 101
        // is an upgraded connection (a WebSocket) logged when the tunnel closes: its times are the session's life, not
        // how long the upstream took to answer.
        var responseTime = entry.Get(AccessField.UpstreamResponseTime);
        double? seconds = entry.Status == 101 ? null
            : !format.Has(AccessField.UpstreamResponseTime) ? entry.RequestTime
            : responseTime.IsEmpty ? null
            : Utf8Parser.TryParse(UpstreamTries.Last(responseTime), out double s, out _) ? s : null;
        State.Site.RecordServed(time, entry.Status, null);

        Span<char> buffer = stackalloc char[256];
        var key = HistoryKeys.Of(in entry, format, upstreams, buffer);
        if (key.IsEmpty)
        {
            return;
        }

        if (upstreams.Contains((byte)' '))
        {
            NoteEarlierTries(upstreams);
        }

        var nginxRedirect = RedirectedByNginx(in entry);
        if (HistoryKeys.IsHost(key) && (entry.Status < 400 || State.HotRoutes.Count > 0) && !nginxRedirect)
        {
            var route = HistoryKeys.RouteOf(in entry, key, stackalloc char[320]);
            if (!route.IsEmpty)
            {
                RecordRouteServed(route, entry.Status, time);
            }
        }
        else if (State.HotRoutes.Count > 0 && entry.Status < 400 && !nginxRedirect)
        {
            // A route nginx is answering 503 itself on (see AddAccess): what it serves meanwhile.
            var route = HistoryKeys.RouteOfRequest(in entry, stackalloc char[320]);
            if (!route.IsEmpty && _hotRoutes.TryGetValue(route, out var hot) && time <= hot.HotUntil)
            {
                hot.Served.Add(time.ToUnixTimeSeconds());
            }
        }

        if (!_history.TryGetValue(key, out var history) && !TryAddHistory(key.ToString(), out history))
        {
            return;
        }

        // What nginx answers itself (a request it could not parse, a client too slow or gone, a limiter's rejection, its
        // own redirect) says nothing of the upstream: only what it may have answered counts as served.
        if ((entry.Status is >= 400 and < 500 && !MayBeAnswered(entry.Status)) || nginxRedirect)
        {
            history.AnsweredByNginxInAccessLog = true;
        }
        else
        {
            history.RecordServed(time, entry.Status, seconds);
        }

        NoteKeyKind(key);
    }

    /// <summary>
    /// The servers a served request tried before the one that answered (nginx moves on only after a failure): the access
    /// log names them, so their error lines are tries it shows (<see cref="AccessLogShows"/>), even in a format that does
    /// not log <c>$upstream_status</c> to say they failed.
    /// </summary>
    private void NoteEarlierTries(ReadOnlySpan<byte> upstreams)
    {
        var last = UpstreamTries.Last(upstreams);
        var tries = new UpstreamTries(upstreams);
        while (tries.MoveNext(out var address))
        {
            if (address.SequenceEqual(last) || address.SequenceEqual("-"u8))
            {
                continue;
            }

            var key = HistoryKeys.ForUpstream(System.Text.Encoding.UTF8.GetString(address));
            if (State.History.TryGetValue(key, out var history) || TryAddHistory(key, out history))
            {
                history.FailedInAccessLog = true;
            }
        }
    }

    /// <summary>Notes the kind of history key (<c>u</c>, <c>h</c>, <c>p</c>) an access line built (<see cref="EngineState.AccessKeyKinds"/>).</summary>
    private void NoteKeyKind(ReadOnlySpan<char> key)
    {
        if (!State.AccessKeyKinds.Contains(key[0]))
        {
            State.AccessKeyKinds += key[0];
        }
    }

    /// <summary>A route's first answer below 400 (kept for ever, up to <see cref="EngineState.MaxRoutes"/>), and what
    /// it served while it is failing.</summary>
    private void RecordRouteServed(ReadOnlySpan<char> route, int status, DateTimeOffset time)
    {
        if (status < 400 && !_routes.ContainsKey(route) && State.RoutesServed.Count < EngineState.MaxRoutes)
        {
            State.RoutesServed[route.ToString()] = time;
        }

        if (State.HotRoutes.Count > 0 && _hotRoutes.TryGetValue(route, out var hot))
        {
            if (time <= hot.HotUntil)
            {
                hot.Served.Add(time.ToUnixTimeSeconds());
            }
            else
            {
                _hotRoutes.Remove(route);
            }
        }
    }

    /// <summary>A failed request on a route: keep what the route serves, second by second, for a while.</summary>
    private void MarkRouteFailing(string route, DateTimeOffset time)
    {
        if (route.Length == 0)
        {
            return;
        }

        var until = time + UpstreamHistory.HotFor;
        if (State.HotRoutes.TryGetValue(route, out var hot))
        {
            if (until > hot.HotUntil)
            {
                hot.HotUntil = until;
            }

            return;
        }

        if (State.HotRoutes.Count >= EngineState.MaxHotRoutes)
        {
            ExpireHotRoutes(time);
        }

        if (State.HotRoutes.Count < EngineState.MaxHotRoutes)
        {
            State.HotRoutes[route] = new HotRoute { HotUntil = until };
        }
    }

    /// <summary>Forgets the routes whose last failure is more than <see cref="UpstreamHistory.HotFor"/> behind.</summary>
    private void ExpireHotRoutes(DateTimeOffset time)
    {
        foreach (var (route, hot) in State.HotRoutes)
        {
            if (hot.HotUntil < time)
            {
                State.HotRoutes.Remove(route);
            }
        }
    }

    /// <summary>
    /// Whether the access log ever logged a request where this error line's request went: its upstream, host or path,
    /// under the keys the format gives. nginx writes the access line where the request ends, so a line about a place the
    /// access log never mentions is about requests it does not log (<c>access_log off</c> for a health check, another
    /// server block's log, an excerpt). True when it cannot tell (the history is full, the line names nothing, or it is
    /// about a subrequest, whose upstream and path the main request's access line does not show).
    /// </summary>
    private bool AccessLogShows(PendingError error)
    {
        if (State.History.Count >= EngineState.MaxHistoryKeys || error.InSubrequest)
        {
            return true;
        }

        var peerChosen = !error.Kind.ChoseNoPeer();
        var told = false;
        foreach (var kind in "uhp")
        {
            if (State.AccessKeyKinds.Contains(kind))
            {
                if (HistoryKeys.OfErrorLine(kind, error.Upstream, peerChosen, error.Host, error.Request) is not { } key)
                {
                    return true;
                }

                told = true;
                if (State.History.TryGetValue(key, out var history) && history.InAccessLog)
                {
                    return true;
                }
            }
        }

        return !told;
    }

    /// <summary>
    /// The key an error line's request has in an access log whose format names no upstream (its host's, else its
    /// path's): a failure only the error log tells of then carries the history of where it went, as the access log
    /// keeps it, not the empty one of an upstream no access line names. Null when the access log names upstreams, was
    /// not read, or the line does not tell.
    /// </summary>
    private string? AccessKeyOf(PendingError error)
    {
        if (State.AccessKeyKinds.Length == 0 || State.AccessKeyKinds.Contains('u'))
        {
            return null;
        }

        var kind = State.AccessKeyKinds.Contains('h') ? 'h' : 'p';
        return HistoryKeys.OfErrorLine(kind, error.Upstream, !error.Kind.ChoseNoPeer(), error.Host, error.Request);
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
