using System.Text;
using System.Text.RegularExpressions;

namespace FunctionsApp.NginxConfig.Internal;

/// <summary>Where the parser finds the main file and the files it <c>include</c>s.</summary>
internal abstract class ConfigFiles
{
    /// <summary>Largest file read, and largest total: a configuration is text of kilobytes, not gigabytes.</summary>
    public const int MaxFileChars = 8 * 1024 * 1024;

    public const long MaxTotalChars = 32L * 1024 * 1024;

    public abstract string MainFile { get; }

    /// <summary>nginx's configuration prefix: the main file's directory, against which relative includes resolve.</summary>
    public string Prefix => Path.GetDirectoryName(MainFile) is { Length: > 0 } directory ? directory : ".";

    /// <summary>Reads one file; null with <paramref name="error"/> set when it cannot.</summary>
    public abstract string? Read(string path, out string error);

    /// <summary>The files a glob names, sorted as glob(3) sorts them.</summary>
    public abstract IReadOnlyList<string> Glob(string pattern);

    /// <summary>The files read so far, in the order nginx opens them.</summary>
    public List<string> Opened { get; } = [];

    /// <summary>An include's argument as nginx resolves it: absolute, or relative to <see cref="Prefix"/>.</summary>
    public string Resolve(string name) =>
        name.StartsWith('/') ? name : Normalize(Prefix == "." ? name : Prefix + "/" + name);

    public static bool IsGlob(string path) => path.AsSpan().IndexOfAny("*?[") >= 0;

    /// <summary>Collapses <c>//</c> and <c>./</c> so that the same file has one name.</summary>
    public static string Normalize(string path)
    {
        var absolute = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        var joined = string.Join('/', parts);
        return absolute ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>A glob pattern as a regular expression over whole paths: <c>*</c> and <c>?</c> never match <c>/</c>
    /// nor a leading dot of a name (as glob(3) without GLOB_PERIOD).</summary>
    protected static Regex GlobRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        var nameStart = true;
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '*':
                    regex.Append(nameStart ? "(?:[^/.][^/]*)?" : "[^/]*");
                    break;
                case '?':
                    regex.Append(nameStart ? "[^/.]" : "[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..close];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(ch.ToString()));
                    break;
            }

            nameStart = ch == '/';
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}

/// <summary>Files on disk: <c>analyze --nginx-config /etc/nginx/nginx.conf</c>.</summary>
internal sealed class DiskConfigFiles(string mainFile) : ConfigFiles
{
    public override string MainFile { get; } = Normalize(mainFile);

    public override string? Read(string path, out string error)
    {
        error = string.Empty;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = Directory.Exists(path) ? "is a directory, not a file" : "no such file";
                return null;
            }

            if (info.Length > MaxFileChars)
            {
                error = $"is {info.Length} bytes; configuration files over {MaxFileChars} bytes are not read";
                return null;
            }

            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = "cannot be read: " + e.Message;
            return null;
        }
    }

    public override IReadOnlyList<string> Glob(string pattern)
    {
        var regex = GlobRegex(pattern);

        // The directory part up to the first wildcard is fixed; enumerate below it.
        var firstWild = pattern.AsSpan().IndexOfAny("*?[");
        var root = pattern[..(pattern.LastIndexOf('/', firstWild) is var slash and >= 0 ? slash : 0)];
        if (root.Length == 0)
        {
            root = pattern.StartsWith('/') ? "/" : ".";
        }

        if (!Directory.Exists(root))
        {
            return [];
        }

        var depth = pattern.Count(c => c == '/') - root.Count(c => c == '/');
        try
        {
            return [.. Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = depth > 1, MaxRecursionDepth = Math.Max(0, depth - 1), IgnoreInaccessible = true, AttributesToSkip = 0 })
                .Select(f => root == "." && !pattern.StartsWith("./", StringComparison.Ordinal) ? f[2..] : f)
                .Where(f => regex.IsMatch(f))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

/// <summary>
/// The sections of <c>nginx -T</c>'s output: every file nginx read, each after a line
/// <c># configuration file PATH:</c> and followed by one extra line feed.
/// </summary>
internal sealed class DumpConfigFiles : ConfigFiles
{
    private const string Header = "# configuration file ";

    private readonly Dictionary<string, string> _files;

    private DumpConfigFiles(string mainFile, Dictionary<string, string> files)
    {
        MainFile = mainFile;
        _files = files;
    }

    public override string MainFile { get; }

    /// <summary>The files in the dump, in dump order.</summary>
    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>Whether <paramref name="text"/> looks like <c>nginx -T</c> output: its first line that is not one of
    /// nginx's own messages (<c>nginx: …</c>, when stderr was captured too) is a section header.</summary>
    public static bool IsDump(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.IsWhiteSpace() || trimmed.StartsWith("nginx: "))
            {
                continue;
            }

            return IsHeader(trimmed, out _);
        }

        return false;
    }

    public static DumpConfigFiles Split(string text)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        string? main = null;
        string? current = null;
        var content = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            var lineEnd = end < 0 ? text.Length : end;
            var line = text.AsSpan(position, lineEnd - position).TrimEnd('\r');
            if (IsHeader(line, out var path))
            {
                Flush();
                current = path;
                main ??= path;
            }
            else if (current is not null)
            {
                content.Append(text, position, (end < 0 ? text.Length : end + 1) - position);
            }

            position = end < 0 ? text.Length : end + 1;
        }

        Flush();
        return new DumpConfigFiles(main ?? "nginx.conf", files);

        void Flush()
        {
            if (current is null)
            {
                return;
            }

            // nginx writes one line feed after each file's contents.
            if (content.Length > 0 && content[^1] == '\n')
            {
                content.Length--;
            }

            // A file that appears twice (it cannot, but a hand-edited dump might) keeps its first contents.
            files.TryAdd(current, content.ToString());
            content.Clear();
        }
    }

    public override string? Read(string path, out string error)
    {
        if (_files.TryGetValue(path, out var text))
        {
            error = string.Empty;
            return text;
        }

        error = "is not in the nginx -T output (run nginx -T on the server and send its whole output)";
        return null;
    }

    public override IReadOnlyList<string> Glob(string pattern)
    {
        var regex = GlobRegex(pattern);
        return [.. _files.Keys.Where(f => regex.IsMatch(f)).Order(StringComparer.Ordinal)];
    }

    private static bool IsHeader(ReadOnlySpan<char> line, out string path)
    {
        path = string.Empty;
        if (!line.StartsWith(Header) || !line.EndsWith(":") || line.Length <= Header.Length + 1)
        {
            return false;
        }

        path = line[Header.Length..^1].ToString();
        return true;
    }
}

/// <summary>One text with no includes resolvable: a configuration pasted or sent without <c>nginx -T</c>.</summary>
internal sealed class SingleTextConfigFiles(string name, string text) : ConfigFiles
{
    public override string MainFile => name;

    public override string? Read(string path, out string error)
    {
        if (path == name)
        {
            error = string.Empty;
            return text;
        }

        error = "is not available: send the output of nginx -T, which holds every included file";
        return null;
    }

    public override IReadOnlyList<string> Glob(string pattern) => [];
}
