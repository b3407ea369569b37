using System.Text.Json.Serialization;
using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;

namespace FunctionsApp.Analysis;

/// <summary>
/// One site's progress, saved as one blob so the checkpoint and the engine state always move together:
/// a run that crashes before saving it starts again from the previous one, and re-derives the same incidents.
/// </summary>
internal sealed class SiteState
{
    public string Site { get; set; } = "";

    /// <summary>Per source: the batches read recently (names sort by arrival) and the bound below which all were read.</summary>
    public Dictionary<string, SourceCheckpoint> Sources { get; set; } = new(StringComparer.Ordinal);

    public EngineState Engine { get; set; } = new();

    public DateTimeOffset? LastRun { get; set; }

    /// <summary>When a run last copied the engine's whole window to the stored timeline (see the analyzer).</summary>
    public DateTimeOffset? TimelineRewritten { get; set; }

    /// <summary>When each open incident was first found (by id), so every later write keeps that time.</summary>
    public Dictionary<string, DateTimeOffset> Detected { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per source: how late its batches recently arrived after the lines they carry (see the analyzer's watermark).</summary>
    public Dictionary<string, TimeSpan> ShippingLag { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The batches received within the grace period: which log, when, and the earliest line each carried. The
    /// other log's lines of those minutes may still be on their way (see the analyzer's watermark).</summary>
    public List<Arrival> Arrivals { get; set; } = [];
}

/// <summary>A batch of one log received at <see cref="ReceivedAt"/>, its lines from <see cref="EarliestLine"/> on
/// (consecutive batches of one log received within a second are kept as one).</summary>
internal sealed class Arrival
{
    public LogKind Kind { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset EarliestLine { get; set; }
}

internal sealed class SourceCheckpoint
{
    /// <summary>Every batch with a name at or below this one has been read.</summary>
    public string? Below { get; set; }

    /// <summary>Batches above <see cref="Below"/> already read (a window of recent names, for late commits).</summary>
    public List<string> Read { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SiteState))]
internal sealed partial class SiteStateJsonContext : JsonSerializerContext;
