using FunctionsApp.Ingestion.Internal;

namespace FunctionsApp.Ingestion.Loki;

/// <summary>What a Loki stream's labels say to ingest: the file (<c>filename</c>) and the instance (<c>host</c>, else <c>instance</c>).</summary>
internal readonly record struct LokiLabels(LogKind? Hint, string? Instance)
{
    /// <summary>From the JSON push's label object.</summary>
    public static LokiLabels From(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return default;
        }

        return new LokiLabels(
            labels.TryGetValue("filename", out var file) ? LineKindClassifier.FromFileName(file) : null,
            labels.TryGetValue("host", out var host) && host.Length > 0 ? host
            : labels.TryGetValue("instance", out var instance) && instance.Length > 0 ? instance : null);
    }

    /// <summary>
    /// From the protobuf stream's labels, Prometheus' text form: <c>{host="web-1", filename="/var/log/nginx/error.log"}</c>
    /// (values are Go-quoted: <c>\"</c>, <c>\\</c>, <c>\n</c>). Text that is not that form names nothing.
    /// </summary>
    public static LokiLabels Parse(string text)
    {
        string? file = null;
        string? host = null;
        string? instance = null;
        var span = text.AsSpan().Trim();
        if (span.Length < 2 || span[0] != '{' || span[^1] != '}')
        {
            return default;
        }

        span = span[1..^1];
        while (true)
        {
            span = span.TrimStart(" ,");
            var equals = span.IndexOf('=');
            if (equals <= 0 || equals + 1 >= span.Length || span[equals + 1] != '"')
            {
                break;
            }

            var name = span[..equals].Trim();
            span = span[(equals + 2)..];
            var value = new System.Text.StringBuilder();
            var i = 0;
            for (; i < span.Length && span[i] != '"'; i++)
            {
                if (span[i] == '\\' && i + 1 < span.Length)
                {
                    i++;
                    value.Append(span[i] switch { 'n' => '\n', 't' => '\t', var c => c });
                }
                else
                {
                    value.Append(span[i]);
                }
            }

            if (i >= span.Length)
            {
                break;
            }

            span = span[(i + 1)..];
            if (name.SequenceEqual("filename"))
            {
                file = value.ToString();
            }
            else if (name.SequenceEqual("host"))
            {
                host = value.ToString();
            }
            else if (name.SequenceEqual("instance"))
            {
                instance = value.ToString();
            }
        }

        return new LokiLabels(
            file is null ? null : LineKindClassifier.FromFileName(file),
            !string.IsNullOrEmpty(host) ? host : !string.IsNullOrEmpty(instance) ? instance : null);
    }
}
