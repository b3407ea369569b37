namespace FunctionsApp.Incidents;

/// <summary>
/// Turns an incident's evidence into one cause. A pure function: error-log kinds vote for causes,
/// the upstream's history decides between "down", "never worked" and "overloaded" for connection
/// failures, and the access log's upstream fields speak when the error log is silent.
/// </summary>
internal static class IncidentClassifier
{
    public static Verdict Classify(IncidentEvidence e)
    {
        var votes = new Dictionary<IncidentCause, double>();
        var errorLines = 0;
        foreach (var (kind, count) in e.Kinds)
        {
            errorLines += count;
            var (cause, weight) = Vote(kind, e);
            votes[cause] = votes.GetValueOrDefault(cause) + (count * weight);
        }

        if (errorLines == 0)
        {
            return FromAccessLog(e);
        }

        // Failed requests the error log says nothing about vote with what their access-log fields say.
        if (e.WithoutErrorLine > 0)
        {
            var access = FromAccessLog(e);
            votes[access.Cause] = votes.GetValueOrDefault(access.Cause) + (e.WithoutErrorLine * (access.Cause == IncidentCause.Unknown ? 0.3 : 1.0));
        }

        return FromErrorLog(e, votes);
    }

    private static (IncidentCause Cause, double Weight) Vote(FailureKind kind, IncidentEvidence e) => kind switch
    {
        FailureKind.Refused or FailureKind.Unreachable or FailureKind.NoLiveUpstreams or FailureKind.MissingSocket => (Connectivity(e, kind), 1.0),
        FailureKind.TimedOut => (IncidentCause.Timeout, 1.0),
        FailureKind.ResourceUnavailable or FailureKind.PortExhaustion or FailureKind.WorkerConnections => (IncidentCause.Overload, 1.0),
        FailureKind.Reset => (LoadedWhileServing(e) ? IncidentCause.Overload : IncidentCause.InvalidResponse, 1.0),
        FailureKind.PrematureClose or FailureKind.InvalidHeader => (IncidentCause.InvalidResponse, 1.0),
        FailureKind.TooBigHeader or FailureKind.PermissionDenied or FailureKind.NoResolver => (IncidentCause.Misconfiguration, 1.0),
        FailureKind.DnsNotFound or FailureKind.DnsTimeout => (IncidentCause.Dns, 1.0),
        FailureKind.TlsHandshake or FailureKind.TlsVerify => (IncidentCause.TlsHandshake, 1.0),
        FailureKind.RateLimitRequests or FailureKind.RateLimitConnections => (IncidentCause.RateLimited, 1.0),
        FailureKind.OtherUpstream or FailureKind.None => (IncidentCause.Unknown, 0.5),
        _ => (IncidentCause.Unknown, 0.5),
    };

    /// <summary>Refused / unreachable: down if it had served, overloaded if it still serves some, else never worked.</summary>
    private static IncidentCause Connectivity(IncidentEvidence e, FailureKind kind)
    {
        if (LoadedWhileServing(e) && kind is FailureKind.Refused)
        {
            return IncidentCause.Overload;
        }

        if (e.ServedBefore > 0 || kind == FailureKind.NoLiveUpstreams)
        {
            return IncidentCause.UpstreamDown;
        }

        return IncidentCause.Misconfiguration;
    }

    /// <summary>The same upstream kept serving a real share of requests while others failed: saturation, not an outage.</summary>
    private static bool LoadedWhileServing(IncidentEvidence e) =>
        (e.HistoryIsPerUpstream && e.ServedDuring > 0 && e.ServedDuring >= 0.2 * (e.ServedDuring + e.FailedRequests))
        || SlowedDownBefore(e);

    /// <summary>Response times in the minutes before the failures at least three times the earlier baseline.</summary>
    private static bool SlowedDownBefore(IncidentEvidence e) =>
        e is { HistoryIsPerUpstream: true, ResponseMillisBefore: { } before, ResponseMillisBaseline: { } baseline }
        && baseline > 0 && before >= 3 * baseline && before - baseline >= 100;

    private static Verdict FromErrorLog(IncidentEvidence e, Dictionary<IncidentCause, double> votes)
    {
        var total = votes.Values.Sum();
        var (cause, score) = votes.OrderByDescending(v => v.Value).ThenBy(v => v.Key).First();
        var share = score / total;

        // Coverage: how many of the failed requests the error log explains.
        var explained = e.FailedRequests == 0 ? 1.0 : Math.Clamp(1.0 - ((double)e.WithoutErrorLine / e.FailedRequests), 0, 1);
        var strength = cause switch
        {
            IncidentCause.Misconfiguration when !e.ObservedBefore => 0.8,
            IncidentCause.UpstreamDown when e.ServedBefore == 0 => 0.7,
            IncidentCause.Overload when !e.Kinds.ContainsKey(FailureKind.ResourceUnavailable) => 0.8,
            IncidentCause.Unknown => 0.4,
            _ => 0.97,
        };
        var confidence = Math.Round(Math.Clamp(strength * (0.55 + (0.45 * share)) * (0.7 + (0.3 * explained)), 0.05, 0.99), 2);
        return new Verdict(cause, confidence, Describe(cause, e));
    }

    private static Verdict FromAccessLog(IncidentEvidence e)
    {
        var n = Math.Max(1, e.WithoutErrorLine);
        double Share(int count) => (double)count / n;
        var dominant = e.Statuses.Count == 0 ? 502 : e.Statuses.MaxBy(s => s.Value).Key;

        if (Share(e.NoUpstreamContacted) >= 0.5 && dominant == 503)
        {
            return Verdict(IncidentCause.RateLimited, 0.6 * Share(e.NoUpstreamContacted) + 0.05, e);
        }

        if (Share(e.UpstreamAnswered) >= 0.5)
        {
            return Verdict(IncidentCause.UpstreamReturned, (e.ErrorLogCovered ? 0.9 : 0.75) * Share(e.UpstreamAnswered), e);
        }

        if (dominant == 504 && Share(e.ConnectedNoHeader + e.NotConnected) >= 0.5)
        {
            return Verdict(IncidentCause.Timeout, 0.6, e);
        }

        if (Share(e.NotConnected) >= 0.5)
        {
            return Verdict(Connectivity(e, FailureKind.Refused), 0.45, e);
        }

        if (Share(e.ConnectedNoHeader) >= 0.5)
        {
            return Verdict(IncidentCause.InvalidResponse, 0.45, e);
        }

        // nginx writes an error line for every failure it generates itself: with the error log read and silent,
        // the status came from the upstream.
        if (e.ErrorLogCovered && e.WithoutErrorLine == e.FailedRequests && e.FailedRequests > 0)
        {
            return Verdict(IncidentCause.UpstreamReturned, 0.6, e);
        }

        return Verdict(IncidentCause.Unknown, 0.3, e);
    }

    private static Verdict Verdict(IncidentCause cause, double confidence, IncidentEvidence e) =>
        new(cause, Math.Round(Math.Clamp(confidence, 0.05, 0.99), 2), Describe(cause, e));

    private static string Describe(IncidentCause cause, IncidentEvidence e)
    {
        var u = e.Upstream;
        var top = e.Kinds.Count == 0 ? FailureKind.None : e.Kinds.MaxBy(k => k.Value).Key;
        return cause switch
        {
            IncidentCause.UpstreamDown => e.ServedBefore > 0
                ? $"{u} served {e.ServedBefore} request(s) and then stopped accepting connections ({Words(top)})."
                : $"{u} is marked down by nginx ({Words(top)}).",
            IncidentCause.Misconfiguration => top switch
            {
                FailureKind.TooBigHeader => $"{u} sends response headers larger than nginx's proxy buffers.",
                FailureKind.PermissionDenied => $"nginx is not allowed to connect to {u} (permission denied).",
                FailureKind.NoResolver => $"proxy_pass to {u} needs a resolver, and none is defined.",
                FailureKind.MissingSocket => $"The socket {u} does not exist, and no request to it ever succeeded.",
                _ => e.ObservedBefore
                    ? $"{u} never accepted a connection in the observed history ({Words(top)}): wrong address or port?"
                    : $"{u} refused from the first request seen ({Words(top)}): wrong address or port?",
            },
            IncidentCause.Timeout => $"{u} did not answer in time: 504 Gateway Timeout ({Words(top)}).",
            IncidentCause.Overload => e.ServedDuring > 0
                ? $"{u} failed some requests ({Words(top)}) while still serving {e.ServedDuring} others: it is saturated."
                : $"{u} is saturated ({Words(top)}).",
            IncidentCause.Dns => $"nginx could not resolve {u} ({Words(top)}).",
            IncidentCause.TlsHandshake => $"The TLS handshake with {u} failed ({Words(top)}).",
            IncidentCause.InvalidResponse => $"{u} answered with an invalid or incomplete HTTP response ({Words(top)}).",
            IncidentCause.UpstreamReturned => $"The gateway errors came from {u} itself; nginx passed them through.",
            IncidentCause.RateLimited => $"nginx rejected requests with 503 by limit_req/limit_conn before reaching an upstream.",
            _ => $"Gateway errors on {u} with no recognised cause ({Words(top)}).",
        };
    }

    private static string Words(FailureKind kind) => kind switch
    {
        FailureKind.Refused => "connection refused",
        FailureKind.Unreachable => "host unreachable",
        FailureKind.NoLiveUpstreams => "no live upstreams",
        FailureKind.MissingSocket => "socket not found",
        FailureKind.PermissionDenied => "permission denied",
        FailureKind.TimedOut => "upstream timed out",
        FailureKind.ResourceUnavailable => "connect() returned EAGAIN: backlog full",
        FailureKind.PortExhaustion => "no free local ports",
        FailureKind.WorkerConnections => "worker_connections exhausted",
        FailureKind.Reset => "connection reset by peer",
        FailureKind.PrematureClose => "upstream closed the connection early",
        FailureKind.InvalidHeader => "invalid response header",
        FailureKind.TooBigHeader => "response header too big",
        FailureKind.DnsNotFound => "host not found",
        FailureKind.DnsTimeout => "resolver timed out",
        FailureKind.NoResolver => "no resolver defined",
        FailureKind.TlsHandshake => "SSL handshake failed",
        FailureKind.TlsVerify => "certificate verification failed",
        FailureKind.RateLimitRequests => "limit_req",
        FailureKind.RateLimitConnections => "limit_conn",
        FailureKind.OtherUpstream => "upstream error",
        _ => "no nginx error line",
    };
}
