using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Where parsed lines go: validated and counted, then written as <c>line\n</c> through gzip into the batch buffer
/// while the SHA-256 of the uncompressed text (the batch's content hash) is computed on the way.
/// </summary>
internal sealed class LineSink : IDisposable
{
    private const int StagingSize = 64 * 1024;
    private readonly ILogLineValidator _validator;
    private readonly LogLineContext _context;
    private readonly GZipStream _gzip;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _staging = ArrayPool<byte>.Shared.Rent(StagingSize);
    private int _used;

    public LineSink(Stream output, ILogLineValidator validator, LogLineContext context)
    {
        _validator = validator;
        _context = context;
        _gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
    }

    public long Lines { get; private set; }

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
                Append(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line)));
            }
        }

        AppendNewLine();
    }

    /// <summary>Writes a line taken from JSON: a trailing line break is dropped, inner CR/LF become spaces.</summary>
    public void WriteFromJson(Span<byte> line)
    {
        line = line.TrimEnd("\r\n"u8);
        if (line.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            line.Replace((byte)'\n', (byte)' ');
            line.Replace((byte)'\r', (byte)' ');
        }
        Write(line);
    }

    /// <summary>Flushes gzip (writing its trailer) and returns the lower-case hex SHA-256 of the text.</summary>
    public string Complete()
    {
        Flush();
        _gzip.Dispose();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _gzip.Dispose();
        _hash.Dispose();
        if (_staging.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_staging);
            _staging = [];
        }
    }

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
                _gzip.Write(bytes);
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
        _gzip.Write(_staging, 0, _used);
        _used = 0;
    }
}
