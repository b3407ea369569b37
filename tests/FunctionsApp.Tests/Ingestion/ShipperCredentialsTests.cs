using System.Text;
using FunctionsApp.Security;

namespace FunctionsApp.Tests.Ingestion;

/// <summary>The function key as shippers send credentials (the check itself is the key middleware's, in constant time).</summary>
public sealed class ShipperCredentialsTests
{
    [Theory]
    [InlineData("Splunk k3y", "k3y")]
    [InlineData("splunk   k3y  ", "k3y")]
    [InlineData("Bearer k3y", "k3y")]
    [InlineData("ApiKey k3y", "k3y")]
    [InlineData("Digest k3y", null)]
    [InlineData("Bearer", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void KeyFrom_Scheme(string? header, string? expected) => Assert.Equal(expected, ShipperCredentials.KeyFrom(header));

    [Theory]
    [InlineData("Basic", "loki:k3y", "k3y")]
    [InlineData("Basic", ":k3y", "k3y")]
    [InlineData("Basic", "user:pa:ss", "pa:ss")]
    [InlineData("Basic", "no-colon", null)]
    [InlineData("ApiKey", "filebeat:k3y", "k3y")]
    public void KeyFrom_Base64Schemes_TheSecretHalf(string scheme, string credentials, string? expected)
    {
        var header = $"{scheme} {Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))}";

        Assert.Equal(expected, ShipperCredentials.KeyFrom(header));
    }
}
