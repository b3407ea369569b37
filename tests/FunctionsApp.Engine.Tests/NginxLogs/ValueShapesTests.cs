using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class ValueShapesTests
{
    [Theory]
    [InlineData("192.168.x.x", true)]
    [InlineData("x.x.32.2", true)]
    [InlineData("xxx.xxx.xxx.xxx", true)]
    [InlineData("10.0.*.*", true)]
    [InlineData("10.0.0.1", false)] // a real address names a client
    [InlineData("x.x.x", false)]
    [InlineData("x.x.x.x.x", false)]
    [InlineData("xxxx.x.x.x", false)]
    [InlineData("x..x.x", false)]
    [InlineData("x.x.x.", false)]
    [InlineData("api.example.com", false)]
    [InlineData("box.x.y.z", false)]
    public void IsMaskedIPv4_TellsAMaskedAddressFromAnAddressOrAName(string value, bool masked) =>
        Assert.Equal(masked, ValueShapes.IsMaskedIPv4(value));
}
