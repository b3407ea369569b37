using FunctionsApp.NginxConfig.Internal;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// Reads an nginx configuration the way nginx does: the output of <c>nginx -T</c> (every file nginx read, in
/// sections), or a main file on disk whose <c>include</c>s resolve relative to its directory (nginx's configuration
/// prefix), with globs expanded in sorted order. Includes are expanded in place; every directive keeps its own file
/// and line. The first syntax error stops the reading, as it stops nginx, and is reported with file and line.
/// </summary>
public static class NginxConfigParser
{
    private const int MaxIncludeDepth = 32;

    private static readonly HashSet<string> BlockDirectives = new(StringComparer.Ordinal)
    {
        "http", "server", "location", "upstream", "events", "map", "types", "if", "geo", "split_clients",
        "limit_except", "stream", "mail", "match",
    };

    // Blocks whose lines are entries (key value;), not directives: a map key may be called "server".
    private static readonly HashSet<string> ListBlocks = new(StringComparer.Ordinal) { "map", "geo", "types", "split_clients", "charset_map", "match" };

    /// <summary>Parses text: <c>nginx -T</c> output when it has its section headers, else one file named
    /// <paramref name="name"/> (its includes cannot be followed and are reported).</summary>
    public static ConfigParseResult ParseText(string text, string name = "nginx.conf")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return new ConfigParseResult(null, [new ConfigError(name, 0, "is binary data, not an nginx configuration")], []);
        }

        ConfigFiles files = DumpConfigFiles.IsDump(text) ? DumpConfigFiles.Split(text) : new SingleTextConfigFiles(name, text);
        return Parse(files);
    }

    /// <summary>Parses a main file on disk, or <c>nginx -T</c> output saved to a file.</summary>
    public static ConfigParseResult ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var disk = new DiskConfigFiles(path);
        var text = disk.Read(disk.MainFile, out var error);
        if (text is null)
        {
            return new ConfigParseResult(null, [new ConfigError(path, 0, error)], []);
        }

        return DumpConfigFiles.IsDump(text) ? Parse(DumpConfigFiles.Split(text)) : Parse(disk);
    }

    private static ConfigParseResult Parse(ConfigFiles files)
    {
        var state = new ParseState(files);
        var root = new ConfigDirective("", [], files.MainFile, 0, hasBlock: true, parent: null);
        var text = files.Read(files.MainFile, out var readError);
        if (text is null)
        {
            return new ConfigParseResult(null, [new ConfigError(files.MainFile, 0, readError)], []);
        }

        files.Opened.Add(files.MainFile);
        state.TotalChars = text.Length;
        var error = ParseFile(state, new ConfigTokenizer(text, files.MainFile), root, depth: 0);
        if (error is not null)
        {
            return new ConfigParseResult(null, [error], state.Warnings);
        }

        return new ConfigParseResult(new NginxConfigModel(root, [.. files.Opened]), [], state.Warnings);
    }

    private static ConfigError? ParseFile(ParseState state, ConfigTokenizer tokenizer, ConfigDirective parent, int depth) =>
        ParseBlock(state, tokenizer, parent, depth, inBlock: false);

    private static ConfigError? ParseBlock(ParseState state, ConfigTokenizer tokenizer, ConfigDirective parent, int depth, bool inBlock)
    {
        var args = new List<string>();
        while (true)
        {
            var end = tokenizer.Next(args, out var line, out var message);
            switch (end)
            {
                case StatementEnd.Error:
                    return new ConfigError(tokenizer.File, line, message);
                case StatementEnd.EndOfFile:
                    return inBlock ? new ConfigError(tokenizer.File, line, "unexpected end of file, expecting \"}\"") : null;
                case StatementEnd.BlockEnd:
                    return inBlock ? null : new ConfigError(tokenizer.File, line, "unexpected \"}\"");
            }

            var name = args[0];
            var rest = args.Count > 1 ? args.GetRange(1, args.Count - 1).ToArray() : [];
            var isBlock = end == StatementEnd.BlockStart;
            if (name == "include" && !isBlock)
            {
                var includeError = Include(state, tokenizer.File, line, rest, parent, depth);
                if (includeError is not null)
                {
                    return includeError;
                }

                continue;
            }

            // "server" is a block in http, stream and mail, but a plain directive in upstream.
            if (BlockDirectives.Contains(name) && !isBlock && !ListBlocks.Contains(parent.Name) && (name != "server" || parent.Name is "http" or "stream" or "mail"))
            {
                return new ConfigError(tokenizer.File, line, $"directive \"{name}\" has no opening \"{{\"");
            }

            var directive = new ConfigDirective(name, rest, tokenizer.File, line, isBlock, parent);
            parent.Add(directive);
            if (!isBlock)
            {
                continue;
            }

            if (name.EndsWith("_by_lua_block", StringComparison.Ordinal))
            {
                if (!tokenizer.SkipLuaBlock())
                {
                    return new ConfigError(tokenizer.File, tokenizer.Line, $"unexpected end of file in the \"{name}\" block that starts on line {line}");
                }

                continue;
            }

            var blockError = ParseBlock(state, tokenizer, directive, depth, inBlock: true);
            if (blockError is not null)
            {
                return blockError;
            }
        }
    }

    private static ConfigError? Include(ParseState state, string file, int line, string[] args, ConfigDirective parent, int depth)
    {
        if (args.Length != 1)
        {
            return new ConfigError(file, line, "invalid number of arguments in \"include\" directive");
        }

        if (depth >= MaxIncludeDepth)
        {
            return new ConfigError(file, line, $"includes nested more than {MaxIncludeDepth} deep (does a file include itself?)");
        }

        var files = state.Files;
        var target = files.Resolve(args[0]);
        IReadOnlyList<string> paths;
        if (ConfigFiles.IsGlob(target))
        {
            // A glob that matches nothing is not an error for nginx either.
            paths = files.Glob(target);
        }
        else
        {
            paths = [target];
        }

        foreach (var path in paths)
        {
            var text = files.Read(path, out var readError);
            if (text is null)
            {
                // A dump (nginx -T) holds every file nginx read: one missing is a dump cut short. A pasted file, or one
                // copied out of its machine without what it includes (mime.types, fastcgi_params, which route nothing),
                // is read without them: nginx would stop here, the analysis goes on and says so.
                if (files is DumpConfigFiles)
                {
                    return new ConfigError(file, line, $"include {path}: {readError}");
                }

                state.Warnings.Add(new ConfigError(file, line, files is SingleTextConfigFiles
                    ? $"include {args[0]}: {readError}"
                    : $"include {path}: {readError}; what it defines is not known here"));
                continue;
            }

            state.TotalChars += text.Length;
            if (state.TotalChars > ConfigFiles.MaxTotalChars)
            {
                return new ConfigError(file, line, $"the configuration exceeds {ConfigFiles.MaxTotalChars} characters with {path}");
            }

            if (!files.Opened.Contains(path))
            {
                files.Opened.Add(path);
            }

            var error = ParseFile(state, new ConfigTokenizer(text, path), parent, depth + 1);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private sealed class ParseState(ConfigFiles files)
    {
        public ConfigFiles Files { get; } = files;

        public List<ConfigError> Warnings { get; } = [];

        public long TotalChars { get; set; }
    }
}

/// <summary>The outcome of reading a configuration: the model, or the error that stopped the reading.</summary>
/// <param name="Model">Null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">The syntax or file error that stopped the reading (nginx stops at the first, so do we).</param>
/// <param name="Warnings">Things that did not stop the reading, such as includes a pasted single file cannot resolve.</param>
public sealed record ConfigParseResult(NginxConfigModel? Model, IReadOnlyList<ConfigError> Errors, IReadOnlyList<ConfigError> Warnings)
{
    public bool Succeeded => Model is not null;
}
