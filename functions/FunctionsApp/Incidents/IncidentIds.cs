namespace FunctionsApp.Incidents;

/// <summary>What an incident id looks like: lower-case hexadecimal, 1 to 64 characters (a hash prefix).</summary>
internal static class IncidentIds
{
    /// <summary>
    /// True for a well-formed id. Ids reach blob names and table keys, so anything else (path characters, quotes,
    /// upper case) is refused before storage is asked.
    /// </summary>
    public static bool IsWellFormed(string id) => id.Length is > 0 and <= 64 && !id.AsSpan().ContainsAnyExcept("0123456789abcdef");
}
