using System.Globalization;
using System.Text.Json;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// A JSON object a runtime or shipper wrapped each nginx line in: Docker's <c>json-file</c> driver
/// (<c>{"log":"…\n","stream":"stderr","time":"…Z"}</c>), Fluent Bit and Vector file outputs (<c>log</c>,
/// <c>message</c>), journald's JSON export (<c>MESSAGE</c>), Filebeat and Logstash (<c>message</c>). The line is the
/// string under the key, unescaped, without the newline Docker keeps. Decided once per input from its first lines,
/// like <see cref="LinePrefix"/>, and only when the objects carry no <c>status</c>: an nginx JSON access log has one,
/// an envelope does not.
/// </summary>
internal sealed class LineEnvelope
{
    private static readonly string[] LineKeys = ["log", "message", "MESSAGE", "msg"];
    private static readonly string[] TimeKeys = ["time", "@timestamp", "timestamp"];

    private readonly byte[] _key;
    private byte[] _buffer = new byte[1024];

    private LineEnvelope(string key)
    {
        _key = System.Text.Encoding.UTF8.GetBytes(key);
        Name = "json:" + key;
    }

    /// <summary>How the report names it: <c>json:log</c>, <c>json:message</c>.</summary>
    public string Name { get; }

    /// <summary>The envelope most of the sample's non-blank lines are wrapped in (at least half of them), else null.</summary>
    public static LineEnvelope? Detect(IReadOnlyList<byte[]> sample)
    {
        var lines = 0;
        var counts = new int[LineKeys.Length];
        foreach (var line in sample)
        {
            var trimmed = line.AsSpan().Trim(" \t\r"u8);
            if (trimmed.IsEmpty)
            {
                continue;
            }

            lines++;
            if (trimmed[0] == '{' && KeyOf(trimmed) is { } index)
            {
                counts[index]++;
            }
        }

        var best = Array.IndexOf(counts, counts.Max());
        return lines > 0 && counts[best] * 2 >= lines ? new LineEnvelope(LineKeys[best]) : null;
    }

    /// <summary>
    /// The line inside <paramref name="line"/> (valid until the next call), and the zoned time the wrapper stamped on
    /// it, if any. False when the line is not such an object: it is then read as it is.
    /// </summary>
    public bool TryUnwrap(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> inner, out DateTimeOffset? time)
    {
        inner = default;
        time = null;
        if (line.IsEmpty || line[0] != '{')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var length = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isLine = reader.ValueTextEquals(_key);
                var isTime = !isLine && time is null && IsTimeKey(ref reader);
                reader.Read();
                if (isLine && reader.TokenType == JsonTokenType.String)
                {
                    var size = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                    if (_buffer.Length < size)
                    {
                        _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
                    }

                    length = reader.CopyString(_buffer);
                }
                else if (isTime && reader.TokenType == JsonTokenType.String
                    && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamped)
                    && HasZone(reader.ValueSpan))
                {
                    time = stamped;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (length < 0)
            {
                return false;
            }

            inner = _buffer.AsSpan(0, length).TrimEnd("\r\n"u8);
            return true;
        }
        catch (JsonException)
        {
            // Cut at the length limit, or not JSON after all.
            return false;
        }
    }

    /// <summary>The index of the line key of a one-level object without <c>status</c>, or null.</summary>
    private static int? KeyOf(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            int? found = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("status"u8))
                {
                    return null;
                }

                var index = -1;
                for (var i = 0; i < LineKeys.Length && index < 0; i++)
                {
                    index = reader.ValueTextEquals(LineKeys[i]) ? i : -1;
                }

                reader.Read();
                if (index >= 0 && found is null && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    found = index;
                }
                else
                {
                    reader.Skip();
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTimeKey(ref Utf8JsonReader reader)
    {
        foreach (var key in TimeKeys)
        {
            if (reader.ValueTextEquals(key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends in <c>Z</c> or <c>±hh:mm</c>: the instant is known.</summary>
    private static bool HasZone(ReadOnlySpan<byte> value) =>
        value.Length > 6 && (value[^1] is (byte)'Z' or (byte)'z' || (value[^6] is (byte)'+' or (byte)'-' && value[^3] == ':'));
}
