namespace FunctionsApp.Incidents;

/// <summary>What an nginx error line says went wrong with an upstream (or with nginx's own limits).</summary>
internal enum FailureKind
{
    /// <summary>Not an upstream failure (startup notices, client errors, ...).</summary>
    None = 0,
    Refused,
    Unreachable,
    NoLiveUpstreams,
    MissingSocket,
    PermissionDenied,
    TimedOut,
    ResourceUnavailable,
    PortExhaustion,
    WorkerConnections,
    Reset,
    PrematureClose,
    InvalidHeader,
    TooBigHeader,
    DnsNotFound,
    DnsTimeout,
    NoResolver,
    TlsHandshake,
    TlsVerify,
    RateLimitRequests,
    RateLimitConnections,
    OtherUpstream,
}
