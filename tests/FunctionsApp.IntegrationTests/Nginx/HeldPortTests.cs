using System.Net;
using System.Net.Sockets;
using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.IntegrationTests.Nginx.Upstreams;

namespace FunctionsApp.IntegrationTests.Nginx;

/// <summary>The lab's ports are held, never found free and released: dead ports stay dead, live ones stay ours.</summary>
public sealed class HeldPortTests
{
    [Fact]
    public async Task Refusing_Connect_IsRefusedAndNoOtherSocketCanBindThePort()
    {
        using var port = HeldPort.Refusing();

        var connect = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(port.Port));
        Assert.Equal(SocketError.ConnectionRefused, connect.SocketErrorCode);
        Assert.Equal(SocketError.AddressAlreadyInUse, TryListen(port.Port, reuseAddress: true));
        Assert.Equal(SocketError.AddressAlreadyInUse, TryListen(port.Port, reuseAddress: false));
    }

    [Fact]
    public async Task LoopbackTcpServer_Stopped_RefusesAndNoOtherListenerCanTakeItsPort()
    {
        await using var server = LoopbackTcpServer.Start(UpstreamBehaviors.Respond(200, "OK"));
        await ConnectAsync(server.Port);

        await server.StopAsync();

        var connect = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(server.Port));
        Assert.Equal(SocketError.ConnectionRefused, connect.SocketErrorCode);
        Assert.Equal(SocketError.AddressAlreadyInUse, TryListen(server.Port, reuseAddress: true));
    }

    [Fact]
    public async Task NginxLab_ReservedPortTakenByAnotherListener_StartFailsNamingTheBind()
    {
        await using var lab = NginxLab.Create();
        var port = lab.ReservePort();
        using var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        intruder.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        intruder.Bind(new IPEndPoint(IPAddress.Loopback, port));
        intruder.Listen();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(
            () => lab.StartAsync(string.Empty, timeZone: null, CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port} failed (98: Address already in use)", error.Message, StringComparison.Ordinal);
    }

    private static async Task ConnectAsync(int port)
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
    }

    private static SocketError TryListen(int port, bool reuseAddress)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, reuseAddress);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
