using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.IntegrationTests.Infrastructure;

/// <summary>Azurite starts on the port the fixture holds, or fails saying why in its own words.</summary>
public sealed class AzuriteFixtureTests
{
    [Fact]
    public async Task Start_HeldPortTakenByAnotherListener_FailsWithAzuritesOwnMessage()
    {
        var azurite = new AzuriteFixture();
        try
        {
            using var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            intruder.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            intruder.Bind(new IPEndPoint(IPAddress.Loopback, azurite.Port));
            intruder.Listen();

            var error = await Assert.ThrowsAsync<InvalidOperationException>(azurite.StartAsync);

            Assert.Contains("Azurite exited", error.Message, StringComparison.Ordinal);
            Assert.Contains("EADDRINUSE", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task StopThenStart_SamePort_RefusesWhileStoppedAndServesAgain()
    {
        var azurite = new AzuriteFixture();
        try
        {
            await azurite.StartAsync();
            var container = azurite.CreateClient().GetBlobContainerClient("kept");
            await container.CreateAsync();

            await azurite.StopAsync();
            using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, azurite.Port));
                Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
            }

            await azurite.StartAsync();

            // Killed Azurite keeps only what it had saved: what matters is that the same address serves again.
            var again = azurite.CreateClient().GetBlobContainerClient("after-restart");
            Assert.NotNull((await again.CreateAsync()).Value);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }
}
