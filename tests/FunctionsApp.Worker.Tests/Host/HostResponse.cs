using FunctionsApp.Worker.Tests.Host.Rpc;

namespace FunctionsApp.Worker.Tests.Host;

/// <summary>
/// How the emulated host answered an HTTP request: the function it routed to (<c>null</c>: no route), the worker's
/// HTTP response (or the host's own 404/401) with its body read, and the worker's <c>InvocationResponse</c>
/// (<c>null</c> when the host answered without invoking).
/// </summary>
internal sealed record HostResponse(WorkerFunction? Function, HttpResponseMessage Response, string Body, InvocationResponse? Invocation) : IDisposable
{
    public void Dispose() => Response.Dispose();
}
