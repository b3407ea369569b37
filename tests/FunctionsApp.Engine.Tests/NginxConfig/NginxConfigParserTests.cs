using FunctionsApp.NginxConfig;

namespace FunctionsApp.Engine.Tests.NginxConfig;

public sealed class NginxConfigParserTests
{
    [Fact]
    public void ParseFile_SyntaxFixture_ReadsWordsAsNginxDoes()
    {
        var model = ConfigFixtures.Load("syntax");
        var server = Assert.Single(model.Servers);
        var all = model.Descendants().ToList();

        // Quoted names lose their quotes; a comment after a directive is not an argument.
        Assert.Equal(["syntax.example.test", "single.example.test"], server.Names);

        // Adjacent quoted strings are separate arguments; \" becomes " even inside single quotes (as nginx does); '#' inside quotes is text.
        var logFormat = all.Single(d => d.Name == "log_format");
        Assert.Equal(["quoted", "escape=json", "{\"msg\":\"a \"quoted\" # not a comment\", ", "\"host\":\"$host\"}"], logFormat.Args);

        // ${var} does not open a block.
        Assert.Equal(["X-Joined", "${suffix}end"], all.Single(d => d.Name == "add_header").Args);

        // A regex with braces, quoted; modifiers written without a space.
        var locations = server.Locations;
        Assert.Contains(locations, l => l.Modifier == "~" && l.Pattern == "^/re/[a-z]{2,3}/(?<id>[0-9]+)$");
        Assert.Contains(locations, l => l.Modifier == "=" && l.Pattern == "/exact");
        Assert.Contains(locations, l => l.Modifier == "^~" && l.Pattern == "/static/");
        Assert.Contains(locations, l => l.Modifier == "~*" && l.Pattern == "\\.TXT$");

        // One directive over three lines keeps the line of its name; ';' and braces inside quotes are text.
        var multi = locations.Single(l => l.Pattern == "/multi").Directive.Find("return")!;
        Assert.Equal(["200", "a;b{c}d"], multi.Args);
        Assert.Equal(ConfigFixtures.LineOf(ConfigFixtures.MainFile("syntax"), "return", after: "location /multi"), multi.Line);

        Assert.Equal(["200", "tab\there, quote\" and backslash\\"], locations.Single(l => l.Pattern == "/escaped").Directive.Find("return")!.Args);

        // '#' inside a word is part of it; '\ ' keeps a space in the word, backslash included (nginx answers "word\ with\ spaces").
        var hash = locations.Single(l => l.Pattern == "/hash#inword");
        Assert.Equal(["200", "word\\ with\\ spaces"], hash.Directive.Find("return")!.Args);
    }

    [Theory]
    [InlineData("events {\n}\nhttp {\n  server {\n", 5, "unexpected end of file, expecting \"}\"")]
    [InlineData("events {}\n}\n", 2, "unexpected \"}\"")]
    [InlineData("events {}\nworker_processes 2\n", 3, "unexpected end of file, expecting \";\" or \"}\"")]
    [InlineData("http {\n  server_name \"a\"b;\n}\n", 2, "unexpected \"b\" after a quoted string")]
    [InlineData("http {\n  ;\n}\n", 2, "unexpected \";\"")]
    [InlineData("http {\n  server;\n}\n", 2, "directive \"server\" has no opening \"{\"")]
    [InlineData("http {\n  return 200 \"open\n}\n", 4, "unexpected end of file in a quoted string that starts on line 2")]
    [InlineData("http {\n  include;\n}\n", 2, "invalid number of arguments in \"include\" directive")]
    public void ParseText_SyntaxError_NamesFileLineAndProblem(string text, int line, string message)
    {
        var result = NginxConfigParser.ParseText(text, "site.conf");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("site.conf", line, message), (error.File, error.Line, error.Message));
        Assert.Equal($"site.conf:{line}: {message}", error.ToString());
    }

    [Fact]
    public void ParseText_NginxTOutput_SplitsTheFilesAndResolvesIncludesAmongThem()
    {
        // The shape nginx -T prints (stderr lines first when 2>&1 was used): each file after its header, plus one LF.
        const string dump = """
            nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
            nginx: configuration file /etc/nginx/nginx.conf test is successful
            # configuration file /etc/nginx/nginx.conf:
            events {}
            http {
                include conf.d/*.conf;
            }

            # configuration file /etc/nginx/conf.d/b.conf:
            server {
                listen 81;
                location / { proxy_pass http://127.0.0.1:9002; }
            }

            # configuration file /etc/nginx/conf.d/a.conf:
            # first by name
            server {
                listen 80;
            }

            """;

        var model = ConfigFixtures.LoadText(dump);

        Assert.Equal(["/etc/nginx/nginx.conf", "/etc/nginx/conf.d/a.conf", "/etc/nginx/conf.d/b.conf"], model.Files);
        Assert.Equal([("/etc/nginx/conf.d/a.conf", 2), ("/etc/nginx/conf.d/b.conf", 1)], model.Servers.Select(s => (s.Directive.File, s.Directive.Line)));
        var pass = Assert.Single(model.Targets);
        Assert.Equal("/etc/nginx/conf.d/b.conf:3", pass.Directive.Where);
    }

    [Fact]
    public void ParseText_DumpWithoutAnIncludedFile_SaysWhichIncludeAndWhere()
    {
        const string dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n}\n\n";

        var result = NginxConfigParser.ParseText(dump);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("/etc/nginx/nginx.conf", 3), (error.File, error.Line));
        Assert.Contains("/etc/nginx/mime.types", error.Message, StringComparison.Ordinal);
        Assert.Contains("nginx -T", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_SingleFileWithIncludes_WarnsAndGoesOn()
    {
        var result = NginxConfigParser.ParseText("events {}\nhttp {\n  include mime.types;\n  server { listen 80; }\n}\n");

        Assert.True(result.Succeeded);
        Assert.Single(result.Model!.Servers);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(3, warning.Line);
    }

    [Fact]
    public void ParseFile_IncludesAndGlobs_ResolveRelativeToTheMainFileInSortedOrder()
    {
        var main = ConfigFixtures.MainFile("api-gateway");
        var model = ConfigFixtures.Load("api-gateway");
        var root = Path.GetDirectoryName(main)!;

        Assert.Equal(
            [main, root + "/conf.d/proxy.conf", root + "/conf.d/upstreams.conf", root + "/sites-enabled/admin.example.com", root + "/sites-enabled/api.example.com"],
            model.Files);
        var orders = model.FindUpstream("orders_v1")!;
        Assert.Equal(root + "/conf.d/upstreams.conf", orders.Directive.File);
        Assert.Equal(1, orders.Directive.Line);
        Assert.Equal(["127.0.0.1:9001", "127.0.0.1:9002"], orders.Servers.Select(s => s.Address));
        Assert.Equal(0, orders.Servers[1].MaxFails);

        // Directives of an included file sit where the include was: conf.d/proxy.conf's are http-level.
        var timeout = model.Http!.Find("proxy_read_timeout")!;
        Assert.Equal(root + "/conf.d/proxy.conf:3", timeout.Where);
    }

    [Fact]
    public void ParseFile_CopiedWithoutAnIncludedFile_WarnsAndReadsTheRest()
    {
        // An nginx.conf copied out of its machine without the mime.types beside it.
        var directory = Directory.CreateTempSubdirectory("nginx-conf-");
        try
        {
            var main = Path.Combine(directory.FullName, "nginx.conf");
            File.WriteAllText(main, "events {}\nhttp {\n  include mime.types;\n  upstream backend { server 127.0.0.1:8081; server 127.0.0.1:8082; }\n  server { listen 80; location / { proxy_pass http://backend; } }\n}\n");

            var result = NginxConfigParser.ParseFile(main);

            Assert.True(result.Succeeded);
            Assert.Equal(2, result.Model!.FindUpstream("backend")!.Servers.Count);
            var warning = Assert.Single(result.Warnings);
            Assert.Equal((3, true), (warning.Line, warning.Message.Contains("mime.types", StringComparison.Ordinal)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ParseFile_MissingFile_IsAnErrorNotAnException()
    {
        var result = NginxConfigParser.ParseFile(Path.Combine(ConfigFixtures.Root, "no-such", "nginx.conf"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(0, error.Line);
        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseText_OpenRestyLuaBlock_IsSkippedAsCode()
    {
        // ingress-nginx's real output has Lua blocks (OpenResty only, so not a fixture nginx-light's nginx -t could check).
        var model = ConfigFixtures.LoadText("""
            http {
                upstream upstream_balancer {
                    server 0.0.0.1;
                    balancer_by_lua_block {
                        local t = { a = "}" } -- a brace in a string and in a comment }
                        balancer.balance()
                    }
                    keepalive 320;
                }
            }
            """);

        var upstream = Assert.Single(model.Upstreams);
        Assert.NotNull(upstream.Keepalive);
        Assert.Equal(8, upstream.Keepalive!.Line);
    }

    [Fact]
    public void ParseText_BinaryOrRandomInput_NeverThrows()
    {
        Assert.False(NginxConfigParser.ParseText("\0\u0001\u0002binary").Succeeded);
        var random = new Random(42);
        const string alphabet = "abc {};\"'\\#$\n\t ";
        for (var i = 0; i < 2000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(1, 80)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var result = NginxConfigParser.ParseText(text);
            Assert.True(result.Succeeded || result.Errors.Count == 1);
        }
    }
}
