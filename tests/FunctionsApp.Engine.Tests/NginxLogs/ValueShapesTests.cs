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

    [Theory]
    [InlineData("xxxx", true)]
    [InlineData("XXXXX", true)]
    [InlineData("***", true)]
    [InlineData("xxx.xxxx.xx", true)]
    [InlineData("xx-xxx", true)]
    [InlineData("xx", false)] // too short to be a mask rather than a name
    [InlineData("xxx.com", false)] // a name with its real domain says which site
    [InlineData("box", false)]
    [InlineData("x1.example", false)]
    public void IsMaskedName_TellsAHandMaskedNameFromAName(string value, bool masked) =>
        Assert.Equal(masked, ValueShapes.IsMaskedName(value));
}
