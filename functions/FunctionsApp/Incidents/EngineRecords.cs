namespace FunctionsApp.Incidents;

/// <summary>An access-log request that failed (or recovered from a failed try), waiting to be joined
/// with its error-log lines.</summary>
internal sealed class PendingRequest
{
    public DateTimeOffset Time { get; set; }

    /// <summary>When the request began: <see cref="Time"/> minus <c>$request_time</c>, when logged.</summary>
    public DateTimeOffset? Began { get; set; }

    public int Status { get; set; }

    public string Client { get; set; } = "";

    public string Request { get; set; } = "";

    public string Host { get; set; } = "";

    public long ConnectionId { get; set; } = -1;

    public string HistoryKey { get; set; } = "";

    /// <summary>Upstream tries in order; empty when the format does not log <c>$upstream_addr</c>.</summary>
    public List<UpstreamTry> Tries { get; set; } = [];

    /// <summary>Whether the format logs <c>$upstream_addr</c> (so an empty <see cref="Tries"/> means "no upstream contacted").</summary>
    public bool LogsUpstream { get; set; }

    /// <summary>Whether the format logs <c>$upstream_connect_time</c> and <c>$upstream_header_time</c>:
    /// only then does a missing value mean "no connection" or "no header".</summary>
    public bool LogsConnectTime { get; set; }

    public bool LogsHeaderTime { get; set; }

    public string Raw { get; set; } = "";
}

/// <summary>One try on one upstream, from <c>$upstream_addr</c>, <c>$upstream_status</c> and the timing variables.</summary>
internal sealed record UpstreamTry(string Address, int Status, double? ConnectTime, double? HeaderTime, double? ResponseTime);

/// <summary>An upstream-related error-log line, waiting to be joined with its access-log request.</summary>
internal sealed class PendingError
{
    public DateTimeOffset Time { get; set; }

    public FailureKind Kind { get; set; }

    public string Signature { get; set; } = "";

    public string Upstream { get; set; } = "";

    public string Client { get; set; } = "";

    public string Request { get; set; } = "";

    public string Host { get; set; } = "";

    public long ConnectionId { get; set; } = -1;

    public string Raw { get; set; } = "";

    public bool Claimed { get; set; }
}

/// <summary>A failed request (or recovered try) on one upstream, with the error lines that explain it.</summary>
internal sealed class FailureEvent
{
    public DateTimeOffset Time { get; set; }

    public int Status { get; set; }

    public string Upstream { get; set; } = "";

    public string Host { get; set; } = "";

    public string HistoryKey { get; set; } = "";

    /// <summary>A failed try that nginx recovered from by passing the request to the next server.</summary>
    public bool Recovered { get; set; }

    /// <summary>The upstream's own answer for this try (<c>$upstream_status</c>), or 0.</summary>
    public int UpstreamStatus { get; set; }

    public double? ConnectTime { get; set; }

    public double? HeaderTime { get; set; }

    public double? ResponseTime { get; set; }

    public bool FromAccessLog { get; set; }

    /// <summary>Whether the access log names upstreams at all.</summary>
    public bool LogsUpstream { get; set; }

    public bool LogsConnectTime { get; set; }

    public bool LogsHeaderTime { get; set; }

    public string AccessRaw { get; set; } = "";

    public List<PendingError> Errors { get; set; } = [];
}

/// <summary>Counts of what was read, and the first few malformed lines (as GoAccess keeps them).</summary>
public sealed class AnalysisStats
{
    public const int MaxMalformedSamples = 5;

    public long AccessLines { get; set; }

    public long ErrorLines { get; set; }

    public long MalformedLines { get; set; }

    /// <summary>Error-log lines that were not about an upstream (startup notices, client errors, ...).</summary>
    public long ErrorLinesIgnored { get; set; }

    /// <summary>Gateway errors (502/503/504) in the access log.</summary>
    public long GatewayErrors { get; set; }

    public string Format { get; set; } = "";

    public List<string> MalformedSamples { get; set; } = [];
}
