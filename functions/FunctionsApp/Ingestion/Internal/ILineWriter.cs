namespace FunctionsApp.Ingestion.Internal;

/// <summary>Where body readers put the lines they find: one batch (<see cref="LineSink"/>) or a batch per site and log (<see cref="PartitionedSink"/>).</summary>
internal interface ILineWriter
{
    /// <summary>Writes one line (without its terminator).</summary>
    void Write(ReadOnlySpan<byte> line);

    /// <summary>Writes a line taken from a record: a trailing line break is dropped, inner CR/LF become spaces.</summary>
    void WriteFromJson(Span<byte> line);

    /// <summary>The body held bytes that are not stored as they were (see <see cref="LineSink.NoteRewritten"/>).</summary>
    void NoteRewritten();
}
