using Azure;
using FunctionsApp.Storage;

namespace FunctionsApp.Tests.Storage;

public sealed class StorageResourceGuardTests
{
    private static bool IsGone(RequestFailedException ex) => ex.ErrorCode == "ContainerNotFound";

    [Fact]
    public async Task RunAsync_ConcurrentFirstUses_SendOneCreateRequest()
    {
        var creates = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var guard = new StorageResourceGuard(
            async _ =>
            {
                Interlocked.Increment(ref creates);
                await release.Task;
            },
            IsGone);

        var calls = Enumerable.Range(0, 16).Select(i => guard.RunAsync(_ => Task.FromResult(i), CancellationToken.None)).ToList();
        await Task.Delay(50, CancellationToken.None);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        release.SetResult();

        Assert.Equal(Enumerable.Range(0, 16), await Task.WhenAll(calls));
        Assert.Equal(1, creates);
    }

    [Fact]
    public async Task RunAsync_FirstCreatorCancelled_TheNextCallerCreatesWithItsOwnToken()
    {
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var tokens = new List<CancellationToken>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var guard = new StorageResourceGuard(
            ct =>
            {
                lock (tokens)
                {
                    tokens.Add(ct);
                }

                if (ct == first.Token)
                {
                    firstStarted.SetResult();
                    return Task.Delay(Timeout.Infinite, ct);
                }

                return Task.CompletedTask;
            },
            IsGone);

        var cancelled = guard.RunAsync(_ => Task.FromResult(1), first.Token);
        await firstStarted.Task;
        var waiting = guard.RunAsync(_ => Task.FromResult(2), second.Token);
        Assert.False(waiting.IsCompleted);
        await first.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(2, await waiting);
        Assert.Equal([first.Token, second.Token], tokens);
        Assert.Equal(3, await guard.RunAsync(_ => Task.FromResult(3), CancellationToken.None));
        Assert.Equal(2, tokens.Count);
    }

    [Fact]
    public async Task RunAsync_ResourceGone_CreatesItAgainAndRetriesTheCallOnce()
    {
        var creates = 0;
        var recreated = 0;
        var calls = 0;
        var guard = new StorageResourceGuard(_ => { creates++; return Task.CompletedTask; }, IsGone, () => recreated++);

        var result = await guard.RunAsync(
            _ => ++calls == 2 ? throw new RequestFailedException(404, "gone", "ContainerNotFound", null) : Task.FromResult(calls),
            CancellationToken.None);
        Assert.Equal(1, result);
        result = await guard.RunAsync(
            _ => ++calls == 2 ? throw new RequestFailedException(404, "gone", "ContainerNotFound", null) : Task.FromResult(calls),
            CancellationToken.None);

        Assert.Equal(3, result);
        Assert.Equal(2, creates);
        Assert.Equal(1, recreated);
    }
}
