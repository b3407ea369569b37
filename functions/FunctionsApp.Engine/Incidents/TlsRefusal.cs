namespace FunctionsApp.Incidents;

/// <summary>
/// What an upstream's TLS refusal names, from OpenSSL's words in nginx's line (the alert the server sent, or nginx's own
/// check): the directive that fixes it differs, so the remediation leads with it.
/// </summary>
internal enum TlsRefusal
{
    /// <summary>Nothing more specific than a failed handshake.</summary>
    None,

    /// <summary>The server wanted a client certificate, or rejected the one sent (alerts 42, 48, 116): mutual TLS.</summary>
    ClientCertificate,

    /// <summary>No protocol version in common (alert 70, <c>unsupported protocol</c>, <c>no protocols available</c>).</summary>
    Protocol,

    /// <summary>The server has no certificate for the name sent, or none was sent (alert 112 <c>unrecognized name</c>;
    /// CDNs and shared front ends answer a ClientHello without SNI with alert 40 or 80).</summary>
    ServerName,

    /// <summary>nginx did not trust the upstream's certificate (<c>proxy_ssl_verify on</c>).</summary>
    Trust,
}

internal static class TlsRefusals
{
    /// <summary>The refusal the evidence's TLS lines name; the first of client certificate, protocol, server name,
    /// trust that any line names.</summary>
    public static TlsRefusal Of(IEnumerable<string> messages)
    {
        var seen = TlsRefusal.None;
        foreach (var message in messages)
        {
            var refusal = OfOne(message);
            seen = refusal != TlsRefusal.None && (seen == TlsRefusal.None || refusal < seen) ? refusal : seen;
        }

        return seen;
    }

    private static TlsRefusal OfOne(string m) =>
        Has(m, "alert number 116") || Has(m, "alert number 42") || Has(m, "alert number 48") || Has(m, "certificate required") || Has(m, "alert bad certificate")
            ? TlsRefusal.ClientCertificate
        : Has(m, "alert number 70") || Has(m, "unsupported protocol") || Has(m, "no protocols available") || Has(m, "alert protocol version") || Has(m, "version too low")
            ? TlsRefusal.Protocol
        : Has(m, "alert number 112") || Has(m, "unrecognized name") || Has(m, "alert number 40") || Has(m, "alert number 80")
            ? TlsRefusal.ServerName
        : Has(m, "certificate verify") || Has(m, "SSL certificate does not match") || Has(m, "self signed") || Has(m, "certificate has expired") || Has(m, "unable to get local issuer")
            ? TlsRefusal.Trust
        : TlsRefusal.None;

    private static bool Has(string message, string words) => message.Contains(words, StringComparison.OrdinalIgnoreCase);
}
