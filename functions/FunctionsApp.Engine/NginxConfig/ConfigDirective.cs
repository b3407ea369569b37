namespace FunctionsApp.NginxConfig;

/// <summary>
/// One nginx directive as nginx reads it: a name, its arguments (quotes removed, escapes applied), an optional block,
/// and where it was written. Directives from an <c>include</c>d file keep that file's name and line.
/// </summary>
public sealed class ConfigDirective
{
    private readonly List<ConfigDirective> _children = [];

    internal ConfigDirective(string name, IReadOnlyList<string> args, string file, int line, bool hasBlock, ConfigDirective? parent)
    {
        Name = name;
        Args = args;
        File = file;
        Line = line;
        HasBlock = hasBlock;
        Parent = parent;
    }

    public string Name { get; }

    /// <summary>The arguments after the name, as nginx sees them (<c>"a b"</c> is one argument <c>a b</c>).</summary>
    public IReadOnlyList<string> Args { get; }

    public string File { get; }

    public int Line { get; }

    /// <summary>Whether the directive has a <c>{ }</c> block (possibly empty).</summary>
    public bool HasBlock { get; }

    /// <summary>The directives inside the block, includes expanded in place.</summary>
    public IReadOnlyList<ConfigDirective> Children => _children;

    /// <summary>The enclosing block's directive; null at the top level of the main file.</summary>
    public ConfigDirective? Parent { get; }

    /// <summary><c>file:line</c>, the way nginx names a place in its configuration.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>The first argument, or an empty string.</summary>
    public string Arg0 => Args.Count > 0 ? Args[0] : string.Empty;

    internal void Add(ConfigDirective child) => _children.Add(child);

    /// <summary>The directive as one line of nginx configuration (arguments quoted when they need it), for reports.</summary>
    public override string ToString()
    {
        var text = Args.Count == 0 ? Name : Name + " " + string.Join(' ', Args.Select(Quote));
        return HasBlock ? text + " { … }" : text + ";";
    }

    /// <summary>The children named <paramref name="name"/>, in order.</summary>
    public IEnumerable<ConfigDirective> All(string name) => _children.Where(c => c.Name == name);

    /// <summary>The last child named <paramref name="name"/> (nginx rejects most duplicates; where it allows them the last wins).</summary>
    public ConfigDirective? Find(string name)
    {
        for (var i = _children.Count - 1; i >= 0; i--)
        {
            if (_children[i].Name == name)
            {
                return _children[i];
            }
        }

        return null;
    }

    internal static string Quote(string arg)
    {
        if (arg.Length > 0 && !arg.AsSpan().ContainsAny(" \t\r\n;{}\"'\\#"))
        {
            return arg;
        }

        return "\"" + arg.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
