namespace LogGenerator;

/// <summary>The access-log formats the generator writes.</summary>
internal enum GeneratedFormat
{
    /// <summary>combined plus host, request time and the upstream variables: see <see cref="GeneratorOptions.UpstreamLogFormat"/>.</summary>
    Upstream,

    /// <summary>nginx's predefined combined format.</summary>
    Combined,

    /// <summary>One JSON object per line (<c>log_format json escape=json '{...}'</c>) with the same fields as <see cref="Upstream"/>.</summary>
    Json,
}
