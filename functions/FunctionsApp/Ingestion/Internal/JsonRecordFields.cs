using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Reads what ingest needs from one shipper record (an Elasticsearch <c>_bulk</c> document, a HEC event object): the
/// line (the first string under the line keys, in priority order), the file it came from (ECS <c>log.file.path</c>
/// nested or dotted, <c>log.file.name</c>, Vector's <c>file</c>, Fluent Bit's usual <c>Path_Key</c> names
/// <c>filename</c>/<c>path</c>, syslog-ng's <c>FILE_NAME</c>) and the instance that wrote it (ECS/Beats
/// <c>host.name</c>, Vector's <c>host</c>, <c>hostname</c>, syslog-ng's <c>HOST</c>). One pass, top level and the
/// ECS objects <c>log</c> and <c>host</c> only; the line is copied into a reused buffer.
/// </summary>
internal sealed class JsonRecordFields : IDisposable
{
    private static readonly byte[][] FileKeys = ["log.file.path"u8.ToArray(), "log.file.name"u8.ToArray(), "file"u8.ToArray(), "filename"u8.ToArray(), "path"u8.ToArray(), "FILE_NAME"u8.ToArray()];
    private static readonly byte[][] HostKeys = ["host.name"u8.ToArray(), "host"u8.ToArray(), "hostname"u8.ToArray(), "HOST"u8.ToArray()];

    private readonly byte[][] _lineKeys;
    private byte[] _line = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private byte[] _value = ArrayPool<byte>.Shared.Rent(1024);
    private int _lineLength;
    private string? _lastInstance;
    private byte[] _lastInstanceBytes = [];

    public JsonRecordFields(IReadOnlyList<string> lineKeys) => _lineKeys = lineKeys.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>The line found by the last <see cref="Read"/>; empty when <see cref="HasLine"/> is false.</summary>
    public Span<byte> Line => HasLine ? _line.AsSpan(0, _lineLength) : default;

    public bool HasLine { get; private set; }

    /// <summary>The kind the record's file names, if any.</summary>
    public LogKind? Hint { get; private set; }

    /// <summary>The instance the record names, if any.</summary>
    public string? Instance { get; private set; }

    /// <summary>Reads one complete JSON object; false when <paramref name="record"/> is not one (invalid JSON included).</summary>
    public bool Read(ReadOnlySpan<byte> record)
    {
        HasLine = false;
        Hint = null;
        Instance = null;
        var lineRank = int.MaxValue;
        var fileRank = int.MaxValue;
        var hostRank = int.MaxValue;
        try
        {
            var reader = new Utf8JsonReader(record);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isLog = reader.ValueTextEquals("log"u8);
                var isHost = reader.ValueTextEquals("host"u8);
                var line = Rank(ref reader, _lineKeys);
                var file = Rank(ref reader, FileKeys);
                var host = Rank(ref reader, HostKeys);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (line < lineRank)
                    {
                        lineRank = line;
                        _lineLength = Copy(ref reader, ref _line).Length;
                        HasLine = true;
                    }

                    if (file < fileRank)
                    {
                        fileRank = file;
                        Hint = LineKindClassifier.FromFileName(Encoding.UTF8.GetString(Copy(ref reader, ref _value)));
                    }

                    if (host < hostRank)
                    {
                        hostRank = host;
                        Instance = InstanceOf(Copy(ref reader, ref _value));
                    }
                }
                else if (reader.TokenType == JsonTokenType.StartObject && (isLog || isHost))
                {
                    ReadEcsObject(ref reader, isLog, ref fileRank, ref hostRank);
                }
                else
                {
                    reader.Skip();
                }
            }

            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_line);
        ArrayPool<byte>.Shared.Return(_value);
        _line = _value = [];
    }

    // log: { file: { path, name } } and host: { name }; the reader is on the object's start and ends on its end.
    private void ReadEcsObject(ref Utf8JsonReader reader, bool isLog, ref int fileRank, ref int hostRank)
    {
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (isLog && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("file"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                var fileDepth = reader.CurrentDepth;
                while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == fileDepth))
                {
                    if (reader.TokenType != JsonTokenType.PropertyName)
                    {
                        continue;
                    }

                    var rank = reader.ValueTextEquals("path"u8) ? 0 : reader.ValueTextEquals("name"u8) ? 1 : int.MaxValue;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && rank < fileRank)
                    {
                        fileRank = rank;
                        Hint = LineKindClassifier.FromFileName(Encoding.UTF8.GetString(Copy(ref reader, ref _value)));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (!isLog && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && hostRank > 0)
                {
                    hostRank = 0;
                    Instance = InstanceOf(Copy(ref reader, ref _value));
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    // Records of one batch usually name the same instance: keep its string.
    private string? InstanceOf(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return null;
        }

        if (_lastInstance is { } last && utf8.SequenceEqual(_lastInstanceBytes))
        {
            return last;
        }

        _lastInstanceBytes = utf8.ToArray();
        return _lastInstance = Encoding.UTF8.GetString(utf8);
    }

    private static int Rank(ref Utf8JsonReader reader, byte[][] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (reader.ValueTextEquals(keys[i]))
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static Span<byte> Copy(ref Utf8JsonReader reader, ref byte[] buffer)
    {
        var needed = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(needed);
        }

        var length = reader.CopyString(buffer);
        return buffer.AsSpan(0, length);
    }
}
