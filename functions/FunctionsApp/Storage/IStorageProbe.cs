namespace FunctionsApp.Storage;

/// <summary>Answers whether Blob Storage is reachable right now (for health).</summary>
internal interface IStorageProbe
{
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
