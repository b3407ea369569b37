using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.Worker.Tests.Host.Rpc;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker.Tests.Host;

/// <summary>
/// A minimal stand-in for the Azure Functions host, as Azurite stands in for Storage: it serves <c>FunctionRpc</c>
/// over gRPC (HTTP/2 cleartext on 127.0.0.1), starts the real worker process the way the host does (its build output,
/// <c>dotnet FunctionsApp.Worker.dll</c> with the host's command line and app settings as environment), and drives
/// it through the published protocol: start stream, worker init, function metadata, one load per function, then
/// invocations. A timer is invoked with the <c>TimerInfo</c> JSON the host sends; an HTTP function is invoked as the
/// host does for a worker with the ASP.NET Core integration: the request itself is forwarded to the URI the worker
/// advertised (<c>HttpUri</c> capability) with the invocation id in <c>x-ms-invocation-id</c>, alongside the
/// <c>InvocationRequest</c> that carries an empty <c>RpcHttp</c>.
/// </summary>
/// <remarks>
/// What a host does beyond that is left out: scaling, retries, extension bundles, the Application Insights pipeline,
/// file watching and restarts, shared memory, warm-up and placeholder specialization. Keys are checked as the host
/// checks them (a function-level function needs a key, in <c>x-functions-key</c> or <c>?code=</c>), because the worker
/// leaves that to the host; the refusal is the host's (401, empty body), not the app's.
/// </remarks>
internal sealed class FunctionsHostEmulator : IAsyncDisposable
{
    /// <summary>The function key this host accepts.</summary>
    public const string FunctionKey = "emulator-function-key";

    private const string HostVersion = "4.1000.0-emulator";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromMinutes(2);

    private readonly WebApplication _grpc;
    private readonly WorkerStream _stream;
    private readonly Process _worker;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, WorkerFunction> _functions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _traceParents = new(StringComparer.Ordinal);
    private readonly string _routePrefix;

    private FunctionsHostEmulator(WebApplication grpc, WorkerStream stream, Process worker, StringBuilder output, long processStarted, string routePrefix)
    {
        _grpc = grpc;
        _stream = stream;
        _worker = worker;
        _output = output;
        _routePrefix = routePrefix;
        ProcessStarted = processStarted;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            Timeout = InvocationTimeout,
        };
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> just before the worker process was started.</summary>
    public long ProcessStarted { get; }

    /// <summary>What the worker answered to <c>WorkerInitRequest</c>.</summary>
    public WorkerInitResponse Init { get; private set; } = null!;

    /// <summary>The worker's functions, as its <c>FunctionMetadataResponse</c> listed them.</summary>
    public IReadOnlyList<WorkerFunction> Functions { get; private set; } = [];

    /// <summary>Each function's <c>FunctionLoadResponse</c>, by name.</summary>
    public IReadOnlyDictionary<string, FunctionLoadResponse> Loads { get; private set; } = new Dictionary<string, FunctionLoadResponse>();

    /// <summary>Where the worker's ASP.NET Core integration listens (its <c>HttpUri</c> capability), on 127.0.0.1.</summary>
    public Uri WorkerHttpUri { get; private set; } = null!;

    /// <summary>After <see cref="DisposeAsync"/>: the worker's exit code, and whether it had to be killed.</summary>
    public (int ExitCode, bool Killed)? Exit { get; private set; }

    /// <summary>What the worker logged: its <c>RpcLog</c> messages, then its console output.</summary>
    public string Diagnostics
    {
        get
        {
            var logs = string.Join('\n', _stream.Logs.Select(l => $"[{l.Level}] {l.Category}: {l.Message}{(l.Exception is { } e ? " " + e.Message : "")}"));
            lock (_output)
            {
                return $"RpcLog:\n{logs}\nConsole:\n{_output}";
            }
        }
    }

    /// <summary>
    /// Starts the host's gRPC endpoint, then the worker in <paramref name="workerDirectory"/> with
    /// <paramref name="appSettings"/> (configuration keys; given to the worker as environment, as the host does),
    /// and takes it through init, metadata and load. Load failures are kept in <see cref="Loads"/>, not thrown.
    /// </summary>
    public static async Task<FunctionsHostEmulator> StartAsync(string workerDirectory, IReadOnlyDictionary<string, string> appSettings, CancellationToken cancellationToken = default)
    {
        var workerId = Guid.NewGuid().ToString();
        var stream = new WorkerStream(workerId);
        var grpc = await StartGrpcAsync(stream, cancellationToken);
        var grpcUri = new Uri(grpc.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workerDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The command line the host gives a .NET isolated worker (its worker.config.json names the assembly).
        foreach (var argument in new[]
                 {
                     Path.Combine(workerDirectory, "FunctionsApp.Worker.dll"),
                     "--functions-uri", grpcUri.ToString(),
                     "--functions-worker-id", workerId,
                     "--functions-request-id", Guid.NewGuid().ToString(),
                     "--functions-grpc-max-message-length", int.MaxValue.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = workerDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = workerDirectory;
        foreach (var (key, value) in appSettings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var output = new StringBuilder();
        var started = Stopwatch.GetTimestamp();
        var worker = Lifeline.Start(start);
        worker.OutputDataReceived += (_, e) => Append(output, e.Data);
        worker.ErrorDataReceived += (_, e) => Append(output, e.Data);
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();

        var host = new FunctionsHostEmulator(grpc, stream, worker, output, started, ReadRoutePrefix(workerDirectory));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            await host.HandshakeAsync(workerDirectory, timeout.Token);
            return host;
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            var diagnostics = host.Diagnostics;
            await host.DisposeAsync();
            throw new InvalidOperationException($"The worker did not start: {ex.Message}\n{diagnostics}", ex);
        }
    }

    /// <summary>Invokes a timer function once, with the <c>TimerInfo</c> the host's timer trigger sends.</summary>
    public async Task<InvocationResponse> InvokeTimerAsync(string name, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        var function = Function(name);
        if (!function.IsTimer)
        {
            throw new InvalidOperationException($"{name} is a {function.TriggerType} function, not a timer.");
        }

        var now = TimeProvider.System.GetUtcNow();
        var timer = new TypedData
        {
            Json = JsonSerializer.Serialize(new
            {
                Schedule = new { AdjustForDST = false },
                ScheduleStatus = new { Last = now.AddMinutes(-1), Next = now.AddMinutes(1), LastUpdated = now.AddMinutes(-1) },
                IsPastDue = isPastDue,
            }),
        };
        var request = NewInvocation(function);
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = timer });
        request.TriggerMetadata[function.TriggerName] = timer;
        request.TriggerMetadata["sys"] = new TypedData
        {
            Json = JsonSerializer.Serialize(new { MethodName = function.Name, UtcNow = now, RandGuid = Guid.NewGuid() }),
        };
        return await InvokeAsync(request, cancellationToken);
    }

    /// <summary>
    /// Invokes a queue-triggered function with one message, as the host's queue listener does once it has received
    /// and decoded it: the text as the trigger's input (a string parameter), and the message's properties as trigger
    /// metadata (<c>QueueTrigger</c>, <c>DequeueCount</c>, <c>Id</c>, ...).
    /// </summary>
    public async Task<InvocationResponse> InvokeQueueAsync(string name, string message, long dequeueCount = 1, CancellationToken cancellationToken = default)
    {
        var function = Function(name);
        if (!function.IsQueue)
        {
            throw new InvalidOperationException($"{name} is a {function.TriggerType} function, not a queue trigger.");
        }

        var now = TimeProvider.System.GetUtcNow();
        var request = NewInvocation(function);
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { String = message } });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = message };
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = dequeueCount.ToString(CultureInfo.InvariantCulture) };
        request.TriggerMetadata["Id"] = new TypedData { String = Guid.NewGuid().ToString() };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = Convert.ToBase64String(RandomNumberGenerator.GetBytes(8)) };
        request.TriggerMetadata["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(now.AddSeconds(-1)) };
        request.TriggerMetadata["NextVisibleTime"] = new TypedData { Json = JsonSerializer.Serialize(now.AddSeconds(30)) };
        request.TriggerMetadata["ExpirationTime"] = new TypedData { Json = JsonSerializer.Serialize(now.AddDays(7)) };
        request.TriggerMetadata["sys"] = new TypedData
        {
            Json = JsonSerializer.Serialize(new { MethodName = function.Name, UtcNow = now, RandGuid = Guid.NewGuid() }),
        };
        return await InvokeAsync(request, cancellationToken);
    }

    /// <summary>
    /// Serves <paramref name="request"/> (its path and query; the host part is ignored) as the host would: finds the
    /// HTTP function whose route and methods match, checks the key its auth level asks for, forwards the request to
    /// the worker and sends the invocation. The response body is buffered.
    /// </summary>
    public async Task<HostResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        var function = Route(request);
        if (function is null)
        {
            return new HostResponse(null, new HttpResponseMessage(HttpStatusCode.NotFound), "", null);
        }

        if (!IsAuthorized(function, request))
        {
            return new HostResponse(function, new HttpResponseMessage(HttpStatusCode.Unauthorized), "", null);
        }

        var invocation = NewInvocation(function);
        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = new TypedData { Http = new RpcHttp() } });

        // As the host does: start forwarding first, so the worker's ASP.NET Core side is waiting for the function.
        var content = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var forwarding = ForwardAsync(request, content, invocation.InvocationId, cancellationToken);
        var invoked = InvokeAsync(invocation, cancellationToken);
        var response = await forwarding;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new HostResponse(function, response, body, await invoked);
    }

    /// <summary>
    /// Sends the request to the worker's Kestrel, which the worker starts after it has dialled the host: like the
    /// host's proxy, retry while the connection is refused (nothing was sent). The host gives up after about 2 s;
    /// here a worker on a busy shared machine gets up to 30 s, so that a slow start is not a failed test.
    /// </summary>
    private async Task<HttpResponseMessage> ForwardAsync(HttpRequestMessage original, byte[]? content, string invocationId, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(original.Method, new Uri(WorkerHttpUri, PathAndQuery(original.RequestUri!)));
            foreach (var (name, values) in original.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, values);
            }

            if (content is not null)
            {
                request.Content = new ByteArrayContent(content);
                foreach (var (name, values) in original.Content!.Headers)
                {
                    request.Content.Headers.TryAddWithoutValidation(name, values);
                }
            }

            request.Headers.Add("x-ms-invocation-id", invocationId);
            try
            {
                var response = await _http.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
            }
        }
    }

    /// <summary>Asks the worker for its status (<c>WorkerStatusRequest</c>), as the host does periodically.</summary>
    public async Task<StreamingMessage> RequestStatusAsync(CancellationToken cancellationToken = default) =>
        await _stream.RequestAsync(new StreamingMessage { WorkerStatusRequest = new WorkerStatusRequest() }, cancellationToken);

    /// <summary>The W3C <c>traceparent</c> the host sent with an invocation (its operation, in telemetry).</summary>
    public string TraceParentOf(string invocationId) =>
        _traceParents.TryGetValue(invocationId, out var traceParent) ? traceParent : throw new ArgumentException($"No invocation '{invocationId}' was sent.", nameof(invocationId));

    public WorkerFunction Function(string name) =>
        _functions.TryGetValue(name, out var function) ? function : throw new ArgumentException($"The worker has no function '{name}'.", nameof(name));

    /// <summary>
    /// Asks the worker to stop (<c>WorkerTerminate</c>, as the host does at shutdown) and waits for it to exit; kills
    /// it when it does not within the grace period.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var grace = TimeSpan.FromSeconds(10);
        if (!_worker.HasExited && _stream.Started.IsCompletedSuccessfully && !_stream.Ended.IsCompleted)
        {
            try
            {
                await _stream.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(grace) } }, CancellationToken.None);
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                // The stream ended meanwhile: the worker is leaving anyway.
            }
        }

        using var waited = new CancellationTokenSource(grace);
        var killed = false;
        try
        {
            await _worker.WaitForExitAsync(waited.Token);
        }
        catch (OperationCanceledException)
        {
            killed = true;
            await Lifeline.KillGroupAsync(_worker);
        }

        Exit = (_worker.ExitCode, killed);
        Lifeline.Release(_worker);
        _http.Dispose();
        await _grpc.StopAsync(CancellationToken.None);
        await _grpc.DisposeAsync();
        _worker.Dispose();
    }

    private static async Task<WebApplication> StartGrpcAsync(WorkerStream stream, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = null;
            options.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(stream);
        var app = builder.Build();
        app.MapGrpcService<WorkerStream>();
        await app.StartAsync(cancellationToken);
        return app;
    }

    private async Task HandshakeAsync(string workerDirectory, CancellationToken cancellationToken)
    {
        var exited = _worker.WaitForExitAsync(cancellationToken);
        if (await Task.WhenAny(_stream.Started, exited).WaitAsync(cancellationToken) != _stream.Started)
        {
            throw new InvalidOperationException($"The worker exited with {_worker.ExitCode} before it opened the event stream.");
        }

        var init = await _stream.RequestAsync(new StreamingMessage
        {
            WorkerInitRequest = new WorkerInitRequest
            {
                HostVersion = HostVersion,
                WorkerDirectory = workerDirectory,
                FunctionAppDirectory = workerDirectory,
            },
        }, cancellationToken);
        Init = init.WorkerInitResponse ?? throw new InvalidOperationException($"The worker answered WorkerInitRequest with {init.ContentCase}.");
        Ensure(Init.Result, "WorkerInitRequest");
        // The worker listens on "localhost"; the host and these tests talk to it on 127.0.0.1.
        WorkerHttpUri = Init.Capabilities.TryGetValue("HttpUri", out var httpUri)
            ? new UriBuilder(httpUri) { Host = "127.0.0.1" }.Uri
            : throw new InvalidOperationException("The worker advertised no HttpUri: it is not using the ASP.NET Core integration.");

        var metadata = await _stream.RequestAsync(new StreamingMessage
        {
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = workerDirectory },
        }, cancellationToken);
        var indexed = metadata.FunctionMetadataResponse ?? throw new InvalidOperationException($"The worker answered FunctionsMetadataRequest with {metadata.ContentCase}.");
        Ensure(indexed.Result, "FunctionsMetadataRequest");
        Functions = indexed.FunctionMetadataResults.Select(WorkerFunction.From).ToArray();
        foreach (var function in Functions)
        {
            _functions[function.Name] = function;
        }

        var loads = await Task.WhenAll(Functions.Select(async function =>
        {
            var answer = await _stream.RequestAsync(new StreamingMessage
            {
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function.Metadata },
            }, cancellationToken);
            return (function.Name, Load: answer.FunctionLoadResponse ?? throw new InvalidOperationException($"The worker answered {function.Name}'s FunctionLoadRequest with {answer.ContentCase}."));
        }));
        Loads = loads.ToDictionary(l => l.Name, l => l.Load, StringComparer.Ordinal);
    }

    private async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InvocationTimeout);
        var answer = await _stream.RequestAsync(new StreamingMessage { InvocationRequest = request }, timeout.Token);
        return answer.InvocationResponse ?? throw new InvalidOperationException($"The worker answered an InvocationRequest with {answer.ContentCase}.");
    }

    private InvocationRequest NewInvocation(WorkerFunction function)
    {
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01" },
        };
        _traceParents[request.InvocationId] = request.TraceContext.TraceParent;
        return request;
    }

    private WorkerFunction? Route(HttpRequestMessage request)
    {
        var path = new PathString(PathAndQuery(request.RequestUri!).Split('?')[0]);
        var matches = Functions
            .Where(f => f.IsHttp && f.Methods.Contains(request.Method.Method.ToUpperInvariant()))
            .Where(f => new TemplateMatcher(TemplateParser.Parse($"{_routePrefix}/{f.Route ?? f.Name}"), new RouteValueDictionary()).TryMatch(path, new RouteValueDictionary()))
            .ToArray();
        return matches.Length switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new InvalidOperationException($"{request.Method} {path} matches {string.Join(", ", matches.Select(m => m.Name))}: routes overlap."),
        };
    }

    private static bool IsAuthorized(WorkerFunction function, HttpRequestMessage request)
    {
        if (string.Equals(function.AuthLevel, "anonymous", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var key = request.Headers.TryGetValues("x-functions-key", out var values)
            ? values.FirstOrDefault()
            : QueryValue(request.RequestUri!, "code");
        return key is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(FunctionKey));
    }

    private static string? QueryValue(Uri uri, string name) =>
        PathAndQuery(uri).Split('?', 2) is [_, var query] && QueryHelpers.ParseQuery(query).TryGetValue(name, out var value) ? value.ToString() : null;

    // Tests address the host with relative URIs ("/api/health"); the host part of an absolute one is not ours.
    private static string PathAndQuery(Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;

    private static string ReadRoutePrefix(string workerDirectory)
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(workerDirectory, "host.json")));
        return host.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString() ?? "api"
            : "api";
    }

    private static void Ensure(StatusResult result, string request)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed {request}: {result.Result} {result.Exception?.Message}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
