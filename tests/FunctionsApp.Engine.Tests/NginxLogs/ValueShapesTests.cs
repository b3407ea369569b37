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
    [InlineData("10XXXXXX", true)] // an address's first digits kept
    [InlineData("1XXXX", true)]
    [InlineData("x86", false)]
    [InlineData("1x2", false)]
    [InlineData("xx", false)] // too short to be a mask rather than a name
    [InlineData("xxx.com", false)] // a name with its real domain says which site
    [InlineData("box", false)]
    [InlineData("x1.example", false)]
    public void IsMaskedName_TellsAHandMaskedNameFromAName(string value, bool masked) =>
        Assert.Equal(masked, ValueShapes.IsMaskedName(value));

    /// <summary>A host name's last label, its top-level domain, is never all digits (RFC 3696 §2): a user agent without a
    /// slash (<c>rspamd-1.9.3</c>) or a version is no Host, while a name is one whatever digits its other labels hold.</summary>
    [Theory]
    [InlineData("rspamd-1.9.3", false)]
    [InlineData("v2.10", false)]
    [InlineData("app-1.example.com", true)]
    [InlineData("node7.k8s.local", true)]
    [InlineData("3com.io", true)]
    public void Of_ANameEndingInADigitsLabel_IsNoHostName(string value, bool hostName) =>
        Assert.Equal(hostName, ValueShapes.Of(value).HasFlag(ValueShape.HostName));
}
