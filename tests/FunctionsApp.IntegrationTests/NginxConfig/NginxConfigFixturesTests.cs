using FunctionsApp.IntegrationTests.Infrastructure;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.IntegrationTests.NginxConfig;

/// <summary>
/// The configuration fixtures against real nginx: <c>nginx -t</c> accepts each, and the reader gives the same
/// directives, files and lines from the files on disk as from the real <c>nginx -T</c> output. Debian's own default
/// configuration (shipped by nginx-light under /etc/nginx) too.
/// </summary>
public sealed class NginxConfigFixturesTests
{
    private static readonly string Root = Path.Combine(RepositoryPaths.Root, "tests", "FunctionsApp.Engine.Tests", "Fixtures", "nginx-config");

    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task NginxT_AcceptsTheFixture(string name)
    {
        var (exit, _, stderr) = await NginxProcess.CheckAsync("-t", Path.Combine(Root, name, "nginx.conf"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("test is successful", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task ParseText_RealNginxTOutput_ReadsLikeTheFiles(string name)
    {
        var main = Path.Combine(Root, name, "nginx.conf");
        var (exit, dump, stderr) = await NginxProcess.CheckAsync("-T", main);
        Assert.True(exit == 0, stderr);

        var fromDump = NginxConfigParser.ParseText(dump);
        var fromFiles = NginxConfigParser.ParseFile(main);

        Assert.True(fromDump.Succeeded, string.Join('\n', fromDump.Errors));
        Assert.True(fromFiles.Succeeded, string.Join('\n', fromFiles.Errors));
        Assert.Equal(fromFiles.Model!.Files, fromDump.Model!.Files);
        Assert.Equal(Flatten(fromFiles.Model), Flatten(fromDump.Model));
        Assert.Equal(
            ConfigChecks.Run(fromFiles.Model).Select(f => $"{f.Where} {f.Rule}"),
            ConfigChecks.Run(fromDump.Model).Select(f => $"{f.Where} {f.Rule}"));
    }

    [Fact]
    public async Task DebianDefault_ReadsFromDiskAndFromNginxT_AndRoutesToTheDefaultSite()
    {
        const string main = "/etc/nginx/nginx.conf";
        var (exit, dump, stderr) = await NginxProcess.RunAsync("-T", "-c", main);
        Assert.True(exit == 0, stderr);

        var fromDump = NginxConfigParser.ParseText(dump);
        var fromFiles = NginxConfigParser.ParseFile(main);

        Assert.True(fromFiles.Succeeded, string.Join('\n', fromFiles.Errors));
        Assert.Equal(Flatten(fromFiles.Model!), Flatten(fromDump.Model!));
        Assert.Contains("/etc/nginx/mime.types", fromFiles.Model!.Files);
        Assert.Contains("/etc/nginx/sites-enabled/default", fromFiles.Model.Files);

        var route = fromFiles.Model.Route("localhost", "/index.html")!;
        Assert.Equal("/etc/nginx/sites-enabled/default", route.Server.Directive.File);
        Assert.Equal("location /", route.Location!.Display);
        Assert.Null(route.Target);

        // Debian logs in the predefined combined format: the check says what it lacks and how to add it.
        var finding = Assert.Single(ConfigChecks.Run(fromFiles.Model), f => f.Rule == "log-format-missing-fields");
        Assert.Contains("access_log /var/log/nginx/access.log combined_upstream;", finding.Fix, StringComparison.Ordinal);
    }

    private static List<string> Flatten(FunctionsApp.NginxConfig.NginxConfigModel model) =>
        [.. model.Descendants().Select(d => $"{d.Where} {d.Name} {string.Join('|', d.Args)} {d.HasBlock}")];
}
