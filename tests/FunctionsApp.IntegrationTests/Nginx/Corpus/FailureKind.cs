namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>When a failure's location gets traffic, relative to its failure window.</summary>
internal enum FailureTiming
{
    /// <summary>Healthy traffic before the window (the upstream served), failures in it, healthy again after if it recovers.</summary>
    ServedThenFails,

    /// <summary>Requested from the first seconds of the capture; fails from the first request.</summary>
    FromStart,

    /// <summary>A route first requested after at least 90 s of normal traffic on the site (a new location with a mistake).</summary>
    NewRoute,

    /// <summary>Requested only during its window.</summary>
    WindowOnly,
}

/// <summary>One way to make nginx fail, and what the engine must say about it (the brief's cause table).</summary>
/// <param name="Name">Scenario name recorded in the label.</param>
/// <param name="Cause">Expected cause.</param>
/// <param name="Status">Expected dominant status (0: whatever the upstream returned, set per draw).</param>
/// <param name="ErrorText">A substring nginx must write to the error log at least 3 times (null: nginx logs no error).</param>
/// <param name="Timing">When the location is requested.</param>
/// <param name="Burst">Whether failures come from concurrent bursts (overload, rate limits) rather than a steady trickle.</param>
/// <param name="Recovers">Whether the upstream serves again after the window.</param>
internal sealed record FailureKind(string Name, string Cause, int Status, string? ErrorText, FailureTiming Timing, bool Burst = false, bool Recovers = false)
{
    public static IReadOnlyList<FailureKind> Lab { get; } =
    [
        new("killed", "upstream_down", 502, "(111: Connection refused) while connecting to upstream", FailureTiming.ServedThenFails),
        new("never-started", "upstream_down", 502, "(111: Connection refused) while connecting to upstream", FailureTiming.FromStart),
        new("no-live-upstreams", "upstream_down", 502, "no live upstreams while connecting to upstream", FailureTiming.ServedThenFails),
        new("wrong-port", "misconfiguration", 502, "(111: Connection refused) while connecting to upstream", FailureTiming.NewRoute),
        new("too-big-header", "misconfiguration", 502, "upstream sent too big header", FailureTiming.NewRoute),
        new("slow", "timeout", 504, "upstream timed out (110: Connection timed out) while reading response header", FailureTiming.ServedThenFails, Recovers: true),
        new("stalled", "timeout", 504, "upstream timed out (110: Connection timed out)", FailureTiming.WindowOnly),
        new("invalid-header", "invalid_response", 502, "upstream sent invalid header", FailureTiming.ServedThenFails, Recovers: true),
        new("premature-close", "invalid_response", 502, "upstream prematurely closed connection", FailureTiming.ServedThenFails, Recovers: true),
        new("reset", "invalid_response", 502, "(104: Connection reset by peer)", FailureTiming.ServedThenFails, Recovers: true),
        new("tls-name", "tls_handshake", 502, "while SSL handshaking to upstream", FailureTiming.WindowOnly),
        new("tls-untrusted", "tls_handshake", 502, "while SSL handshaking to upstream", FailureTiming.WindowOnly),
        new("tls-plain", "tls_handshake", 502, "while SSL handshaking to upstream", FailureTiming.WindowOnly),
        new("dns-nxdomain", "dns", 502, "could not be resolved (3: Host not found)", FailureTiming.WindowOnly),
        new("dns-servfail", "dns", 502, "could not be resolved (2: Server failure)", FailureTiming.WindowOnly),
        new("dns-refused", "dns", 502, "could not be resolved (5: Operation refused)", FailureTiming.WindowOnly),
        new("dns-timeout", "dns", 502, "could not be resolved (110: Operation timed out)", FailureTiming.WindowOnly),
        new("unix-backlog", "overload", 502, "(11: Resource temporarily unavailable)", FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("upstream-5xx", "upstream_returned", 0, null, FailureTiming.ServedThenFails, Recovers: true),
        new("limit-req", "rate_limited", 503, "limiting requests", FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("limit-conn", "rate_limited", 503, "limiting connections", FailureTiming.ServedThenFails, Burst: true, Recovers: true),

        // Real application servers from Debian.
        new("gunicorn-timeout", "timeout", 502, "upstream prematurely closed connection", FailureTiming.ServedThenFails, Recovers: true),
    ];
}
