using System.Collections.Concurrent;
using System.Threading.Channels;
using FunctionsApp.Worker.Tests.Host.Rpc;
using Grpc.Core;

namespace FunctionsApp.Worker.Tests.Host;

/// <summary>
/// The host's end of <c>FunctionRpc.EventStream</c> for one worker: the worker dials in and opens the stream with
/// <c>StartStream</c>; from then on the host sends requests and the worker answers each with the request's
/// <c>request_id</c>, and sends its logs (<c>RpcLog</c>) whenever it likes.
/// </summary>
internal sealed class WorkerStream(string workerId) : FunctionRpc.FunctionRpcBase
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<RpcLog> _logs = new();
    private int _connections;

    /// <summary>Completes when the worker has opened the stream with its <c>StartStream</c>.</summary>
    public Task Started => _started.Task;

    /// <summary>Completes when the stream has ended (the worker closed it or went away).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Every log the worker sent to the host, in order.</summary>
    public IReadOnlyCollection<RpcLog> Logs => _logs;

    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (Interlocked.Increment(ref _connections) > 1)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "This host runs one worker, and it is connected already."));
        }

        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The stream must open with StartStream."));
        }

        if (requestStream.Current.StartStream.WorkerId != workerId)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.PermissionDenied, $"Unknown worker id '{requestStream.Current.StartStream.WorkerId}'."));
        }

        _started.TrySetResult();
        var writing = WriteAsync(responseStream, context.CancellationToken);
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                Dispatch(requestStream.Current);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The worker went away: the stream ends, and so does every request it would have answered.
        }
        catch (IOException)
        {
            // Same, seen from the transport.
        }
        finally
        {
            _outbound.Writer.TryComplete();
            End();
        }

        await writing;
    }

    /// <summary>Sends <paramref name="request"/> and waits for the worker's answer to it.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, CancellationToken cancellationToken)
    {
        request.RequestId = Guid.NewGuid().ToString();
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.RequestId] = answer;
        try
        {
            if (_ended.Task.IsCompleted)
            {
                throw new InvalidOperationException("The worker's stream has ended.");
            }

            await _outbound.Writer.WriteAsync(request, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(request.RequestId, out _);
        }
    }

    /// <summary>Sends a message the worker does not answer (<c>WorkerTerminate</c>).</summary>
    public ValueTask SendAsync(StreamingMessage message, CancellationToken cancellationToken) => _outbound.Writer.WriteAsync(message, cancellationToken);

    private void Dispatch(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            _logs.Enqueue(message.RpcLog);
        }
        else if (_pending.TryGetValue(message.RequestId, out var answer))
        {
            answer.TrySetResult(message);
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await responseStream.WriteAsync(message, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The call is over (the worker left); EventStream ends the pending requests.
        }
    }

    private void End()
    {
        _ended.TrySetResult();
        foreach (var (_, answer) in _pending)
        {
            answer.TrySetException(new InvalidOperationException("The worker's stream ended before it answered."));
        }
    }
}
