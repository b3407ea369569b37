namespace FunctionsApp.Ingestion;

/// <summary>
/// Decides whether a line is well-formed. Malformed lines are counted and stored all the same, so a validator
/// only affects counts. Called once per line on the hot path: allocate nothing, compile formats once.
/// </summary>
internal interface ILogLineValidator
{
    /// <summary>True when <paramref name="line"/> (UTF-8, no line terminator) is a well-formed line.</summary>
    bool IsValid(ReadOnlySpan<byte> line, in LogLineContext context);
}
