using System.Text.Json;

namespace FunctionsApp.Incidents;

/// <summary>
/// Each cause's wire name (<c>upstream_down</c>: JSON, query strings, silences) and display name ("upstream down":
/// messages, the CLI report, the dashboard), in one place. The wire names are the enum's
/// <c>JsonStringEnumMemberName</c>s, read once through the serializer, so JSON and this table cannot disagree.
/// </summary>
public static class IncidentCauses
{
    /// <summary>Every cause, in declaration order.</summary>
    public static IReadOnlyList<IncidentCause> All { get; } = Enum.GetValues<IncidentCause>();

    private static readonly string[] Names = [.. All.Select(c => JsonSerializer.Serialize(c, IncidentJsonContext.Default.IncidentCause).Trim('"'))];

    /// <summary>The wire name: <c>upstream_down</c>.</summary>
    public static string Name(IncidentCause cause) =>
        (uint)cause < (uint)Names.Length ? Names[(int)cause] : throw new ArgumentOutOfRangeException(nameof(cause), cause, null);

    /// <summary>What people read: "upstream down", "TLS handshake failure".</summary>
    public static string DisplayName(IncidentCause cause) => cause switch
    {
        IncidentCause.Unknown => "unknown cause",
        IncidentCause.UpstreamDown => "upstream down",
        IncidentCause.Misconfiguration => "misconfiguration",
        IncidentCause.Timeout => "timeout",
        IncidentCause.Overload => "overload",
        IncidentCause.Dns => "DNS failure",
        IncidentCause.TlsHandshake => "TLS handshake failure",
        IncidentCause.InvalidResponse => "invalid upstream response",
        IncidentCause.UpstreamReturned => "error returned by the upstream",
        IncidentCause.RateLimited => "rate limited",
        _ => throw new ArgumentOutOfRangeException(nameof(cause), cause, null),
    };

    /// <summary>Reads a wire name (case-insensitively, as JSON does); numbers and display names are not names.</summary>
    public static bool TryParse(string? name, out IncidentCause cause)
    {
        var index = name is null ? -1 : Array.FindIndex(Names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        cause = index < 0 ? IncidentCause.Unknown : All[index];
        return index >= 0;
    }

    /// <summary>The wire names, comma-separated, for error messages that list what is accepted.</summary>
    public static string NameList => string.Join(", ", Names);
}
