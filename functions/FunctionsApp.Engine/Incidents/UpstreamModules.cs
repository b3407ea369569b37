namespace FunctionsApp.Incidents;

internal static class UpstreamModules
{
    /// <summary>The module most of these error lines' <c>upstream: "scheme://…"</c> name (<c>proxy</c> for http,
    /// https and none), or <c>stream</c> for the stream module's sessions, whose lines name no scheme and end with the
    /// session's byte counts.</summary>
    public static string Of(IEnumerable<string> samples)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            if (sample.Contains(", bytes from/to client:", StringComparison.Ordinal) && !sample.Contains(", request: \"", StringComparison.Ordinal))
            {
                counts["stream"] = counts.GetValueOrDefault("stream") + 1;
                continue;
            }

            var at = sample.IndexOf(", upstream: \"", StringComparison.Ordinal);
            var scheme = at < 0 ? -1 : sample.IndexOf("://", at, StringComparison.Ordinal);
            if (scheme < 0)
            {
                continue;
            }

            var module = sample[(at + 13)..scheme] switch
            {
                "fastcgi" => "fastcgi",
                "uwsgi" => "uwsgi",
                "scgi" => "scgi",
                "grpc" or "grpcs" => "grpc",
                "memcached" => "memcached",
                _ => "proxy",
            };
            counts[module] = counts.GetValueOrDefault(module) + 1;
        }

        return counts.Count == 0 ? "proxy" : counts.MaxBy(c => c.Value).Key;
    }
}
