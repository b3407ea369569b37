namespace FunctionsApp.NginxConfig;

/// <summary>
/// Where nginx handles one request: the <c>server</c>, the <c>location</c> (after nginx's matching rules and any
/// <c>try_files</c> fallback), and the upstream it passes to, with the settings in effect there.
/// </summary>
public sealed class ConfigRoute
{
    internal ConfigRoute(NginxConfigModel model, ServerBlock server, LocationBlock? location, PassTarget? target, IReadOnlyList<ConfigDirective> via)
    {
        Model = model;
        Server = server;
        Location = location;
        Target = target;
        Via = via;
    }

    public NginxConfigModel Model { get; }

    public ServerBlock Server { get; }

    /// <summary>The location that handles the request; null when no location matches (the server's own settings apply).</summary>
    public LocationBlock? Location { get; }

    /// <summary>The upstream the request is passed to; null when the location serves files or returns by itself.</summary>
    public PassTarget? Target { get; }

    /// <summary>Internal redirects followed on the way (<c>try_files … /index.php</c>, <c>try_files … @app</c>).</summary>
    public IReadOnlyList<ConfigDirective> Via { get; }

    /// <summary>The innermost block whose settings apply.</summary>
    public ConfigDirective Context => Location?.Directive ?? Server.Directive;

    /// <summary>A directive's value where this request is handled, inherited from enclosing blocks, else the default.</summary>
    public EffectiveSetting Effective(string name) => Model.Effective(Context, name);

    /// <summary>A directive of the target's module: <c>ModuleSetting("read_timeout")</c> is <c>proxy_read_timeout</c> for
    /// <c>proxy_pass</c> and <c>fastcgi_read_timeout</c> for <c>fastcgi_pass</c>.</summary>
    public EffectiveSetting ModuleSetting(string suffix) => Effective((Target?.Module ?? "proxy") + "_" + suffix);

    /// <summary>One line for a report: <c>server api.example.com (a.conf:3) → location /v1/ (a.conf:9) → proxy_pass http://api (a.conf:10)</c>.</summary>
    public string Describe()
    {
        var parts = new List<string> { $"server {Server.DisplayName} ({Server.Directive.Where})" };
        if (Location is not null)
        {
            parts.Add($"{Location.Display} ({Location.Directive.Where})");
        }

        foreach (var step in Via)
        {
            parts.Add($"{step} ({step.Where})");
        }

        if (Target is not null)
        {
            parts.Add($"{Target.Directive.Name} {Target.Directive.Arg0} ({Target.Directive.Where})");
            if (Target.Group is { } group)
            {
                parts.Add($"upstream {group.Name} ({group.Directive.Where})");
            }
        }

        return string.Join(" → ", parts);
    }
}
