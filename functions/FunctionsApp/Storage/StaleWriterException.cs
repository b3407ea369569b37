namespace FunctionsApp.Storage;

/// <summary>
/// A fenced write was refused: a newer writer (a later holder of the analyzer's lease, or anyone who changed the blob
/// since it was read) got there first, or the lease itself was lost. The writer must stop; the newer one's data stands.
/// </summary>
internal sealed class StaleWriterException : Exception
{
    public StaleWriterException()
    {
    }

    public StaleWriterException(string message)
        : base(message)
    {
    }

    public StaleWriterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
