using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Incidents;

/// <summary>When a burst of gateway errors becomes an incident, and how log lines are joined.</summary>
public sealed class DiagnosisOptions
{
    public const string SectionName = "Diagnosis";

    /// <summary>Failed requests within <see cref="Window"/> that open an incident. Default 3.</summary>
    [Range(1, 1_000_000)]
    public int MinFailures { get; set; } = 3;

    /// <summary>The window in which <see cref="MinFailures"/> must fall. Default 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An incident closes after this long without a failure. Default 2 min.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Clock difference allowed between an access line and its error lines (both have 1 s precision). Default 2 s.</summary>
    public TimeSpan JoinSkew { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long before its access line a request's error lines may be (timeouts, retries), when
    /// <c>$request_time</c> is not logged. Default 120 s.</summary>
    public TimeSpan JoinLookback { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The UTC offset of the error log's local times. Null: taken from the access log's times, else UTC.</summary>
    public TimeSpan? ErrorLogUtcOffset { get; set; }

    /// <summary>Distinct signatures kept as evidence per incident. Default 10.</summary>
    [Range(1, 100)]
    public int MaxEvidence { get; set; } = DefaultMaxEvidence;

    /// <summary><see cref="MaxEvidence"/>'s default.</summary>
    public const int DefaultMaxEvidence = 10;

    /// <summary>A failed try that nginx went past to the group's next server counts as its request's failure, when no
    /// access log says how the request ended: for a short paste of such tries alone, which is what it asks about (not a
    /// try on localhost's [::1], whose next server is the same application).</summary>
    internal bool CountTriesMovedPast { get; private set; }

    /// <summary>A try that failed after nginx had passed the upstream's status on (<c>… while reading upstream</c>)
    /// counts as its request's failure, with that status (not logged in the line): for a short paste of such lines
    /// alone, which is what it asks about.</summary>
    internal bool CountResponsesCutShort { get; private set; }

    /// <summary>The engine counts the access log's requests per minute (<see cref="DiagnosisEngine.RequestsPerMinute"/>):
    /// for one-shot analysis, to weigh failures the threshold left out against the traffic around them.</summary>
    internal bool CountRequestsPerMinute { get; private set; }

    /// <summary>Servers a first reading of the same logs showed to have another server to fall back on
    /// (<see cref="EngineState.ServersWithPeers"/>), known from the start: one-shot analysis reads the logs again when a
    /// request late in them showed it.</summary>
    internal IReadOnlySet<string> ServersKnownToHavePeers { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Servers on localhost's IPv6 address that the nginx configuration given reaches through the name
    /// <c>localhost</c> (<see cref="NginxConfig.NginxConfigModel.LocalhostIpv6Servers"/>): a failed connect there goes on
    /// to <c>127.0.0.1</c>, as nginx's <c>upstream server temporarily disabled</c> warning would say.</summary>
    internal IReadOnlySet<string> LocalhostIpv6Servers { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The error log given ends where its last line is (one-shot analysis of files): after that line its silence
    /// says nothing of a failure, which an excerpt or a capture that stopped earlier did not reach. An error log given
    /// empty still says that nginx made no gateway error itself. The service's streams go on, and nginx writes only when
    /// something fails: a quiet stream is a silent log.</summary>
    internal bool ErrorLogEndKnown { get; private set; }

    /// <summary>These options with <see cref="ErrorLogEndKnown"/>.</summary>
    internal DiagnosisOptions WithErrorLogEndKnown()
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.ErrorLogEndKnown = true;
        return copy;
    }

    /// <summary>These options with <see cref="ServersKnownToHavePeers"/>.</summary>
    internal DiagnosisOptions WithServersKnownToHavePeers(IEnumerable<string> servers)
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.ServersKnownToHavePeers = servers.ToHashSet(StringComparer.Ordinal);
        return copy;
    }

    /// <summary>These options with <see cref="LocalhostIpv6Servers"/>.</summary>
    internal DiagnosisOptions WithLocalhostIpv6Servers(IEnumerable<string> servers)
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.LocalhostIpv6Servers = servers.ToHashSet(StringComparer.Ordinal);
        return copy;
    }

    /// <summary>These options with <see cref="CountRequestsPerMinute"/>.</summary>
    internal DiagnosisOptions WithRequestsPerMinuteCounted()
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.CountRequestsPerMinute = true;
        return copy;
    }

    /// <summary>These options with <see cref="CountTriesMovedPast"/>.</summary>
    internal DiagnosisOptions WithTriesMovedPastCounted()
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.CountTriesMovedPast = true;
        return copy;
    }

    /// <summary>These options with <see cref="CountResponsesCutShort"/>.</summary>
    internal DiagnosisOptions WithResponsesCutShortCounted()
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.CountResponsesCutShort = true;
        return copy;
    }

    /// <summary>These options with another <see cref="MinFailures"/>.</summary>
    internal DiagnosisOptions WithMinFailures(int minFailures)
    {
        var copy = (DiagnosisOptions)MemberwiseClone();
        copy.MinFailures = minFailures;
        return copy;
    }
}
