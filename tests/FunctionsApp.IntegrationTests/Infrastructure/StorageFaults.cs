using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>
/// Fails chosen Blob Storage calls of the app, once each, as a crash or a lost connection would: <c>before</c> the call
/// reaches storage (nothing written) or <c>after</c> it (written, but the app never learns). Registered as an
/// <see cref="HttpPipelinePolicy"/> the app adds per call, so a fault is one failed call, not one failed try.
/// </summary>
internal sealed class StorageFaults : HttpPipelinePolicy
{
    private readonly Queue<StorageStep> _armed = new();

    /// <summary>Steps that fired, in order.</summary>
    public List<StorageStep> Fired { get; } = [];

    /// <summary>Fails the next call matching <paramref name="step"/>.</summary>
    public void Arm(StorageStep step)
    {
        lock (_armed)
        {
            _armed.Enqueue(step);
        }
    }

    public bool Pending
    {
        get
        {
            lock (_armed)
            {
                return _armed.Count > 0;
            }
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var step = Take(message);
        if (step is { After: false })
        {
            throw Failure(step);
        }

        await ProcessNextAsync(message, pipeline);
        if (step is not null && message.Response.Status < 300)
        {
            throw Failure(step);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var step = Take(message);
        if (step is { After: false })
        {
            throw Failure(step);
        }

        ProcessNext(message, pipeline);
        if (step is not null && message.Response.Status < 300)
        {
            throw Failure(step);
        }
    }

    private StorageStep? Take(HttpMessage message)
    {
        lock (_armed)
        {
            if (_armed.TryPeek(out var next) && next.Matches(message.Request))
            {
                Fired.Add(_armed.Dequeue());
                return next;
            }
        }

        return null;
    }

    private static RequestFailedException Failure(StorageStep step) =>
        new(503, $"injected fault: {step}");
}

/// <summary>One step of the ingest store protocol (see BlobLogArchive), failed before or after storage sees it.</summary>
internal sealed record StorageStep(string Name, bool After)
{
    public static StorageStep Parse(string spec)
    {
        var parts = spec.Split(':');
        return new StorageStep(parts[0], parts[1] == "after");
    }

    public bool Matches(Request request)
    {
        var path = request.Uri.Path;
        var method = request.Method;
        var conditional = request.Headers.TryGetValue("If-Match", out _);
        return Name switch
        {
            "marker-create" => method == RequestMethod.Put && path.Contains("/dedup/", StringComparison.Ordinal) && !conditional,
            "marker-repoint" => method == RequestMethod.Put && path.Contains("/dedup/", StringComparison.Ordinal) && conditional,
            "marker-read" => method == RequestMethod.Head && path.Contains("/dedup/", StringComparison.Ordinal),
            "batch-exists" => method == RequestMethod.Head && path.Contains("/raw/", StringComparison.Ordinal),
            "batch-put" => method == RequestMethod.Put && path.Contains("/raw/", StringComparison.Ordinal),
            _ => throw new ArgumentException($"Unknown storage step '{Name}'."),
        };
    }

    public override string ToString() => $"{Name}:{(After ? "after" : "before")}";
}
