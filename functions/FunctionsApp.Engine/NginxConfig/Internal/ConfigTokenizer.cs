using System.Text;

namespace FunctionsApp.NginxConfig.Internal;

/// <summary>What ended one statement read by <see cref="ConfigTokenizer"/>.</summary>
internal enum StatementEnd
{
    /// <summary><c>name args;</c></summary>
    Semicolon,

    /// <summary><c>name args {</c></summary>
    BlockStart,

    /// <summary><c>}</c></summary>
    BlockEnd,

    EndOfFile,

    Error,
}

/// <summary>
/// Splits one configuration file into statements exactly as nginx's own reader does (ngx_conf_read_token in
/// src/core/ngx_conf_file.c, https://nginx.org/en/docs/beginners_guide.html#conf_structure): words separated by
/// white space, <c>"…"</c> and <c>'…'</c> quoting, <c>\</c> escapes (<c>\"</c>, <c>\'</c>, <c>\\</c>, <c>\t</c>,
/// <c>\r</c>, <c>\n</c>), <c>#</c> comments only where a word could start, <c>${var}</c> whose brace does not open a
/// block, and a closing quote that must be followed by a space, <c>;</c>, <c>{</c> or <c>)</c>.
/// </summary>
internal sealed class ConfigTokenizer(string text, string file)
{
    private int _pos;
    private int _line = 1;

    public string File => file;

    public int Line => _line;

    /// <summary>Reads the next statement's words into <paramref name="args"/>.</summary>
    /// <param name="args">Cleared, then filled with the statement's words.</param>
    /// <param name="line">The line of the first word (or of the <c>}</c>, or where the error is).</param>
    /// <param name="error">The message when the result is <see cref="StatementEnd.Error"/>.</param>
    public StatementEnd Next(List<string> args, out int line, out string error)
    {
        args.Clear();
        error = string.Empty;
        line = _line;
        var lastSpace = true;
        var needSpace = false;
        var sharpComment = false;
        var quoted = false;
        var singleQuoted = false;
        var doubleQuoted = false;
        var variable = false;
        var start = 0;
        var wordLine = _line;

        while (true)
        {
            if (_pos >= text.Length)
            {
                if (args.Count > 0 || !lastSpace)
                {
                    line = _line;
                    error = singleQuoted || doubleQuoted
                        ? $"unexpected end of file in a quoted string that starts on line {wordLine}"
                        : "unexpected end of file, expecting \";\" or \"}\"";
                    return StatementEnd.Error;
                }

                line = _line;
                return StatementEnd.EndOfFile;
            }

            var ch = text[_pos++];
            if (ch == '\n')
            {
                _line++;
                sharpComment = false;
            }

            if (sharpComment)
            {
                continue;
            }

            if (quoted)
            {
                quoted = false;
                continue;
            }

            if (needSpace)
            {
                if (ch is ' ' or '\t' or '\r' or '\n')
                {
                    lastSpace = true;
                    needSpace = false;
                    continue;
                }

                if (ch == ';')
                {
                    return StatementEnd.Semicolon;
                }

                if (ch == '{')
                {
                    return StatementEnd.BlockStart;
                }

                if (ch == ')')
                {
                    lastSpace = true;
                    needSpace = false;
                }
                else
                {
                    line = _line;
                    error = $"unexpected \"{Printable(ch)}\" after a quoted string";
                    return StatementEnd.Error;
                }
            }

            if (lastSpace)
            {
                start = _pos - 1;
                wordLine = _line;
                if (ch is ' ' or '\t' or '\r' or '\n')
                {
                    continue;
                }

                switch (ch)
                {
                    case ';' or '{':
                        if (args.Count == 0)
                        {
                            line = _line;
                            error = $"unexpected \"{ch}\"";
                            return StatementEnd.Error;
                        }

                        return ch == '{' ? StatementEnd.BlockStart : StatementEnd.Semicolon;
                    case '}':
                        line = _line;
                        if (args.Count != 0)
                        {
                            error = "unexpected \"}\"";
                            return StatementEnd.Error;
                        }

                        return StatementEnd.BlockEnd;
                    case '#':
                        sharpComment = true;
                        continue;
                    case '\\':
                        quoted = true;
                        lastSpace = false;
                        continue;
                    case '"':
                        start++;
                        doubleQuoted = true;
                        lastSpace = false;
                        continue;
                    case '\'':
                        start++;
                        singleQuoted = true;
                        lastSpace = false;
                        continue;
                    case '$':
                        variable = true;
                        lastSpace = false;
                        continue;
                    default:
                        lastSpace = false;
                        continue;
                }
            }

            // Inside a word: "${" does not open a block.
            if (ch == '{' && variable)
            {
                continue;
            }

            variable = false;
            if (ch == '\\')
            {
                quoted = true;
                continue;
            }

            if (ch == '$')
            {
                variable = true;
                continue;
            }

            var found = false;
            if (doubleQuoted)
            {
                if (ch == '"')
                {
                    doubleQuoted = false;
                    needSpace = true;
                    found = true;
                }
            }
            else if (singleQuoted)
            {
                if (ch == '\'')
                {
                    singleQuoted = false;
                    needSpace = true;
                    found = true;
                }
            }
            else if (ch is ' ' or '\t' or '\r' or '\n' or ';' or '{')
            {
                lastSpace = true;
                found = true;
            }

            if (!found)
            {
                continue;
            }

            if (args.Count == 0)
            {
                line = wordLine;
            }

            args.Add(Unescape(start, _pos - 1));
            if (ch == ';')
            {
                return StatementEnd.Semicolon;
            }

            if (ch == '{')
            {
                return StatementEnd.BlockStart;
            }
        }
    }

    /// <summary>
    /// Skips the body of an OpenResty <c>*_by_lua_block { … }</c>: Lua code, not nginx syntax. Counts braces outside
    /// Lua strings and comments, as the lua-nginx-module's own reader does. Returns false at end of file.
    /// </summary>
    public bool SkipLuaBlock()
    {
        var depth = 1;
        while (_pos < text.Length)
        {
            var ch = text[_pos++];
            switch (ch)
            {
                case '\n':
                    _line++;
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        return true;
                    }

                    break;
                case '"' or '\'':
                    while (_pos < text.Length && text[_pos] != ch)
                    {
                        if (text[_pos] == '\\')
                        {
                            _pos++;
                        }
                        else if (text[_pos] == '\n')
                        {
                            _line++;
                        }

                        _pos++;
                    }

                    _pos++;
                    break;
                case '-' when _pos < text.Length && text[_pos] == '-':
                    while (_pos < text.Length && text[_pos] != '\n')
                    {
                        _pos++;
                    }

                    break;
            }
        }

        return false;
    }

    private string Unescape(int from, int to)
    {
        var span = text.AsSpan(from, to - from);
        if (!span.Contains('\\'))
        {
            return span.ToString();
        }

        var builder = new StringBuilder(span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i] == '\\' && i + 1 < span.Length)
            {
                switch (span[i + 1])
                {
                    case '"' or '\'' or '\\':
                        builder.Append(span[i + 1]);
                        i++;
                        continue;
                    case 't':
                        builder.Append('\t');
                        i++;
                        continue;
                    case 'r':
                        builder.Append('\r');
                        i++;
                        continue;
                    case 'n':
                        builder.Append('\n');
                        i++;
                        continue;
                }
            }

            builder.Append(span[i]);
        }

        return builder.ToString();
    }

    private static string Printable(char ch) => char.IsControl(ch) ? $"\\x{(int)ch:x2}" : ch.ToString();
}
