namespace FunctionsApp.Security;

/// <summary>
/// Endpoint metadata: besides <c>x-functions-key</c> and <c>?code=</c>, the function key may come the way log
/// shippers send credentials: <c>Authorization: Splunk &lt;key&gt;</c> (HEC), <c>Bearer &lt;key&gt;</c> (OTLP and
/// Loki bearer tokens), <c>Basic</c> with the key as the password (Loki, Elasticsearch and HEC basic auth; the user
/// name is not checked), and <c>ApiKey base64(id:key)</c> (Elasticsearch API keys, the key being the part after the
/// colon). Standalone only: under the Functions host the host checks keys and reads only the header and the query.
/// </summary>
internal sealed class ShipperCredentials
{
    public static ShipperCredentials Instance { get; } = new();

    private ShipperCredentials()
    {
    }

    /// <summary>The key an <c>Authorization</c> header carries in one of the shipper schemes, or null.</summary>
    public static string? KeyFrom(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }

        var value = authorization.AsSpan().Trim();
        var space = value.IndexOf(' ');
        if (space <= 0)
        {
            return null;
        }

        var scheme = value[..space];
        var credentials = value[(space + 1)..].Trim();
        if (credentials.IsEmpty || credentials.Length > 4096)
        {
            return null;
        }

        if (scheme.Equals("Splunk", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return credentials.ToString();
        }

        var basic = scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);
        if (!basic && !scheme.Equals("ApiKey", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[credentials.Length];
        if (!Convert.TryFromBase64Chars(credentials, decoded, out var written))
        {
            // An Elasticsearch "encoded" API key is base64 already; anything else is not ours.
            return basic ? null : credentials.ToString();
        }

        var text = System.Text.Encoding.UTF8.GetString(decoded[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (basic ? null : text) : text[(colon + 1)..];
    }
}
