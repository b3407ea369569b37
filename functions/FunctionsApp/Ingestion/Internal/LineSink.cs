using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Where parsed lines go: validated and counted, then written as <c>line\n</c> through gzip into the batch buffer
/// while the SHA-256 of the uncompressed text (the batch's content hash) is computed on the way. With compression
/// deferred it tracks whether the stored text would be the decoded body byte for byte (<see cref="IsVerbatim"/>, and
/// then the client's own gzip can be stored as it came) and starts compressing only if the body proves otherwise
/// before its first line (a byte order mark, a JSON body).
/// </summary>
internal sealed class LineSink : ILineWriter, IDisposable
{
    private const int StagingSize = 64 * 1024;
    private readonly ILogLineValidator _validator;
    private readonly LogLineContext _context;
    private readonly Stream _output;
    private GZipStream? _gzip;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    private int _used;

    /// <param name="output">Receives the gzip'd lines.</param>
    /// <param name="validator">Decides which lines are malformed.</param>
    /// <param name="context">The source the lines come from.</param>
    /// <param name="deferCompression">Count and hash only, unless a rewrite is noted before the first line.</param>
    public LineSink(Stream output, ILogLineValidator validator, LogLineContext context, bool deferCompression = false)
    {
        _output = output;
        _validator = validator;
        _context = context;
        if (!deferCompression)
        {
            StartCompressing();
        }
    }

    public long Lines { get; private set; }

    /// <summary>
    /// True while every line was written as it appeared in the body, each ended by <c>\n</c>: the stored text would
    /// equal the decoded body. Readers call <see cref="NoteRewritten"/> when they change or drop bytes.
    /// </summary>
    public bool IsVerbatim { get; private set; } = true;

    /// <summary>Every line went through gzip into the output (compression was not deferred, or started in time).</summary>
    public bool IsCompressed => _gzip is not null;

    public long Malformed { get; private set; }

    /// <summary>Writes one line (without its terminator).</summary>
    public void Write(ReadOnlySpan<byte> line)
    {
        Lines++;
        if (_validator.IsValid(line, _context))
        {
            Append(line);
        }
        else
        {
            Malformed++;

            // Kept, but the blob stays UTF-8 text: invalid sequences become U+FFFD.
            if (Utf8.IsValid(line))
            {
                Append(line);
            }
            else
            {
                NoteRewritten();
                Append(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line)));
            }
        }

        AppendNewLine();
    }

    /// <summary>Writes a line taken from JSON: a trailing line break is dropped, inner CR/LF become spaces.</summary>
    public void WriteFromJson(Span<byte> line)
    {
        NoteRewritten();
        Write(OneLine(line));
    }

    /// <summary>A record's text as one stored line: a trailing line break dropped, inner CR/LF made spaces (in place).</summary>
    public static Span<byte> OneLine(Span<byte> line)
    {
        line = line.TrimEnd("\r\n"u8);
        if (line.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            line.Replace((byte)'\n', (byte)' ');
            line.Replace((byte)'\r', (byte)' ');
        }

        return line;
    }

    /// <summary>
    /// The body held bytes that are not stored as they were (a byte order mark, JSON, a CR before LF, invalid UTF-8,
    /// no final LF). Before the first line, a deferred sink starts compressing.
    /// </summary>
    public void NoteRewritten()
    {
        IsVerbatim = false;
        if (_gzip is null && Lines == 0)
        {
            StartCompressing();
        }
    }

    /// <summary>Flushes gzip (writing its trailer) and returns the lower-case hex SHA-256 of the text.</summary>
    public string Complete()
    {
        Flush();
        _gzip?.Dispose();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _gzip?.Dispose();
        _hash.Dispose();
        if (_staging.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_staging);
            _staging = [];
        }
    }

    private void StartCompressing() => _gzip = new GZipStream(_output, CompressionLevel.Fastest, leaveOpen: true);

    private void AppendNewLine()
    {
        if (_used == _staging.Length)
        {
            Flush();
        }

        _staging[_used++] = (byte)'\n';
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _staging.Length - _used)
        {
            Flush();
            if (bytes.Length > _staging.Length)
            {
                _hash.AppendData(bytes);
                _gzip?.Write(bytes);
                return;
            }
        }

        bytes.CopyTo(_staging.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Flush()
    {
        if (_used == 0)
        {
            return;
        }

        _hash.AppendData(_staging, 0, _used);
        _gzip?.Write(_staging, 0, _used);
        _used = 0;
    }
}
