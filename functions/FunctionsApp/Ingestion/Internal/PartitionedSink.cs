using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Storage;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Routes each line to the batch of its site and log: the kind is the source's, or for an <see cref="LogKind.Auto"/>
/// source <see cref="LineKindClassifier.Classify"/>'s; the site is the source's, or for a source that picks sites
/// from attributes the instance the record names. Each part is a <see cref="LineSink"/> compressing into a spill
/// buffer of its own, so lines are read once and nothing but the compressed parts is held.
/// </summary>
internal sealed class PartitionedSink : ILineWriter, IDisposable
{
    /// <summary>Parts one request may produce (each holds a gzip stream until it is stored).</summary>
    public const int MaxParts = 128;

    private readonly IngestSource _source;
    private readonly ILogLineValidator _validator;
    private readonly int _memoryThreshold;
    private readonly List<Part> _parts = [];
    private readonly Dictionary<string, string> _siteNames = new(StringComparer.Ordinal);
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private Part? _last;

    public PartitionedSink(IngestSource source, ILogLineValidator validator, int memoryThreshold)
    {
        _source = source;
        _validator = validator;
        _memoryThreshold = memoryThreshold;
    }

    private LogKind? _defaultHint;
    private string? _defaultInstance;

    public long Lines { get; private set; }

    /// <summary>
    /// What the request says about all of its lines (HEC raw's <c>?source=</c> and <c>?host=</c>), applied to lines
    /// written without a record of their own (<see cref="Write"/>, <see cref="WriteFromJson"/>).
    /// </summary>
    public void SetRequestOrigin(LogKind? hint, string? instance)
    {
        _defaultHint = hint;
        _defaultInstance = instance;
    }

    /// <summary>A plain line: the request's origin, else the source's site and the kind by shape.</summary>
    public void Write(ReadOnlySpan<byte> line) => Route(line, _defaultHint, _defaultInstance).Sink.Write(line);

    public void WriteFromJson(Span<byte> line)
    {
        var oneLine = LineSink.OneLine(line);
        Route(oneLine, _defaultHint, _defaultInstance).Sink.WriteFromJson(oneLine);
    }

    // Parts are always compressed (never stored as the body came), so there is nothing to note.
    public void NoteRewritten()
    {
    }

    /// <summary>
    /// Writes a record's text as one line (a trailing line break dropped, inner CR/LF made spaces), with what the
    /// shipper said about it: the file it came from (<paramref name="hint"/>) and the instance that wrote it.
    /// </summary>
    public void WriteRecord(ReadOnlySpan<char> text, LogKind? hint, string? instance)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_scratch.Length < length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(length);
        }

        var written = Encoding.UTF8.GetBytes(text, _scratch);
        WriteRecord(_scratch.AsSpan(0, written), hint, instance);
    }

    /// <summary>As <see cref="WriteRecord(Span{byte}, LogKind?, string?)"/>, for text that must not be changed in place.</summary>
    public void WriteRecordBytes(ReadOnlySpan<byte> utf8, LogKind? hint, string? instance)
    {
        if (_scratch.Length < utf8.Length)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = ArrayPool<byte>.Shared.Rent(utf8.Length);
        }

        utf8.CopyTo(_scratch);
        WriteRecord(_scratch.AsSpan(0, utf8.Length), hint, instance);
    }

    /// <inheritdoc cref="WriteRecord(ReadOnlySpan{char}, LogKind?, string?)"/>
    public void WriteRecord(Span<byte> utf8, LogKind? hint, string? instance)
    {
        var line = LineSink.OneLine(utf8);
        Route(line, hint, instance).Sink.WriteFromJson(line);
    }

    /// <summary>Completes every part (flushing gzip) and hands them over; their streams live until this sink is disposed.</summary>
    public IReadOnlyList<BatchPart> Complete()
    {
        var parts = new List<BatchPart>(_parts.Count);
        foreach (var part in _parts)
        {
            var hash = part.Sink.Complete();
            if (part.Sink.Lines > 0)
            {
                parts.Add(new BatchPart(part.StoredSource, part.Site, part.Kind, part.Content, hash, part.Sink.Lines, part.Sink.Malformed));
            }
        }

        return parts;
    }

    public void Dispose()
    {
        foreach (var part in _parts)
        {
            part.Sink.Dispose();
            part.Content.Dispose();
        }

        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    /// <summary>
    /// A site name from an instance attribute (<c>web-1.example.com</c> becomes <c>web-1_example_com</c>): the
    /// characters a site allows, at most 64; a longer name keeps its start and a hash of the whole, so two long names
    /// never share a site by accident.
    /// </summary>
    public static string SiteName(string instance)
    {
        var segment = BlobNames.Segment(instance);
        if (instance.Length <= 64)
        {
            return segment;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instance)))[..16];
        return segment[..47] + "-" + hash;
    }

    private Part Route(ReadOnlySpan<byte> line, LogKind? hint, string? instance)
    {
        Lines++;
        var kind = _source.Kind == LogKind.Auto ? LineKindClassifier.Classify(line, hint) : _source.Kind;
        string? site = _source.Site;
        var stored = BlobNames.Segment(_source.Name);
        if (_source.SiteFromAttributes && !string.IsNullOrEmpty(instance))
        {
            if (!_siteNames.TryGetValue(instance, out var name))
            {
                _siteNames[instance] = name = SiteName(instance);
            }

            site = name;
            stored = BlobNames.SiteSource(_source.Name, name);
        }

        // Records of one part usually come together: check the last one first.
        if (_last is { } last && last.Kind == kind && string.Equals(last.StoredSource, stored, StringComparison.Ordinal))
        {
            return last;
        }

        foreach (var part in _parts)
        {
            if (part.Kind == kind && string.Equals(part.StoredSource, stored, StringComparison.Ordinal))
            {
                return _last = part;
            }
        }

        if (_parts.Count == MaxParts)
        {
            throw new TooManyPartsException(MaxParts);
        }

        var content = new SpillStream(_memoryThreshold);
        var context = new LogLineContext(stored, kind, kind == LogKind.Error ? "error" : _source.Format);
        var created = new Part(stored, site, kind, content, new LineSink(content, _validator, context));
        _parts.Add(created);
        return _last = created;
    }

    private sealed record Part(string StoredSource, string? Site, LogKind Kind, SpillStream Content, LineSink Sink);
}
