using System.ComponentModel.DataAnnotations;

namespace FunctionsApp.Ingestion;

/// <summary>The ingest endpoint (section <c>Ingestion</c>).</summary>
internal sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>The largest accepted batch after decompression, in bytes (413 above it).</summary>
    [Range(1024, 1L << 30)]
    public long MaxDecodedBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Lines longer than this many bytes are counted malformed (and kept).</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Accept sources that are not configured (their kind then comes from <c>?kind=</c>).</summary>
    public bool AllowUnknownSources { get; set; }

    /// <summary>JSON record keys holding the log line, in priority order.</summary>
    public string[] LineKeys { get; set; } = ["log", "message", "MESSAGE", "msg"];

    /// <summary>
    /// The Elasticsearch version the <c>_bulk</c> routes' handshake (<c>GET /api/ingest/{source}</c>) reports; Beats
    /// and Logstash refuse a cluster older than themselves, so set it to your shippers' version or later.
    /// </summary>
    [RegularExpression(@"^\d+\.\d+\.\d+$")]
    public string ElasticsearchVersion { get; set; } = "8.19.0";

    /// <summary>Configured sources by name (<c>Ingestion:Sources:&lt;name&gt;</c>); the name is the URL's <c>{source}</c>.</summary>
    public Dictionary<string, IngestSourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);
}
