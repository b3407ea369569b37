using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>HTTP over a unix socket: the lab's readiness probe, where which client address nginx sees does not matter.</summary>
internal static class UnixSocketHttp
{
    public static HttpClient CreateClient(string socketPath) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };
}
