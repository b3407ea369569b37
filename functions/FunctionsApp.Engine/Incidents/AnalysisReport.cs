using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>The result of analysing a set of logs: the <c>analyze --json</c> document and the body of <c>POST /api/analyze</c>.</summary>
public sealed record AnalysisReport(IReadOnlyList<Incident> Incidents, ReportStats Stats);

/// <summary>What was read. <see cref="Format"/> is the access-log format used, detected or given.</summary>
public sealed record ReportStats
{
    public required long AccessLines { get; init; }

    public required long ErrorLines { get; init; }

    public required long MalformedLines { get; init; }

    public required string Format { get; init; }

    public long ErrorLinesIgnored { get; init; }

    /// <summary>Error lines without nginx's time, read at the time of the line before them (or of the shipper's
    /// prefix); with none before them, at the Unix epoch's start.</summary>
    public long UntimedErrorLines { get; init; }

    /// <summary>Access lines whose time has no zone, read in the error log's offset (configured, else UTC).</summary>
    public long ZonelessAccessLines { get; init; }

    /// <summary>Access lines of a format without a time, timed by an RFC 3164 syslog header (no year, no zone): read in
    /// <see cref="YearAssumed"/> (the error log's, else 1970) and the error log's offset.</summary>
    public long YearlessAccessLines { get; init; }

    /// <summary>The year <see cref="YearlessAccessLines"/> were read in; null when there were none.</summary>
    public int? YearAssumed { get; init; }

    public long GatewayErrors { get; init; }

    /// <summary>Failed requests counted towards incidents (an error log alone: its lines about requests).</summary>
    public long FailedRequests { get; init; }

    /// <summary>Failed tries of an error log alone that nginx went past to the group's next server (no line says that
    /// one failed too): not counted as failed requests, unless a short paste holds nothing else.</summary>
    public long TriesMovedPast { get; init; }

    /// <summary>Of <see cref="TriesMovedPast"/>, tries on an IPv6 address nginx said it went past (<c>upstream server
    /// temporarily disabled</c>, which it logs only in a group of several) to the same name's IPv4 address: localhost's
    /// [::1] refused while the application listens on 127.0.0.1, or a host without IPv6. No client error.</summary>
    public long TriesMovedPastToIpv4 { get; init; }

    /// <summary>Tries that failed after nginx had passed the upstream's status on (<c>… while reading upstream</c>): the
    /// client got that status with its body cut short. Not failed requests, unless a short paste holds nothing else.</summary>
    public long ResponsesCutShort { get; init; }

    /// <summary>The threshold (<see cref="DiagnosisOptions.MinFailures"/> within the window) made no incident of the
    /// failed requests the logs hold, few or a tenth of the lines or more, and they were analysed with a threshold of
    /// one: a one-shot analysis of a paste is asked about the failures it is given.</summary>
    public bool BelowThreshold { get; init; }

    public IReadOnlyList<string> MalformedSamples { get; init; } = [];

    public IReadOnlyList<InputReport> Inputs { get; init; } = [];

    /// <summary>The format's template, to pass to <c>--log-format</c>: the one detected (a preset's, or one inferred
    /// from the lines) or the one given; null without access logs.</summary>
    public string? FormatTemplate { get; init; }

    /// <summary>Whether <see cref="Format"/> was detected rather than given.</summary>
    public bool FormatDetected { get; init; }

    /// <summary>The UTC offset the error log's local times were read in (<c>+05:45</c>), and how it was found:
    /// <c>configured</c>, <c>access log</c>, <c>inferred from N failed requests</c> or <c>assumed UTC</c>.</summary>
    public string? ErrorLogUtcOffset { get; init; }

    public string? ErrorLogOffsetSource { get; init; }

    /// <summary>Configuration-time errors nginx logged (<c>[emerg] host not found in upstream ... in file:line</c>).</summary>
    public IReadOnlyList<ConfigEvent> ConfigEvents { get; init; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnalysisReport))]
[JsonSerializable(typeof(Incident))]
[JsonSerializable(typeof(IReadOnlyList<Incident>))]
[JsonSerializable(typeof(IncidentCause))]
internal sealed partial class IncidentJsonContext : JsonSerializerContext
{
    /// <summary>Options for output people read: quotes and angle brackets in log lines stay as they are.</summary>
    public static JsonSerializerOptions Readable => field ??= new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = Default,
    };
}
