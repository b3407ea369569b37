using System.Text.RegularExpressions;

namespace FunctionsApp.NginxConfig;

/// <summary>A <c>location</c> block: its modifier (<c>=</c>, <c>^~</c>, <c>~</c>, <c>~*</c>, <c>@</c> or none), its
/// pattern, and the locations nested in it.</summary>
public sealed class LocationBlock
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    internal LocationBlock(ConfigDirective directive, LocationBlock? parent)
    {
        Directive = directive;
        Parent = parent;
        var args = directive.Args;
        if (args.Count >= 2)
        {
            Modifier = args[0];
            Pattern = args[1];
        }
        else if (args.Count == 1)
        {
            // "location =/x", "location ~^/x" and "location @name" are written without a space too.
            var arg = args[0];
            (Modifier, Pattern) = arg switch
            {
                _ when arg.StartsWith('@') => ("@", arg),
                _ when arg.StartsWith("~*", StringComparison.Ordinal) => ("~*", arg[2..]),
                _ when arg.StartsWith("^~", StringComparison.Ordinal) => ("^~", arg[2..]),
                _ when arg.StartsWith('=') => ("=", arg[1..]),
                _ when arg.StartsWith('~') => ("~", arg[1..]),
                _ => ("", arg),
            };
        }
        else
        {
            Pattern = string.Empty;
        }

        if (IsRegex)
        {
            try
            {
                Regex = new Regex(Pattern, RegexOptions.CultureInvariant | (Modifier == "~*" ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);
            }
            catch (ArgumentException e)
            {
                RegexError = e.Message;
            }
        }

        Children = [.. directive.All("location").Select(d => new LocationBlock(d, this))];
    }

    public ConfigDirective Directive { get; }

    public LocationBlock? Parent { get; }

    /// <summary><c>""</c> (prefix), <c>=</c>, <c>^~</c>, <c>~</c>, <c>~*</c> or <c>@</c>.</summary>
    public string Modifier { get; } = string.Empty;

    public string Pattern { get; }

    public bool IsRegex => Modifier is "~" or "~*";

    public bool IsNamed => Modifier == "@";

    /// <summary>The compiled pattern of a regex location; null when the pattern is a PCRE construct .NET lacks.</summary>
    public Regex? Regex { get; }

    public string? RegexError { get; }

    public IReadOnlyList<LocationBlock> Children { get; }

    /// <summary>The location as it is written: <c>location ~* \.php$</c>.</summary>
    public string Display => Modifier.Length == 0 ? $"location {Pattern}" : Modifier == "@" ? $"location {Pattern}" : $"location {Modifier} {Pattern}";

    internal bool RegexMatches(string uri)
    {
        try
        {
            return Regex?.IsMatch(uri) ?? false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
