using System.Globalization;

namespace FunctionsApp.NginxConfig;

/// <summary>One <c>listen</c> of a server: address, port, and whether it is the default server for them.</summary>
public sealed record ListenAddress(string Address, int Port, bool DefaultServer, bool Ssl, ConfigDirective? Directive)
{
    /// <summary>A server without <c>listen</c> listens on *:80 (nginx run as root; 8000 otherwise).</summary>
    public static ListenAddress Implicit { get; } = new("*", 80, false, false, null);

    internal static ListenAddress Parse(ConfigDirective directive)
    {
        var spec = directive.Arg0;
        var isDefault = directive.Args.Skip(1).Any(a => a is "default_server" or "default");
        var ssl = directive.Args.Skip(1).Contains("ssl");
        if (spec.StartsWith("unix:", StringComparison.Ordinal))
        {
            return new ListenAddress(spec, 0, isDefault, ssl, directive);
        }

        string address;
        string? port;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf(']', StringComparison.Ordinal);
            address = close > 0 ? spec[..(close + 1)] : spec;
            port = close > 0 && close + 1 < spec.Length && spec[close + 1] == ':' ? spec[(close + 2)..] : null;
        }
        else if (spec.LastIndexOf(':') is var colon and > 0)
        {
            address = spec[..colon];
            port = spec[(colon + 1)..];
        }
        else if (spec.All(char.IsAsciiDigit))
        {
            address = "*";
            port = spec;
        }
        else
        {
            address = spec;
            port = null;
        }

        var number = port is not null && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 80;
        return new ListenAddress(address, number, isDefault, ssl, directive);
    }
}
