namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>
/// One failure mode: a server block (one Host) in front of an upstream that fails in a known way,
/// the traffic that triggers it, and what nginx and the engine should say about it.
/// </summary>
internal sealed record NginxScenario
{
    /// <summary>Kebab-case id, also the fixture directory name (with the format id appended).</summary>
    public required string Name { get; init; }

    /// <summary>The server_name and Host header of this scenario.</summary>
    public string Host => $"{Name}.example.test";

    /// <summary>The upstream as nginx names it (<c>127.0.0.1:PORT</c>, <c>unix:/path</c>, a DNS name, or <c>-</c>).</summary>
    public required string Upstream { get; init; }

    /// <summary>The engine's expected cause, or null when the scenario must produce no failed requests (failover).</summary>
    public required string? ExpectedCause { get; init; }

    /// <summary>The dominant status the client sees: the gateway's, or the 404 of an error_page nginx could not open (0 when
    /// no failures are expected, or no HTTP status at all).</summary>
    public required int ExpectedStatus { get; init; }

    /// <summary>
    /// The status nginx logs, and the incident reports, when the client saw no HTTP status: 009 for an upstream's
    /// answer without a status line, which nginx relays as HTTP/0.9. Otherwise the client's.
    /// </summary>
    public int? LoggedStatus { get; init; }

    /// <summary>The status the incident reports.</summary>
    public int IncidentStatus => LoggedStatus ?? ExpectedStatus;

    /// <summary>Substrings nginx must write to this scenario's error log (empty when nginx logs no error).</summary>
    public required IReadOnlyList<string> ExpectedErrorMessages { get; init; }

    /// <summary>Directives inside <c>location / {}</c>.</summary>
    public required string LocationDirectives { get; init; }

    /// <summary>Directives at http level (upstream groups, limit_req zones).</summary>
    public string HttpDirectives { get; init; } = string.Empty;

    /// <summary>Sends the traffic that triggers the failure (the client records the statuses).</summary>
    public required Func<ScenarioClient, CancellationToken, Task> DriveAsync { get; init; }
}
