using System.Buffers.Text;
using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;

namespace FunctionsApp.Query;

/// <summary>
/// Where a listing stopped: the last item's (start, id), the filters it was for, and when it was issued.
/// Opaque to clients (base64url); refused when malformed (its cursor must be an incident id and a start in Unix time),
/// for other filters or older than its lifetime. Not signed: a hand-edited token that stays well-formed only moves where
/// the same filtered listing resumes.
/// </summary>
internal sealed record ContinuationToken(DateTimeOffset Issued, string FilterKey, long Start, string Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"v1|{Issued.ToUnixTimeSeconds()}|{FilterKey}|{Start}|{Id}")));

    public static bool TryDecode(string value, out ContinuationToken token)
    {
        token = new ContinuationToken(DateTimeOffset.MinValue, "", 0, "");
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(bytes).Split('|');
        if (parts.Length != 5 || parts[0] != "v1"
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var start)
            || issued is < 0 or > 253402300799
            || start < 0
            || !IncidentIds.IsWellFormed(parts[4]))
        {
            return false;
        }

        token = new ContinuationToken(DateTimeOffset.FromUnixTimeSeconds(issued), parts[2], start, parts[4]);
        return true;
    }
}
