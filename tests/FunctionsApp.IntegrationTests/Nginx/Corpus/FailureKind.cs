using FunctionsApp.IntegrationTests.Nginx.Upstreams;

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

/// <summary>One way to make nginx fail, and what the engine must say about it (the team's cause table).</summary>
/// <param name="Name">Scenario name recorded in the label.</param>
/// <param name="Cause">Expected cause.</param>
/// <param name="Status">Expected dominant status (0: whatever the upstream returned, set per draw).</param>
/// <param name="ErrorTexts">Substrings of which nginx must write one to the error log at least 3 times per window
/// (null: nginx logs no error). Alternatives are what nginx writes for the same failure depending on timing.</param>
/// <param name="Timing">When the location is requested.</param>
/// <param name="Burst">Whether failures come from concurrent bursts (overload, rate limits) rather than a steady trickle.</param>
/// <param name="Recovers">Whether the upstream serves again after the window.</param>
/// <param name="Windows">How many failure windows (2: killed, restarted minutes later, killed again).</param>
/// <param name="NeedsRoot">Whether provoking it changes the machine (a route): drawn only when running as root.</param>
internal sealed record FailureKind(
    string Name,
    string Cause,
    int Status,
    IReadOnlyList<string>? ErrorTexts,
    FailureTiming Timing,
    bool Burst = false,
    bool Recovers = false,
    int Windows = 1,
    bool NeedsRoot = false)
{
    private const string Refused = "(111: Connection refused) while connecting to upstream";
    private const string Again = "(11: Resource temporarily unavailable) while connecting to upstream";
    private const string Reset = "(104: Connection reset by peer)";
    private const string PrematurelyClosed = "upstream prematurely closed connection while reading response header from upstream";
    private const string ReadTimedOut = "upstream timed out (110: Connection timed out) while reading response header from upstream";

    /// <summary>The shortest case (seconds) in which the kind fits: two windows need three quiet minutes between them.</summary>
    public int MinDurationSeconds => Windows > 1 ? 300 : 0;

    public static IReadOnlyList<FailureKind> All { get; } =
    [
        // The lab's own TCP servers, TLS, DNS and nginx's limits.
        new("killed", "upstream_down", 502, [Refused], FailureTiming.ServedThenFails),
        new("never-started", "upstream_down", 502, [Refused], FailureTiming.FromStart),
        new("no-live-upstreams", "upstream_down", 502, ["no live upstreams while connecting to upstream"], FailureTiming.ServedThenFails),
        new("wrong-port", "misconfiguration", 502, [Refused], FailureTiming.NewRoute),
        new("too-big-header", "misconfiguration", 502, ["upstream sent too big header"], FailureTiming.NewRoute),
        new("slow", "timeout", 504, [ReadTimedOut], FailureTiming.ServedThenFails, Recovers: true),
        new("stalled", "timeout", 504, ["upstream timed out (110: Connection timed out)"], FailureTiming.WindowOnly),
        new("invalid-header", "invalid_response", 502, ["upstream sent invalid header"], FailureTiming.ServedThenFails, Recovers: true),
        new("premature-close", "invalid_response", 502, ["upstream prematurely closed connection"], FailureTiming.ServedThenFails, Recovers: true),
        new("reset", "invalid_response", 502, [Reset], FailureTiming.ServedThenFails, Recovers: true),
        new("tls-name", "tls_handshake", 502, ["while SSL handshaking to upstream"], FailureTiming.WindowOnly),
        new("tls-untrusted", "tls_handshake", 502, ["while SSL handshaking to upstream"], FailureTiming.WindowOnly),
        new("tls-plain", "misconfiguration", 502, ["while SSL handshaking to upstream"], FailureTiming.WindowOnly),
        new("dns-nxdomain", "dns", 502, ["could not be resolved (3: Host not found)"], FailureTiming.WindowOnly),
        new("dns-servfail", "dns", 502, ["could not be resolved (2: Server failure)"], FailureTiming.WindowOnly),
        new("dns-refused", "dns", 502, ["could not be resolved (5: Operation refused)"], FailureTiming.WindowOnly),
        new("dns-timeout", "dns", 502, ["could not be resolved (110: Operation timed out)"], FailureTiming.WindowOnly),
        new("unix-backlog", "overload", 502, [Again], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("throttled", "overload", 502, [Reset, "(32: Broken pipe)"], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("upstream-5xx", "upstream_returned", 0, null, FailureTiming.ServedThenFails, Recovers: true),
        new("limit-req", "rate_limited", 503, ["limiting requests"], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("limit-conn", "rate_limited", 503, ["limiting connections"], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("killed-twice", "upstream_down", 502, [Refused, "(2: No such file or directory) while connecting to upstream"], FailureTiming.ServedThenFails, Recovers: true, Windows: 2),
        new("no-route", "upstream_down", 502, ["(113: No route to host) while connecting to upstream"], FailureTiming.WindowOnly, NeedsRoot: true),
        new("net-unreachable", "upstream_down", 502, ["(101: Network is unreachable) while connecting to upstream"], FailureTiming.WindowOnly, NeedsRoot: true),

        // Real application servers from Debian (php-fpm, uWSGI, gunicorn) and Node.
        new("php-fpm-stopped", "upstream_down", 502, ["(2: No such file or directory) while connecting to upstream", Refused], FailureTiming.ServedThenFails, Recovers: true),
        new("php-fpm-max-children", "overload", 502, [Again], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("php-fpm-terminate", "timeout", 502, [Reset, "upstream prematurely closed FastCGI stdout"], FailureTiming.ServedThenFails, Recovers: true),
        new("uwsgi-harakiri", "timeout", 502, [PrematurelyClosed, Reset], FailureTiming.ServedThenFails, Recovers: true),
        new("uwsgi-backlog", "overload", 502, [Again], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("uwsgi-killed", "upstream_down", 502, [Refused], FailureTiming.ServedThenFails),
        new("gunicorn-timeout", "timeout", 502, [PrematurelyClosed, Reset], FailureTiming.ServedThenFails, Recovers: true),
        new("gunicorn-killed", "upstream_down", 502, [Refused], FailureTiming.ServedThenFails, Recovers: true),
        new("gunicorn-backlog", "overload", 502, [Again], FailureTiming.ServedThenFails, Burst: true, Recovers: true),
        new("node-killed", "upstream_down", 502, [Refused], FailureTiming.ServedThenFails, Recovers: true),
        new("node-slow", "timeout", 504, [ReadTimedOut], FailureTiming.ServedThenFails, Recovers: true),
        new("node-destroy", "invalid_response", 502, [PrematurelyClosed, Reset], FailureTiming.ServedThenFails, Recovers: true),
    ];

    /// <summary>
    /// The kinds this machine can provoke: the route kinds need root (they add <c>ip route</c> entries), the
    /// application-server kinds their server (scripts/test installs them).
    /// </summary>
    public static IReadOnlyList<FailureKind> Available { get; } =
        [.. All.Where(k => (!k.NeedsRoot || CanChangeRoutes) && k.Servers.All(RealAppServer.IsInstalled))];

    /// <summary>The application servers the kind runs.</summary>
    public IReadOnlyList<AppServerKind> Servers => Name.Split('-')[0] switch
    {
        "php" => [AppServerKind.PhpFpm],
        "uwsgi" => [AppServerKind.Uwsgi],
        "gunicorn" => [AppServerKind.Gunicorn],
        "node" => [AppServerKind.Node],
        _ when Name == "killed-twice" => [AppServerKind.Node, AppServerKind.Gunicorn],
        _ => [],
    };

    /// <summary>Whether the route kinds can run: root and <c>/usr/sbin/ip</c> (or <c>/sbin/ip</c>).</summary>
    public static bool CanChangeRoutes => Environment.IsPrivilegedProcess && NetworkRoutes.IpBinary is not null;
}
