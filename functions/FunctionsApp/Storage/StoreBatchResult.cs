namespace FunctionsApp.Storage;

/// <summary>What storing a batch did.</summary>
/// <param name="BlobName">The batch blob (in the logs container) that holds the lines.</param>
/// <param name="Outcome">Stored now, or already stored by an earlier attempt.</param>
internal sealed record StoreBatchResult(string BlobName, StoreOutcome Outcome);
