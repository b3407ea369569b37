using System.Text.Json;
using System.Text.Json.Serialization;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Routing;
using FunctionsApp.Query;

namespace FunctionsApp.Dashboard;

/// <summary>The dashboard's first page: incidents, upstream health, and how ingest and analysis are keeping up.</summary>
public sealed record DashboardOverview(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<DashboardIncidentRow> Incidents,
    IReadOnlyList<UpstreamHealth> Upstreams,
    IReadOnlyList<SiteStatus> Sites);

/// <summary>One row of the incident list.</summary>
public sealed record DashboardIncidentRow(IncidentSummary Incident, string Severity, bool Acknowledged);

/// <summary>How far one site's analysis has got: its last run, the log time reached, malformed lines, and its sources.</summary>
public sealed record SiteStatus(
    string Site,
    DateTimeOffset? LastRun,
    DateTimeOffset? LogTimeReached,
    double? AnalysisLagSeconds,
    long AccessLines,
    long ErrorLines,
    long MalformedLines,
    IReadOnlyList<string> MalformedSamples,
    int OpenIncidents,
    IReadOnlyList<SourceStatus> Sources);

/// <summary>One log source: its newest stored batch, how many batches wait to be analyzed, and how late its lines arrive.</summary>
public sealed record SourceStatus(string Source, string Kind, DateTimeOffset? LastBatchAt, long LastBatchLines, int Unanalyzed, double? ShippingLagSeconds);

/// <summary>The incident page: the incident, how loud it is, whether someone took it, and every message sent about it.</summary>
public sealed record DashboardIncident(
    Incident Incident,
    string Severity,
    bool Acknowledged,
    IReadOnlyList<NotificationRecord> Notifications,
    IReadOnlyList<Silence> Silences);

/// <summary>One message about an incident, as the outbox knows it.</summary>
public sealed record NotificationRecord(string Receiver, string? Kind, string State, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, int Attempts, string? LastError);

/// <summary>The body of <c>POST /api/dashboard-session</c>.</summary>
public sealed record DashboardSignIn(string? Key);

/// <summary>The body of <c>POST /api/dashboard-data/incidents/{id}/silence</c>: for how long (ISO 8601 or hh:mm:ss), by whom.</summary>
public sealed record DashboardSilence(string? Duration, string? CreatedBy, string? Comment);

/// <summary>The data island of <c>analyze --html</c>: the same incident view, without a service.</summary>
public sealed record DashboardReport(DateTimeOffset GeneratedAt, string Title, AnalysisReport Report);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DashboardOverview))]
[JsonSerializable(typeof(DashboardIncident))]
[JsonSerializable(typeof(DashboardSignIn))]
[JsonSerializable(typeof(DashboardSilence))]
[JsonSerializable(typeof(DashboardReport))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
