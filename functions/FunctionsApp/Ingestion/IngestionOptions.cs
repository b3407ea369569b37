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

    /// <summary>
    /// The overall deadline of one request's storage calls, all tries together (1 to 30 s). Past it the request is
    /// answered 503 with <c>Retry-After</c> and nothing is acknowledged. Default 8 s, so that a hung storage account
    /// is reported within 10 s, before a shipper's own timeout makes it resend.
    /// </summary>
    public TimeSpan StorageDeadline { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// How long identical content sent without an <c>Idempotency-Key</c> is taken for a retry and answered as a
    /// duplicate (0 to 7 days). After it, the same lines are stored again: real logs repeat. Default 10 min.
    /// </summary>
    public TimeSpan ContentDedupWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How old an unfinished attempt (an idempotency marker whose batch is missing) must be before a retry gives the
    /// batch a new name: three storage deadlines, at least a minute, so the first attempt can no longer commit.
    /// </summary>
    internal TimeSpan TakeoverAge => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, 3 * StorageDeadline.Ticks));

    /// <summary>Configured sources by name (<c>Ingestion:Sources:&lt;name&gt;</c>); the name is the URL's <c>{source}</c>.</summary>
    public Dictionary<string, IngestSourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);
}
