using System.Buffers.Text;
using System.Text;

namespace FunctionsApp.Storage;

/// <summary>
/// Text as storage accepts it where it refuses characters: table keys may not hold '/', '\', '#', '?' or control
/// characters, and blob metadata is ASCII, while upstreams (<c>unix:/run/app.sock</c>), hosts and sites may hold any.
/// UTF-8, then base64url without padding: reversible, and ordered the same for equal prefixes only.
/// </summary>
internal static class SafeText
{
    public static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    public static string Decode(string value) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
}
