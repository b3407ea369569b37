using FunctionsApp.NginxConfig;

namespace FunctionsApp.Engine.Tests.NginxConfig;

/// <summary>Route(host, path): server and location by nginx's rules, try_files fallbacks, and settings with inheritance.
/// NginxRoutingTests (integration) checks the same rules against a running nginx.</summary>
public sealed class NginxConfigModelTests
{
    [Theory]
    [InlineData("/2024/05/hello-world/", "location ~ \\.php$")]
    [InlineData("/wp-admin/options.php?page=1", "location ~ \\.php$")]
    [InlineData("/wp-content/app.CSS", "location ~* \\.(?:css|js|png|jpg|svg)$")]
    [InlineData("/favicon.ico", "location = /favicon.ico")]
    public void Route_PhpFpm_FollowsTryFilesToTheFastCgiLocation(string path, string location)
    {
        var model = ConfigFixtures.Load("php-fpm");

        var route = model.Route("blog.example.com", path)!;

        Assert.Equal(location, route.Location!.Display);
        if (location.Contains(".php", StringComparison.Ordinal))
        {
            Assert.Equal("fastcgi", route.Target!.Module);
            Assert.Equal("unix:/run/php/php8.2-fpm.sock", route.Target.Address);
            Assert.Equal("30s", route.ModuleSetting("read_timeout").Value);
        }
        else
        {
            Assert.Null(route.Target);
        }
    }

    [Fact]
    public void Route_ApiGateway_PicksServerLocationGroupAndInheritedSettings()
    {
        var model = ConfigFixtures.Load("api-gateway");
        var root = Path.GetDirectoryName(ConfigFixtures.MainFile("api-gateway"))!;

        var orders = model.Route("api.example.com:8080", "/orders/17")!;
        Assert.Equal("orders_v1", orders.Target!.Group!.Name);
        Assert.Equal(root + "/conf.d/proxy.conf:3", orders.Effective("proxy_read_timeout").Where);
        Assert.Equal("15s", orders.Effective("proxy_read_timeout").Value);

        // A regex nested in a prefix location wins for its paths and overrides the timeout.
        var export = model.Route("api.example.com", "/accounts/42/export")!;
        Assert.Equal("location ~ ^/accounts/[0-9]+/export$", export.Location!.Display);
        Assert.Equal("120s", export.Effective("proxy_read_timeout").Value);
        Assert.Equal("1.1", export.Effective("proxy_http_version").Value);
        Assert.Equal("location /accounts/", model.Route("api.example.com", "/accounts/42")!.Location!.Display);

        // Wildcard names; an unknown host gets the first server listening on the port (no default_server given).
        Assert.Equal("admin.example.com", model.Route("eu.admin.example.com", "/")!.Server.DisplayName);
        Assert.Equal("admin.example.com", model.Route("unknown.example.org", "/")!.Server.DisplayName);

        // Defaults when nothing sets a directive.
        var setting = orders.Effective("proxy_buffer_size");
        Assert.True(setting.IsDefault);
        Assert.Equal("proxy_buffer_size 4k (nginx's default; not set)", setting.Describe());
    }

    [Fact]
    public void Routes_WithoutHost_GivesEveryServersRoute()
    {
        var model = ConfigFixtures.Load("ingress-style");

        var routes = model.Routes(null, "/api/cart");

        Assert.Equal(2, routes.Count);
        Assert.Null(model.Route("-", "/api/cart"));
        Assert.Equal("default-shop-api-8080", model.Route("shop.example.com", "/api/cart")!.Target!.Address);
        Assert.Equal("upstream-default-backend", model.Route("nobody.example.com", "/api/cart")!.Target!.Address);
    }

    [Theory]
    [InlineData("/a/../b//c/%2e%2E/d", "/b/d")]
    [InlineData("/x%20y?q=1", "/x y")]
    [InlineData("http://example.com/p?q", "/p")]
    [InlineData("/", "/")]
    [InlineData("/dir/", "/dir/")]
    public void NormalizeUri_DecodesAndMergesAsNginxDoes(string raw, string expected) =>
        Assert.Equal(expected, NginxConfigModel.NormalizeUri(raw));

    [Fact]
    public void DirectivesNaming_FindsProxyPassAndUpstreamServerLines()
    {
        var model = ConfigFixtures.Load("api-gateway");

        var lines = model.DirectivesNaming("127.0.0.1:9002");

        var line = Assert.Single(lines);
        Assert.Equal("server 127.0.0.1:9002 max_fails=0;", line.ToString());
    }
}
