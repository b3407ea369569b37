using System.Net;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>The one HttpClient the lab uses to talk to nginx on loopback.</summary>
internal static class LabHttp
{
    public static HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = 64,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>GET <paramref name="path"/> from nginx on <paramref name="port"/> with a Host header; returns the status.</summary>
    public static async Task<HttpStatusCode> GetAsync(int port, string host, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}{path}"));
        request.Headers.Host = host;
        request.Headers.UserAgent.ParseAdd("nginx-lab/1.0");
        using var response = await Client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return response.StatusCode;
    }
}
