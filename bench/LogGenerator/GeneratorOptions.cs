namespace LogGenerator;

/// <summary>What to generate. The defaults give the benchmark's reference log.</summary>
internal sealed class GeneratorOptions
{
    /// <summary>The <c>log_format</c> the <see cref="GeneratedFormat.Upstream"/> lines follow.</summary>
    public const string UpstreamLogFormat =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
        + "\"$host\" $request_time $upstream_addr $upstream_status $upstream_connect_time $upstream_header_time $upstream_response_time";

    public GeneratedFormat Format { get; set; } = GeneratedFormat.Upstream;

    /// <summary>Same seed, same bytes.</summary>
    public int Seed { get; set; } = 20261124;

    /// <summary>Mean request rate; 60/s spreads 5 million lines over about 23 hours.</summary>
    public int RequestsPerSecond { get; set; } = 60;

    /// <summary>Time of the first line, in the server's local zone (the offset is written into every line).</summary>
    public DateTimeOffset Start { get; set; } = new(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(1));
}
