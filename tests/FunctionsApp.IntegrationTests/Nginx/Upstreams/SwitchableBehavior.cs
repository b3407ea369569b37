using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>
/// A behavior that can be changed while the server runs: an upstream that served well, then fails in some way for a
/// while (a bad deploy, a slow dependency), then recovers. Each connection gets the behavior current when it arrived.
/// </summary>
internal sealed class SwitchableBehavior(Func<Socket, CancellationToken, Task> initial)
{
    private volatile Func<Socket, CancellationToken, Task> _current = initial;

    public Func<Socket, CancellationToken, Task> Behavior => (socket, ct) => _current(socket, ct);

    public void Switch(Func<Socket, CancellationToken, Task> behavior) => _current = behavior;
}
