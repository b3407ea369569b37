using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// <c>case.json</c>: everything drawn for one case and the labels — the incidents the engine must report, and the hosts
/// where it must report none. Labels come from what the generator provoked, checked against what nginx wrote.
/// </summary>
internal sealed record CaseManifest
{
    public required string Id { get; init; }

    public required int Seed { get; init; }

    /// <summary>0 for the first draw; higher when an earlier draw of this case failed its label checks.</summary>
    public required int Attempt { get; init; }

    public required string FormatFamily { get; init; }

    /// <summary>The <c>log_format</c> directive as in nginx.conf, or <c>combined</c>: what <c>--log-format</c> is given.</summary>
    public required string LogFormat { get; init; }

    public required string TimeZone { get; init; }

    public required string ErrorLogLevel { get; init; }

    /// <summary><c>file</c> (nginx wrote the logs) or <c>syslog</c> (nginx sent them to syslog-ng, which wrote them).</summary>
    public required string Logging { get; init; }

    /// <summary>
    /// What precedes nginx's text on every line of both logs: for <c>file</c>, the prefix a runtime adds (<c>none</c>,
    /// <c>compose</c>, <c>docker-t</c>, <c>kubectl</c>, <c>journald</c>); for <c>syslog</c>, syslog-ng's header
    /// (<c>syslog-default</c>, <c>syslog-iso</c>, <c>syslog-rfc5424</c>).
    /// </summary>
    public required string Prefix { get; init; }

    /// <summary>An example of the prefix as it appears at the start of a line ("" when none).</summary>
    public required string PrefixExample { get; init; }

    /// <summary>What <c>raw/</c> holds and how it relates to the top-level logs (null: no raw/, the logs are nginx's own).</summary>
    public string? Raw { get; init; }

    /// <summary>How long traffic ran, in seconds (drawn).</summary>
    public int DurationSeconds { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public required DateTimeOffset EndedUtc { get; init; }

    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Hosts on which the engine must open no incident (noise only: 404s, 499s, scanners, masked failover, stray 502).</summary>
    public required IReadOnlyList<string> QuietHosts { get; init; }

    public required IReadOnlyList<CaseLabel> Incidents { get; init; }

    /// <summary>Noise the case contains, for people reading it (<c>failover:shop.example.com</c>, ...).</summary>
    public required IReadOnlyList<string> Noise { get; init; }

    public required int AccessLines { get; init; }

    public required int ErrorLines { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static CaseManifest Read(string path) =>
        JsonSerializer.Deserialize<CaseManifest>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path} is empty.");
}

/// <summary>One incident the engine must report.</summary>
/// <param name="Host">The server_name (and Host header) of the failing site.</param>
/// <param name="Upstream">How nginx names the upstream: <c>127.0.0.1:PORT</c>, <c>unix:/path</c>, a DNS name, a group name, <c>-</c>.</param>
/// <param name="UpstreamAlternates">Other names nginx uses for the same upstream (group members, <c>name:port</c>).</param>
/// <param name="Cause">The expected cause (<c>upstream_down</c>, <c>timeout</c>, ...).</param>
/// <param name="Status">The dominant gateway status clients saw.</param>
/// <param name="StartUtc">The first failed request nginx logged.</param>
/// <param name="EndUtc">The last failed request nginx logged.</param>
/// <param name="Scenario">What the generator provoked (<c>killed</c>, <c>gunicorn-timeout</c>, ...).</param>
/// <param name="FailedRequests">Failed requests nginx logged for it.</param>
/// <param name="Location">The location prefix that failed.</param>
/// <param name="Detail">How it was provoked (server, transport, settings), for people reading it.</param>
internal sealed record CaseLabel(
    string Host,
    string Upstream,
    IReadOnlyList<string> UpstreamAlternates,
    string Cause,
    int Status,
    DateTimeOffset StartUtc,
    DateTimeOffset EndUtc,
    string Scenario,
    int FailedRequests,
    string Location,
    string? Detail = null);
