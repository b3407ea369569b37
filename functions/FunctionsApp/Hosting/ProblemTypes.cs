namespace FunctionsApp.Hosting;

/// <summary>
/// Stable RFC 9457 problem <c>type</c> URIs. Clients (and shippers' logs) can match on them; they never change.
/// </summary>
internal static class ProblemTypes
{
    private const string Prefix = "urn:nginx-502-diagnostics:problem:";

    public const string Unauthorized = Prefix + "unauthorized";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string CorruptCompression = Prefix + "corrupt-compression";
    public const string UnsupportedEncoding = Prefix + "unsupported-content-encoding";
    public const string UnsupportedBody = Prefix + "unsupported-body";
    public const string MalformedJson = Prefix + "malformed-json";
    public const string MalformedBody = Prefix + "malformed-body";
    public const string UnknownSource = Prefix + "unknown-source";
    public const string InvalidKind = Prefix + "invalid-kind";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string StorageUnavailable = Prefix + "storage-unavailable";
    public const string StorageError = Prefix + "storage-error";
    public const string Internal = Prefix + "internal-error";
    public const string InvalidQuery = Prefix + "invalid-query";
    public const string InvalidContinuation = Prefix + "invalid-continuation";
    public const string ContinuationExpired = Prefix + "continuation-expired";
    public const string IncidentNotFound = Prefix + "incident-not-found";
    public const string UnparseableLogs = Prefix + "unparseable-logs";
    public const string UnknownSite = Prefix + "unknown-site";
    public const string InvalidNginxConfig = Prefix + "invalid-nginx-config";
    public const string NginxConfigNotFound = Prefix + "nginx-config-not-found";
    public const string ProbeTargetNotAllowed = Prefix + "probe-target-not-allowed";
    public const string InvalidProbeRequest = Prefix + "invalid-probe-request";
}
