using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>One distinct error signature seen during an incident.</summary>
/// <param name="Signature">The message with request-specific parts removed, e.g.
/// <c>connect() failed (111: Connection refused) while connecting to upstream</c>.</param>
/// <param name="Count">How many log lines carried it.</param>
/// <param name="Sample">One real raw log line.</param>
/// <param name="Source"><c>error</c> for the error log, <c>access</c> for access-log fields.</param>
/// <param name="Request">For access evidence, the sample's request as the format logs it (<c>GET /a?b=1</c>), read with
/// the format; null when the format logs none. It routes the incident through the configuration.</param>
public sealed record EvidenceItem(
    string Signature,
    int Count,
    string Sample,
    string Source = "error",
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Request = null);
