using System.Text.Unicode;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion;

/// <summary>The default validator: a line is well-formed when it is non-empty, valid UTF-8 and not too long.</summary>
internal sealed class Utf8LogLineValidator(IOptions<IngestionOptions> options) : ILogLineValidator
{
    private readonly int _maxLineBytes = options.Value.MaxLineBytes;

    public bool IsValid(ReadOnlySpan<byte> line, in LogLineContext context) =>
        line.Length > 0 && line.Length <= _maxLineBytes && Utf8.IsValid(line);
}
