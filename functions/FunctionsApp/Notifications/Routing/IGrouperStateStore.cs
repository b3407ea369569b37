namespace FunctionsApp.Notifications.Routing;

/// <summary>Where the grouper's memory is kept between timer runs.</summary>
public interface IGrouperStateStore
{
    /// <summary>The saved memory and its version (null ETag when nothing was saved yet).</summary>
    Task<(GrouperSnapshot Snapshot, string? ETag)> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Saves if nobody saved since <paramref name="etag"/> was read; false when someone did (reload and redo).</summary>
    Task<bool> TrySaveAsync(GrouperSnapshot snapshot, string? etag, CancellationToken cancellationToken);
}
