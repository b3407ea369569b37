using System.Globalization;
using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Infers a text <c>log_format</c> from sample lines nobody described. Each line is cut into tokens — quoted
/// strings, <c>[bracketed]</c> values and bare runs — between literal separators (spaces, <c>|</c>, tabs,
/// <c>;</c>, commas, <c>key=</c>); the lines that share the most common layout are lined up position by position,
/// and each position gets the variable its values look like across the sample (<see cref="ValueShapes"/>), helped by
/// the key before it (<c>rt=</c>, <c>status=</c>) and by how nginx's variables relate (upstream times are at most
/// the request time, <c>$status</c> is never <c>-</c> nor a list). Positions nothing identifies become
/// <c>$unknown</c>. The result is an ordinary template compiled like a given one.
/// </summary>
internal static class TextFormatInference
{
    /// <summary>The name of an inferred format in the report.</summary>
    public const string Name = "inferred";

    private const string Unknown = "$unknown";

    /// <summary>Candidate formats for the sample, best layout first; empty when the lines have no usable layout.</summary>
    public static List<AccessLogFormat> Infer(IReadOnlyList<byte[]> sample)
    {
        // A line cut by bars or semicolons is also read word by word, the bars as literal text: a format often joins
        // a preset and fields of its own with a bar, each side holding several space-separated values
        // ('$remote_addr - … "$http_user_agent" | rt=$request_time uct=$upstream_connect_time | $upstream_addr').
        var layouts = new List<Layout>();
        var spaced = new List<Layout>();
        foreach (var bytes in sample)
        {
            var line = Encoding.UTF8.GetString(bytes);
            if (line.Length == 0 || line.Length >= 16 * 1024 || line.TrimStart().StartsWith('{'))
            {
                continue;
            }

            var delimiter = ChooseDelimiter(line);
            if (Tokenize(line, delimiter) is { } layout)
            {
                layouts.Add(layout);
            }

            if (delimiter is '|' or ';' && Tokenize(line, ' ') is { } words)
            {
                spaced.Add(words);
            }
        }

        var result = new List<AccessLogFormat>();
        foreach (var candidates in (ReadOnlySpan<List<Layout>>)[layouts, spaced])
        {
            if (candidates.Count == 0)
            {
                continue;
            }

            foreach (var group in Groups(candidates))
            {
                if (BuildTemplate(group) is { } template && AccessLogFormat.TryCompileInferred(template, out var format)
                    && !result.Exists(f => f.Definition == format.Definition))
                {
                    result.Add(format);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The layouts to build templates from: the most common one, the second when common too, and, when lines differ
    /// in their tails (an unquoted value with spaces near the end), the longest head most lines share.
    /// </summary>
    private static IEnumerable<List<Layout>> Groups(List<Layout> layouts)
    {
        var bySkeleton = layouts.GroupBy(l => l.Skeleton, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ToList();
        var secondCommon = bySkeleton.Count > 1 && bySkeleton[1].Count() * 5 >= layouts.Count;
        yield return [.. bySkeleton[0]];
        if (secondCommon)
        {
            yield return [.. bySkeleton[1]];
        }

        // nginx's lines among a platform's own (`fly logs`, a runtime's stream of its own lines and the app's): the
        // commonest layout whose lines hold a quoted request line, however few.
        var rarer = bySkeleton.Count > 1 && !secondCommon ? bySkeleton.Skip(2).Append(bySkeleton[1]) : bySkeleton.Skip(2);
        if (!HoldsRequestLine(bySkeleton[0]) && rarer.Where(HoldsRequestLine).MaxBy(g => g.Count()) is { } requests)
        {
            yield return [.. requests];
        }

        if (bySkeleton[0].Count() * 10 >= layouts.Count * 9)
        {
            yield break;
        }

        var longest = layouts.Max(l => l.Tokens.Count);
        for (var k = longest - 1; k >= 3; k--)
        {
            var heads = layouts.Where(l => l.Tokens.Count > k).GroupBy(l => l.Head(k), StringComparer.Ordinal).OrderByDescending(g => g.Count()).FirstOrDefault();
            if (heads is not null && heads.Count() * 10 >= layouts.Count * 8)
            {
                yield return [.. heads.Select(l => l.Truncate(k))];
                yield break;
            }
        }
    }

    /// <summary>The layout's lines hold a quoted request line (<c>"GET /a HTTP/1.1"</c>), as nginx's access lines do.</summary>
    private static bool HoldsRequestLine(IGrouping<string, Layout> group) =>
        group.First().Tokens.Exists(t => !t.Bare && ValueShapes.Of(t.Value).HasFlag(ValueShape.RequestLine));

    /// <summary>Cuts a line into tokens and the literal text around them.</summary>
    private static Layout? Tokenize(string line, char delimiter)
    {
        // key=value, or key:value (LTSV; labels between other delimiters).
        var assign = '=';
        var keyValue = CountKeys(line, delimiter, assign) >= 3;
        if (!keyValue && CountKeys(line, delimiter, ':') >= 3)
        {
            // LTSV's tab-separated key:value, labels between pipes or semicolons ('| status: $status |'), or between
            // spaces ('status:$status upstream_status:$upstream_status'): times and addresses never start a word with
            // a name and a colon, a label does.
            (keyValue, assign) = (true, ':');
        }

        var literals = new List<string>();
        var tokens = new List<Token>();
        var literal = new StringBuilder();
        var i = 0;
        var bracketEnd = -1; // the ']' of a bracket read as the format's text around several fields
        while (true)
        {
            // Between words, a bar (or an arrow, '-->') is the format's text: no variable is written as one.
            if (delimiter == ' ' && SeparatorWordLength(line, i) is var separator and > 0)
            {
                literal.Append(line, i, separator);
                i += separator;
                if (i >= line.Length)
                {
                    break;
                }

                continue;
            }

            var key = "";
            if (keyValue && KeyLength(line, i, assign) is var keyLength and > 0)
            {
                key = line.Substring(i, keyLength).TrimEnd(' ', assign);
                literal.Append(line, i, keyLength);
                i += keyLength;

                // A label's blanks ('status: 502') are the format's text.
                while (assign == ':' && i < line.Length && line[i] == ' ')
                {
                    literal.Append(' ');
                    i++;
                }
            }

            string value;
            var bare = false;
            if (i < line.Length && line[i] == '"' && delimiter != '"')
            {
                var end = QuoteEnd(line, i + 1);
                if (end < 0)
                {
                    return null;
                }

                literal.Append('"');
                value = line[(i + 1)..end];
                i = end + 1;
                literals.Add(literal.ToString());
                literal.Clear().Append('"');
            }
            else if (i < line.Length && line[i] == '[' && GroupedFields(line, i) is var groupEnd and > 0)
            {
                // Several fields in one bracket ('[$status $body_bytes_sent]', '[rt=$request_time us=$upstream_status]'):
                // the brackets are the format's text, and each word inside is read as a field of its own.
                literal.Append('[');
                i++;
                bracketEnd = groupEnd;
                continue;
            }
            else if (i < line.Length && line[i] == '[' && !IsBracketedAddress(line, i))
            {
                var end = line.IndexOf(']', i + 1);
                if (end < 0)
                {
                    return null;
                }

                literal.Append('[');
                value = line[(i + 1)..end];

                // Several values in one bracket, each after a bar ('[$remote_addr | $time_local]'): each is a field.
                value = FieldsBefore(value.Split(" | "), " | ", bare: false, ref key);
                i = end + 1;
                literals.Add(literal.ToString());
                literal.Clear().Append(']');
            }
            else
            {
                var end = BareEnd(line, i, delimiter);
                end = i < bracketEnd && bracketEnd < end ? bracketEnd : end;
                value = line[i..end].TrimEnd(' ');
                i += value.Length;

                // Times joined by a slash ('$upstream_response_time/$request_time'): each is a field.
                if (value.Contains('/', StringComparison.Ordinal) && value.Split('/') is var times && Array.TrueForAll(times, t => t == "-" || ValueShapes.IsSeconds(t))
                    && Array.Exists(times, t => t != "-"))
                {
                    value = FieldsBefore(times, "/", bare: true, ref key);
                }
                else if (value.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 && ValueShapes.IsSeconds(value[..slash])
                    && (ValueShapes.IsAddress(value[(slash + 1)..]) || ValueShapes.IsIp(value[(slash + 1)..])))
                {
                    // A time and an address joined by a slash ('$upstream_response_time/$upstream_addr'): cut at the
                    // first slash, as a unix socket's path has more. nginx's times always have three decimals, which
                    // no date, path or product version before a slash has.
                    value = FieldsBefore([value[..slash], value[(slash + 1)..]], "/", bare: true, ref key);
                }

                literals.Add(literal.ToString());
                literal.Clear();
                bare = true;
            }

            tokens.Add(new Token(value, key, bare));
            if (i >= line.Length)
            {
                break;
            }

            // Fields glued together, where a format's strings were joined without a space ('[$time_local]' '$host',
            // '$status' '"$http_referer"'): the next field starts right here. nginx escapes a quote inside a value
            // (\x22, or \" with escape=json), so a raw quote is always the format's own.
            if (delimiter != '"' && (line[i] == '"' || (!bare && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '['))))
            {
                continue;
            }

            // A quoted or bracketed field glued to the next by one mark ('[$time_local]:$remote_addr',
            // '"$request"|$status'): the mark is the format's text, and the next field starts right after it.
            if (delimiter == ' ' && !bare && line[i] is ':' or '|' or ',' or ';' or '@' && i + 1 < line.Length
                && (char.IsAsciiLetterOrDigit(line[i + 1]) || line[i + 1] is '[' or '"'))
            {
                literal.Append(line[i]);
                i++;
                continue;
            }

            // The separator: one space, or the delimiter with the spaces around it; other text up to it is literal too.
            var separatorStart = i;
            if (delimiter == ' ')
            {
                var space = line.IndexOf(' ', i);
                if (space < 0)
                {
                    literal.Append(line, i, line.Length - i);
                    break;
                }

                literal.Append(line, i, space + 1 - i);
                i = space + 1;
            }
            else
            {
                var at = TopLevelIndexOf(line, i, delimiter);
                if (at < 0)
                {
                    literal.Append(line, i, line.Length - i);
                    break;
                }

                var end = at + 1;
                while (end < line.Length && line[end] == ' ')
                {
                    end++;
                }

                literal.Append(line, i, end - i);
                i = end;
            }

            if (i == separatorStart)
            {
                return null;
            }
        }

        literals.Add(literal.ToString());
        var layout = new Layout(literals, tokens);
        if (delimiter == ' ')
        {
            layout.MergeSpacedValues();
        }

        return layout.Tokens.Count >= 2 && !layout.Literals.Any(l => l.Contains('$', StringComparison.Ordinal)) ? layout : null;

        // Values one field holds, the separator between them the format's text: each but the last becomes a token of
        // its own (the first with the field's key); the last is returned, for the field's own token.
        string FieldsBefore(string[] parts, string separator, bool bare, ref string key)
        {
            for (var k = 0; k < parts.Length - 1; k++)
            {
                literals.Add(literal.ToString());
                literal.Clear().Append(separator);
                tokens.Add(new Token(parts[k], key, bare));
                key = "";
            }

            return parts[^1];
        }
    }

    /// <summary>
    /// The length of a word of marks only (<c>|</c>, <c>||</c>, <c>--&gt;</c>, <c>::</c>) at <paramref name="i"/> with the
    /// blanks after it, or 0: nginx writes no variable as such a word (a lone <c>-</c> is an empty value, not a mark).
    /// </summary>
    private static int SeparatorWordLength(string line, int i)
    {
        var end = i;
        var marks = 0;
        while (end < line.Length && line[end] is '|' or '>' or '<' or ':' or '=' or '~' or '#' or '*' or '-')
        {
            marks += line[end] == '-' ? 0 : 1;
            end++;
        }

        // A lone colon separates the upstream values of an internal redirect ('502 : 200'): part of the value.
        if (marks == 0 || (end < line.Length && line[end] != ' ') || (end == i + 1 && line[i] == ':'))
        {
            return 0;
        }

        while (end < line.Length && line[end] == ' ')
        {
            end++;
        }

        return end - i;
    }

    /// <summary>Space, or a delimiter the line uses outside quotes and brackets: tab, <c>|</c>, <c>;</c>, or a comma
    /// not followed by a space (a comma and a space separate upstream tries).</summary>
    private static char ChooseDelimiter(string line)
    {
        if (QuotesSeparate(line))
        {
            return '"';
        }

        int tabs = 0, pipes = 0, semicolons = 0, commas = 0, spaces = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                var end = QuoteEnd(line, i + 1);
                if (end < 0)
                {
                    break;
                }

                i = end;
                continue;
            }

            switch (c)
            {
                case '\t': tabs++; break;
                case '|': pipes++; break;
                case ';': semicolons++; break;
                case ',' when i + 1 >= line.Length || line[i + 1] != ' ': commas++; break;
                case ' ': spaces++; break;
            }
        }

        // Semicolons among many more blanks are a value's (a browser's "(X11; Ubuntu; Linux x86_64; rv:109.0)"), not the format's.
        return tabs >= 2 ? '\t' : pipes >= 2 ? '|' : semicolons >= 3 && semicolons * 2 >= spaces ? ';' : commas >= 3 && commas >= spaces ? ',' : ' ';
    }

    /// <summary>
    /// Whether the line's quotes are separators, not quoted values (AWS Elastic Beanstalk's
    /// <c>'$msec"$uri"$status"$request_time"$upstream_response_time"$http_x_forwarded_for'</c>): a format's quotes
    /// around a value open after a separator or close before one, so quotes with value characters right outside
    /// both ends of a pair cut a bare run into fields.
    /// </summary>
    private static bool QuotesSeparate(string line)
    {
        for (var open = line.IndexOf('"', StringComparison.Ordinal); open >= 0;)
        {
            var close = QuoteEnd(line, open + 1);
            if (close < 0)
            {
                return false;
            }

            if (open > 0 && close + 1 < line.Length && IsValueChar(line[open - 1]) && IsValueChar(line[close + 1]))
            {
                return true;
            }

            open = line.IndexOf('"', close + 1);
        }

        return false;

        static bool IsValueChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '/';
    }

    private static int CountKeys(string line, char delimiter, char assign)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                var end = QuoteEnd(line, i + 1);
                if (end < 0)
                {
                    break;
                }

                i = end;
                continue;
            }

            if ((i == 0 || line[i - 1] == delimiter || line[i - 1] == ' ') && KeyLength(line, i, assign) > 0)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The length of <c>name=</c> (or <c>name:</c>, with <paramref name="assign"/> ':') at
    /// <paramref name="i"/>, or 0.</summary>
    private static int KeyLength(string line, int i, char assign)
    {
        if (i >= line.Length || !(char.IsAsciiLetter(line[i]) || line[i] is '_' or '@'))
        {
            return 0;
        }

        var end = i + 1;
        while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] is '_' or '.' or '-' or '@'))
        {
            end++;
        }

        // 'name = value', the pairs JFrog's "timing" format writes ('ip = $remote_addr user = …').
        if (assign == '=' && end + 2 < line.Length && line[end] == ' ' && line[end + 1] == '=' && line[end + 2] == ' ' && end - i <= 40)
        {
            return end - i + 3;
        }

        return end < line.Length && line[end] == assign && end - i <= 40 ? end - i + 1 : 0;
    }

    private static int QuoteEnd(string line, int from)
    {
        for (var i = from; i < line.Length; i++)
        {
            if (line[i] == '\\')
            {
                i++;
            }
            else if (line[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Where the bracket at <paramref name="i"/> closes when it holds several fields, or -1: words separated by spaces
    /// that are not one value with spaces (<c>$time_local</c>, a list of tries, a user agent or other free text) nor
    /// values after bars (read apart already).
    /// </summary>
    private static int GroupedFields(string line, int i)
    {
        var end = line.IndexOf(']', i + 1);
        if (end < 0 || IsBracketedAddress(line, i))
        {
            return -1;
        }

        var content = line[(i + 1)..end];
        var words = content.Split(' ');
        if (words.Length is < 2 or > 8 || content.Contains(" | ", StringComparison.Ordinal) || content.Contains(" : ", StringComparison.Ordinal)
            || ValueShapes.Of(content) != ValueShape.None || content.IndexOfAny(['(', ';', '[']) >= 0
            || Array.Exists(words, w => w.Length == 0 || w.EndsWith(',')))
        {
            return -1;
        }

        return end;
    }

    private static bool IsBracketedAddress(string line, int i)
    {
        // [2001:db8::1]:8080 is an upstream address, not a bracketed field; a time glued to the next field by a colon
        // ('[01/Jul/2020:07:51:59 +0000]:10.0.0.1') has colons inside too, but also a space or a slash, which no address has.
        var close = line.IndexOf(']', i);
        return close > i && close + 1 < line.Length && line[close + 1] == ':' && line[(i + 1)..close] is var inside
            && inside.Contains(':', StringComparison.Ordinal) && inside.AsSpan().IndexOfAny(' ', '/') < 0;
    }

    private static int BareEnd(string line, int i, char delimiter)
    {
        var at = delimiter == ' ' ? line.IndexOf(' ', i) : TopLevelIndexOf(line, i, delimiter);

        // A bare value ends at a raw quote: that is a quoted field glued to it ('$status' '"$http_referer"').
        var quote = delimiter == '"' ? -1 : line.IndexOf('"', i);
        if (quote > i && (at < 0 || quote < at) && line[quote - 1] != '\\')
        {
            return quote;
        }

        if (at < 0)
        {
            return line.Length;
        }

        // Trailing spaces before a non-space delimiter belong to the separator.
        return at;
    }

    private static int TopLevelIndexOf(string line, int from, char delimiter)
    {
        for (var i = from; i < line.Length; i++)
        {
            if (line[i] == delimiter && !(delimiter == ',' && i + 1 < line.Length && line[i + 1] == ' '))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Assigns a variable to every position of a group of lines with the same layout; null when no
    /// position reads as a status.</summary>
    private static string? BuildTemplate(List<Layout> group)
    {
        var first = group[0];
        var count = first.Tokens.Count;
        var positions = new Position[count];
        var keys = new string[count];
        var affixes = new (string Open, string Close)[count];
        for (var p = 0; p < count; p++)
        {
            // A bare 'name=value' among fields of other shapes (too few keys for the line to read as key=value): the
            // key is the format's literal text when every line has it, and it names the field like any key.
            keys[p] = first.Tokens[p] switch
            {
                { Bare: true, Key.Length: 0 } => SharedKey(group, p),
                { Bare: false, Key.Length: 0 } when first.Literals[p].EndsWith('[') => SharedLabel(group, p),
                _ => "",
            };
            affixes[p] = first.Tokens[p].Bare ? SharedAffixes(group, p, keys[p].Length) : ("", "");
            var hint = Hint(first.Literals[p], keys[p].Length > 0 ? keys[p][..^1] : first.Tokens[p].Key);
            if (hint == AccessField.Ignored && p > 0 && first.Literals[p] == " " && Label(group, p - 1) is { Length: > 0 } label)
            {
                // A word every line has before the value names it: 'upstream_response_time $upstream_response_time'.
                hint = Hint("", label);
            }

            positions[p] = new Position(p, hint, first.Tokens[p].Bare);
        }

        // LTSV's labels (ltsv.org): "host" is the client, "vhost" the virtual host. Beside a "vhost", a "host" is $remote_addr.
        var labels = Enumerable.Range(0, count).Select(p => (keys[p].Length > 0 ? keys[p][..^1] : first.Tokens[p].Key).ToLowerInvariant()).ToList();
        if (labels.Contains("vhost") && labels.IndexOf("host") is var client and >= 0)
        {
            positions[client] = new Position(client, AccessField.RemoteAddr, first.Tokens[client].Bare);
        }

        foreach (var layout in group)
        {
            for (var p = 0; p < count; p++)
            {
                var value = layout.Tokens[p].Value;
                positions[p].Add(value[(keys[p].Length + affixes[p].Open.Length)..(value.Length - affixes[p].Close.Length)]);
            }
        }

        var fields = Assign(positions);
        if (!fields.Contains(AccessField.Status))
        {
            return null;
        }

        // Unquoted words at the end that are none of the fields (an unquoted $http_user_agent: "Mozilla/5.0 (X11;
        // Linux x86_64) …", as many words as the browser has): one value to the end of the line, as nginx's last
        // variable is, so that a line whose tail has more or fewer words is read all the same.
        var end = count;
        while (end > 0 && fields[end - 1] == AccessField.Ignored && first.Tokens[end - 1] is { Bare: true, Key.Length: 0 }
            && IsWordBreak(first.Literals[end - 1]) && IsWordBreak(affixes[end - 1].Open) && IsWordBreak(affixes[end - 1].Close))
        {
            end--;
        }

        var tail = count - end >= 2 && IsWordBreak(first.Literals[count]) && first.Literals[end] == " " ? end + 1 : count;
        var template = new StringBuilder();
        for (var p = 0; p < tail; p++)
        {
            template.Append(first.Literals[p]).Append(keys[p]).Append(affixes[p].Open);
            var variable = fields[p] == AccessField.Ignored ? Unknown[1..] : AccessFields.VariableName(fields[p]);
            template.Append(affixes[p].Close is [var next, ..] && (char.IsAsciiLetterOrDigit(next) || next == '_') ? $"${{{variable}}}" : "$" + variable);
            template.Append(affixes[p].Close);
        }

        template.Append(tail == count ? first.Literals[count] : "");
        return template.ToString().TrimEnd();

        // What separates a browser's words: blanks, and the parentheses around its platform.
        static bool IsWordBreak(string literal) => literal.AsSpan().Trim(" ()").IsEmpty;
    }

    /// <summary>
    /// The format's own text around a bare value that every line shares: brackets of a kind the tokenizer does not
    /// group (<c>($upstream_status)</c>, <c>&lt;$upstream_addr&gt;</c>), a comma or colon after it, and a unit glued to a number
    /// (<c>${request_time}s</c>: nginx writes seconds without one). Peeled off, the value is read for what it is.
    /// </summary>
    private static (string Open, string Close) SharedAffixes(List<Layout> group, int position, int keyLength)
    {
        var values = group.ConvertAll(l => l.Tokens[position].Value[keyLength..]);
        var open = 0;
        while (open < values[0].Length && values[0][open] is '(' or '{' or '<' && values.TrueForAll(v => v.Length > open + 1 && v[open] == values[0][open]))
        {
            open++;
        }

        // Closed by the brackets that opened it, and a comma or colon after them ('to: $upstream_addr: $request'; a
        // label, 'to:', stays whole).
        var label = IsLabel(values[0].TrimEnd(':'));
        var closers = new string([.. values[0][..open].Reverse().Select(c => c switch { '(' => ')', '{' => '}', _ => '>' }), ',']) + (label ? "" : ":");
        int close = 0, closed = 0;
        while (close < values[0].Length - open - 1 && values[0][^(close + 1)] is var c && closers.Contains(c)
            && (c is ',' or ':' || closed < open) && values.TrueForAll(v => v.Length > open + close + 1 && v[^(close + 1)] == c))
        {
            close++;
            closed += c is ',' or ':' ? 0 : 1;
        }

        // A unit: one or two letters after a number or a list of them on every line ('-' where nginx had no value).
        var unit = 0;
        while (unit < 2 && values[0].Length - open - close - unit > 1 && char.IsAsciiLetterLower(values[0][^(close + unit + 1)]))
        {
            unit++;
        }

        if (unit > 0)
        {
            var suffix = values[0][^(close + unit)..];
            var numbers = values.TrueForAll(v => v.EndsWith(suffix, StringComparison.Ordinal) && v.Length - open - suffix.Length > 0
                && v[open..^suffix.Length].All(c => char.IsAsciiDigit(c) || c is '.' or '-' or ',' or ' ' or ':'));
            close += numbers ? unit : 0;
        }

        return (values[0][..open], values[0][^close..]);
    }

    /// <summary>
    /// The word and blank every line's bracketed value at <paramref name="position"/> starts with
    /// (<c>[Client $remote_addr]</c>, <c>[Length $body_bytes_sent]</c> in Nginx Proxy Manager's formats), or "". A word
    /// in capitals is left alone: a bracketed request line's method may be the same on every line of a sample.
    /// </summary>
    private static string SharedLabel(List<Layout> group, int position)
    {
        var value = group[0].Tokens[position].Value;
        var length = 0;
        while (length < value.Length && (char.IsAsciiLetter(value[length]) || (length > 0 && value[length] is '-' or '_')))
        {
            length++;
        }

        if (length == 0 || length + 1 >= value.Length || value[length] != ' ' || value.AsSpan(0, length).ContainsAnyExceptInRange('A', 'Z') is false)
        {
            return "";
        }

        var label = value[..(length + 1)];
        return group.TrueForAll(l => l.Tokens[position].Value is var v && v.Length > label.Length && v.StartsWith(label, StringComparison.Ordinal)
            && !v.AsSpan(label.Length).Contains(' ')) ? label : "";
    }

    /// <summary>The bare token at <paramref name="position"/> when every line has the same one and it reads as a
    /// label (<c>request_time</c>, <c>status:</c>), without its colon; else "".</summary>
    private static string Label(List<Layout> group, int position)
    {
        var token = group[0].Tokens[position];
        var word = token.Value.TrimEnd(':');
        return token.Bare && token.Key.Length == 0 && IsLabel(word) && group.TrueForAll(l => l.Tokens[position].Value == token.Value) ? word : "";
    }

    private static bool IsLabel(string word) =>
        word.Length is > 1 and <= 40 && char.IsAsciiLetter(word[0]) && word.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The <c>name=</c> every line's bare token at <paramref name="position"/> starts with, or "".</summary>
    private static string SharedKey(List<Layout> group, int position)
    {
        var value = group[0].Tokens[position].Value;
        var length = KeyLength(value, 0, '=');
        if (length <= 1 || !char.IsAsciiLetter(value[0]))
        {
            return "";
        }

        var key = value[..length];
        return group.TrueForAll(l => l.Tokens[position].Value.StartsWith(key, StringComparison.Ordinal)) ? key : "";
    }

    private static AccessField[] Assign(Position[] positions)
    {
        var fields = new AccessField[positions.Length];
        var taken = new HashSet<AccessField>();

        bool Take(Position position, AccessField field)
        {
            if (fields[position.Index] != AccessField.Ignored || field == AccessField.Ignored || !taken.Add(field))
            {
                return false;
            }

            fields[position.Index] = field;
            return true;
        }

        IEnumerable<Position> Free() => positions.Where(p => fields[p.Index] == AccessField.Ignored);

        int StatusIndex() => Array.IndexOf(fields, AccessField.Status);

        bool IsOwnPageSize(Position position) =>
            StatusIndex() is var status and >= 0 && position.Index == status + 1
            && Enumerable.Range(0, position.Count).All(line =>
                int.TryParse(positions[status].ValueAt(line), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                && long.TryParse(position.ValueAt(line), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
                && NginxErrorPage.Is(code, bytes));

        // The last value of $upstream_status is the status nginx passed on, $status itself, but where nginx answered
        // otherwise after the try (an error_page, a client that left): a number right after $status that equals it on
        // no line is no upstream's status but the body's size (`504 208`, 208 being Already Reported's code too).
        bool NeverTheStatus(Position position) =>
            StatusIndex() is var status and >= 0 && position.Index == status + 1 && position.Dashes == 0 && !position.Any(ValueShape.List)
            && Enumerable.Range(0, position.Count).All(line => position.ValueAt(line) != positions[status].ValueAt(line));

        // 1. A key that names the field, when the values fit it (a time key: the variable its values are).
        foreach (var position in positions)
        {
            var hint = position.Hint is AccessField.TimeLocal or AccessField.TimeIso8601 or AccessField.Msec
                ? position.Share(ValueShape.TimeLocal) >= 0.8 ? AccessField.TimeLocal
                    : position.Share(ValueShape.Msec) >= 0.8 ? AccessField.Msec : AccessField.TimeIso8601
                : position.Hint;
            if (hint != AccessField.Ignored && position.Fits(hint))
            {
                Take(position, hint);
            }
        }

        // 2. Values that can only be one thing.
        foreach (var position in Free().ToList())
        {
            if (position.Share(ValueShape.TimeLocal) >= 0.8)
            {
                Take(position, AccessField.TimeLocal);
            }
            else if (position.Share(ValueShape.TimeIso) >= 0.8)
            {
                Take(position, AccessField.TimeIso8601);
            }
            else if (position.Share(ValueShape.Msec) >= 0.8)
            {
                Take(position, AccessField.Msec);
            }
            else if (position.Share(ValueShape.RequestLine) >= 0.6)
            {
                Take(position, AccessField.Request);
            }
            else if (position.Share(ValueShape.Hex32) >= 0.9)
            {
                Take(position, AccessField.RequestId);
            }
        }

        // A local time without a zone, only when the format has no zoned time: nginx's error log is in the same
        // local time, and the report says the zone is not known.
        if (!fields.Any(f => f is AccessField.TimeLocal or AccessField.TimeIso8601 or AccessField.Msec))
        {
            foreach (var position in Free().Where(p => p.Share(ValueShape.TimeIsoLocal) >= 0.8).Take(1).ToList())
            {
                Take(position, AccessField.TimeIso8601);
            }
        }

        // 3. The request in parts: method, path (as sent when it carries a query), arguments, protocol.
        foreach (var position in Free().ToList())
        {
            if (position.Share(ValueShape.Method) >= 0.8)
            {
                Take(position, AccessField.RequestMethod);
            }
            else if (position.Share(ValueShape.Protocol) >= 0.8)
            {
                Take(position, AccessField.ServerProtocol);
            }
        }

        var path = Free().FirstOrDefault(p => p.Share(ValueShape.Path) >= 0.8);
        if (path is not null)
        {
            var next = path.Index + 1 < positions.Length ? positions[path.Index + 1] : null;
            var args = next is not null && fields[next.Index] == AccessField.Ignored && next.NonDash > 0 && next.Share(ValueShape.Args) >= 0.8 ? next : null;
            Take(path, args is null && path.Any(ValueShape.PathWithQuery) ? AccessField.RequestUri : AccessField.Uri);
            if (args is not null)
            {
                Take(args, AccessField.Args);
            }
        }

        // 4. Statuses: $status is never "-" nor a list; the other status-like position is $upstream_status.
        // A number right after $status that is on every line the size of the page nginx sends for that status is
        // $body_bytes_sent: nginx made those answers itself (its 503 page naming nginx/1.14.0 (Ubuntu) is 206 bytes,
        // which is Partial Content's code too).
        foreach (var position in Free().Where(p => p.Dashes == 0 && !p.Any(ValueShape.List) && p.Share(ValueShape.Status) >= 0.95).ToList())
        {
            if (!Take(position, AccessField.Status) && !IsOwnPageSize(position) && !NeverTheStatus(position))
            {
                Take(position, AccessField.UpstreamStatus);
            }
        }

        foreach (var position in Free().Where(p => p.NonDash > 0 && p.Share(ValueShape.StatusList) >= 0.9 && !IsOwnPageSize(p) && !NeverTheStatus(p)))
        {
            Take(position, AccessField.UpstreamStatus);
        }

        // 5. Upstream addresses: a list, a "-" or a unix socket says upstream; otherwise the later address-like field
        // (formats put the client and the host before the upstream). Every value may be a list: nginx tries each address
        // "localhost" resolves to ("[::1]:8080, 127.0.0.1:8080") on every request whose first try fails.
        var addresses = Free().Where(p => p.Share(ValueShape.AddressList) >= 0.7).ToList();
        var upstream = addresses.FirstOrDefault(p => p.Any(ValueShape.List) || p.Dashes > 0 || p.AnyValue(v => v.StartsWith("unix:", StringComparison.Ordinal))) ?? addresses.LastOrDefault();
        if (upstream is not null)
        {
            Take(upstream, AccessField.UpstreamAddr);
        }

        AssignTimes(positions, fields, taken);

        // 6. Who and where: the client is an address never missing; forwarded-for lists; the virtual host.
        foreach (var position in Free().Where(p => p.Dashes == 0 && p.Share(ValueShape.Ip) >= 0.9).ToList())
        {
            if (Take(position, AccessField.RemoteAddr))
            {
                break;
            }
        }

        var forwarded = Free().FirstOrDefault(p => p.NonDash > 0 && p.Share(ValueShape.IpList) >= 0.9);
        if (forwarded is not null)
        {
            Take(forwarded, AccessField.XForwardedFor);
        }

        // A Host header may be an address too (a client that browsed to the IP, a health check, a scanner).
        var host = Free().FirstOrDefault(p => p.NonDash > 0 && p.Share(ValueShape.HostName | ValueShape.HostPort | ValueShape.Ip) >= 0.9 && p.Any(ValueShape.HostName | ValueShape.HostPort));
        if (host is not null)
        {
            Take(host, host.Any(ValueShape.HostPort) ? AccessField.HttpHost : AccessField.Host);
        }

        // 7. What is left that still says something: the user agent, the referer, the body size after the status.
        var agent = Free().Where(p => !p.Bare && p.NonDash > 0 && p.Share(ValueShape.Agent) >= 0.5).FirstOrDefault();
        if (agent is not null)
        {
            Take(agent, AccessField.UserAgent);
            var before = agent.Index > 0 ? positions[agent.Index - 1] : null;
            if (before is not null && fields[before.Index] == AccessField.Ignored && !before.Bare && (before.NonDash == 0 || before.Share(ValueShape.Url) >= 0.5))
            {
                Take(before, AccessField.Referer);
            }
        }

        var referer = Free().FirstOrDefault(p => p.NonDash > 0 && p.Share(ValueShape.Url) >= 0.8);
        if (referer is not null)
        {
            Take(referer, AccessField.Referer);
        }

        var status = StatusIndex();
        if (status >= 0 && status + 1 < positions.Length && fields[status + 1] == AccessField.Ignored && positions[status + 1].NonDash > 0
            && positions[status + 1].Share(ValueShape.Integer) >= 0.95)
        {
            Take(positions[status + 1], AccessField.BodyBytesSent);
        }

        return fields;
    }

    /// <summary>
    /// Decimal seconds: a position never <c>-</c> nor a list that is at least every other one on each line is
    /// <c>$request_time</c>; the rest are upstream times, connect ≤ header ≤ response.
    /// </summary>
    private static void AssignTimes(Position[] positions, AccessField[] fields, HashSet<AccessField> taken)
    {
        var times = positions.Where(p => fields[p.Index] == AccessField.Ignored && p.NonDash > 0 && p.Share(ValueShape.SecondsList) >= 0.9).ToList();
        if (times.Count == 0)
        {
            return;
        }

        var lines = times[0].Count;
        double Seconds(Position p, int line) => p.SecondsAt(line);

        if (!taken.Contains(AccessField.RequestTime))
        {
            Position? requestTime = null;
            var (best, bestAbove) = (0.0, -1);
            foreach (var candidate in times.Where(t => t.Dashes == 0 && !t.Any(ValueShape.List)))
            {
                var (atLeast, above) = (0, 0);
                for (var line = 0; line < lines; line++)
                {
                    var mine = Seconds(candidate, line);
                    // Within two milliseconds: each time is the difference of two readings cut to whole milliseconds,
                    // on two clocks read apart, so an upstream's time often reads 1 or 2 ms above the request's (0.000
                    // beside 0.001, 0.122 beside 0.124). And within what the clocks drift apart over the request:
                    // $request_time is the wall clock's (ngx_timeofday), the upstream's times the monotonic clock's
                    // (ngx_current_msec), and NTP slews the wall clock by up to 500 ppm (60.003 beside 59.997).
                    var slack = 0.0025 + (mine * 0.0005);
                    atLeast += times.All(o => o == candidate || double.IsNaN(Seconds(o, line)) || Seconds(o, line) <= mine + slack) ? 1 : 0;
                    above += times.All(o => o == candidate || double.IsNaN(Seconds(o, line)) || Seconds(o, line) < mine - 0.0015) ? 1 : 0;
                }

                // Two times within that slack on as many lines: the one above the other by more than rounding more
                // often (a slow client's request outlasts the upstream's answer) is the request's. Times that only
                // drift apart cannot tell which is which; either way neither is taken for a header time, which would
                // say the upstream answered.
                var share = (double)atLeast / lines;
                if (share > best + 1e-9 || (share > best - 1e-9 && above > bestAbove))
                {
                    (requestTime, best, bestAbove) = (candidate, share, above);
                }
            }

            // One time field alone is $request_time unless it is ever "-" or a list (then it is an upstream's).
            if (requestTime is not null && best >= 0.9 && (times.Count > 1 || requestTime.Dashes == 0))
            {
                fields[requestTime.Index] = AccessField.RequestTime;
                taken.Add(AccessField.RequestTime);
                times.Remove(requestTime);
            }
        }

        AccessField[] order = [AccessField.UpstreamConnectTime, AccessField.UpstreamHeaderTime, AccessField.UpstreamResponseTime];
        var free = order.Where(f => !taken.Contains(f)).ToList();
        if (times.Count == 0 || free.Count == 0)
        {
            return;
        }

        if (times.Count > free.Count && Array.Find(positions, p => fields[p.Index] == AccessField.RequestTime) is { } request)
        {
            // More times than upstream variables left (an application's timings passed on in its headers:
            // "$upstream_http_x_sql_time"): the upstream's response time follows the request's, which holds the
            // upstream's exchange and little else, so the one closest below it is nginx's. Which of the rest are the
            // connect and header times nothing tells, and a header time read from an application's column would say
            // the upstream answered: they stay unknown.
            times = [times.OrderBy(t => MedianGapBelow(request, t, lines)).ThenBy(t => t.Index).First()];
        }

        // Order by size, line by line (a 502's response time is there when its header time is not, so medians over
        // different lines mislead), the format's order breaking ties; one time is the response time, two are connect
        // (when small) or header, and response.
        int Larger(Position a)
        {
            var score = 0;
            foreach (var other in times.Where(o => o != a))
            {
                for (var line = 0; line < lines; line++)
                {
                    var (x, y) = (a.SecondsAt(line), other.SecondsAt(line));
                    score += double.IsNaN(x) || double.IsNaN(y) ? 0 : Math.Sign(x - y);
                }
            }

            return score;
        }

        // Equal sizes (a fast upstream's header and response times): the header time is "-" more often (a response
        // time is there whenever the upstream was tried), the connect time more often than the response time.
        var sorted = times.OrderBy(Larger).ThenByDescending(t => t.Dashes).ThenBy(t => t.Index).ToList();
        List<AccessField> assigned = sorted.Count switch
        {
            1 => [AccessField.UpstreamResponseTime],
            2 => [sorted[0].MedianSeconds <= 0.002 ? AccessField.UpstreamConnectTime : AccessField.UpstreamHeaderTime, AccessField.UpstreamResponseTime],
            _ => [.. order],
        };
        for (var i = 0; i < Math.Min(sorted.Count, assigned.Count); i++)
        {
            if (taken.Add(assigned[i]))
            {
                fields[sorted[i].Index] = assigned[i];
            }
        }
    }

    /// <summary>The median of how far <paramref name="time"/> lies below <paramref name="request"/>, line by line (a
    /// time above the request's is as far as can be).</summary>
    private static double MedianGapBelow(Position request, Position time, int lines)
    {
        var gaps = new List<double>(lines);
        for (var line = 0; line < lines; line++)
        {
            var (r, t) = (request.SecondsAt(line), time.SecondsAt(line));
            if (!double.IsNaN(r) && !double.IsNaN(t))
            {
                gaps.Add(t > r + 0.0015 ? double.MaxValue : r - t);
            }
        }

        gaps.Sort();
        return gaps.Count == 0 ? double.MaxValue : gaps[gaps.Count / 2];
    }

    /// <summary>The field a key names (<c>rt</c>, <c>status</c>, <c>upstream_addr</c>), or Ignored.</summary>
    private static AccessField Hint(string literal, string key)
    {
        if (key.Length == 0)
        {
            // A key inside the literal before a quoted value: ' ua="' gives "ua".
            var trimmed = literal.TrimEnd('"', '[', ' ', '=', ':');
            var start = trimmed.Length;
            while (start > 0 && (char.IsAsciiLetterOrDigit(trimmed[start - 1]) || trimmed[start - 1] is '_' or '.' or '@'))
            {
                start--;
            }

            key = start < trimmed.Length && (literal.TrimEnd('"', '[').EndsWith('=') || literal.TrimEnd('"', '[', ' ').EndsWith(':')) ? trimmed[start..] : "";
        }

        return key.ToLowerInvariant() switch
        {
            "" => AccessField.Ignored,
            "us" or "ups" or "ustatus" or "upstatus" => AccessField.UpstreamStatus,
            "uct" or "uc" => AccessField.UpstreamConnectTime,
            "uht" or "uh" => AccessField.UpstreamHeaderTime,
            "urt" or "ur" => AccessField.UpstreamResponseTime,
            "cid" or "conn" or "connection" => AccessField.Connection,
            "recv" or "received" or "urecv" or "ubr" => AccessField.UpstreamBytesReceived,
            "rid" or "reqid" => AccessField.RequestId,
            "s" or "st" or "code" => AccessField.Status,
            "ua" or "agent" => AccessField.Ignored, // a user agent or an upstream address: the values decide
            var k => AccessFields.FromJsonKey(k),
        };
    }

    private sealed record Token(string Value, string Key, bool Bare);

    /// <summary>A line's tokens and the literal text before each (and after the last): Literals has one more entry.</summary>
    private sealed class Layout(List<string> literals, List<Token> tokens)
    {
        public List<string> Literals { get; } = literals;

        public List<Token> Tokens { get; } = tokens;

        public string Skeleton => string.Join('\u0001', Literals);

        public string Head(int tokens) => string.Join('\u0001', Literals.Take(tokens + 1));

        /// <summary>The first <paramref name="count"/> tokens, ending with the literal after the last of them.</summary>
        public Layout Truncate(int count) => new([.. Literals.Take(count), Literals[count]], [.. Tokens.Take(count)]);

        /// <summary>Joins what a space-separated format split inside a value: <c>$time_local</c> without brackets,
        /// an unquoted request line, and multi-try lists (<c>a, b : c</c>).</summary>
        public void MergeSpacedValues()
        {
            for (var i = 0; i + 1 < Tokens.Count; i++)
            {
                var (a, b) = (Tokens[i], Tokens[i + 1]);
                if (!a.Bare || !b.Bare || Literals[i + 1] != " " || b.Key.Length > 0)
                {
                    continue;
                }

                if (ValueShapes.Of(a.Value).HasFlag(ValueShape.Method) && i + 2 < Tokens.Count && Tokens[i + 2].Bare && Literals[i + 2] == " "
                    && Tokens[i + 2].Key.Length == 0 && Tokens[i + 2].Value.StartsWith("HTTP/", StringComparison.Ordinal) && Tokens[i + 2].Value.Length <= 8)
                {
                    // An unquoted request line: method, target, protocol.
                    Tokens[i] = a with { Value = a.Value + " " + b.Value + " " + Tokens[i + 2].Value };
                    Tokens.RemoveRange(i + 1, 2);
                    Literals.RemoveRange(i + 1, 2);
                    continue;
                }

                var merged = a.Value.EndsWith(',') || a.Value.EndsWith(" :", StringComparison.Ordinal) || b.Value == ":"
                    || (a.Value.Length == 20 && a.Value[2] == '/' && b.Value.Length == 5 && b.Value[0] is '+' or '-')
                    || (a.Value.Length == 10 && a.Value[4] == '-' && a.Value[7] == '-' && b.Value.Length >= 8 && b.Value[2] == ':' && b.Value[5] == ':'
                        && ValueShapes.Of(a.Value + " " + b.Value) is ValueShape.TimeIso or ValueShape.TimeIsoLocal);
                if (!merged)
                {
                    continue;
                }

                Tokens[i] = a with { Value = a.Value + " " + b.Value };
                Tokens.RemoveAt(i + 1);
                Literals.RemoveAt(i + 1);
                i--;
            }
        }
    }

    /// <summary>The values of one position across the lines of a group.</summary>
    private sealed class Position(int index, AccessField hint, bool bare)
    {
        private readonly List<string> _values = [];
        private readonly List<ValueShape> _shapes = [];

        public int Index { get; } = index;

        public AccessField Hint { get; } = hint;

        public bool Bare { get; } = bare;

        public int Count => _values.Count;

        public int Dashes { get; private set; }

        public int NonDash => Count - Dashes;

        public double MedianSeconds
        {
            get
            {
                var values = Enumerable.Range(0, Count).Select(SecondsAt).Where(v => !double.IsNaN(v)).Order().ToList();
                return values.Count == 0 ? 0 : values[values.Count / 2];
            }
        }

        public void Add(string value)
        {
            var shape = ValueShapes.Of(value);
            _values.Add(value);
            _shapes.Add(shape);
            Dashes += shape == ValueShape.Dash ? 1 : 0;
        }

        /// <summary>The share of values that are not <c>-</c> having any of the shapes.</summary>
        public double Share(ValueShape shape) => NonDash == 0 ? 0 : (double)_shapes.Count(s => s != ValueShape.Dash && (s & shape) != 0) / NonDash;

        public bool Any(ValueShape shape) => _shapes.Exists(s => (s & shape) != 0);

        public bool AnyValue(Func<string, bool> predicate) => _values.Exists(v => predicate(v));

        public string ValueAt(int line) => _values[line];

        /// <summary>The share of values that are whole numbers, one per try (<c>0, 100</c>; a try's <c>-</c> too).</summary>
        public double ShareOfCounts() => NonDash == 0 ? 0
            : (double)_values.Count(v => v != "-" && ValueShapes.ListItems(v).All(i => i == "-" || (i.Length > 0 && i.All(char.IsAsciiDigit)))) / NonDash;

        /// <summary>The seconds on one line (of a list, its longest try: each try fits in the request's time);
        /// NaN when <c>-</c> or not seconds.</summary>
        public double SecondsAt(int line)
        {
            var longest = double.NaN;
            foreach (var item in ValueShapes.ListItems(_values[line]))
            {
                if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    longest = double.IsNaN(longest) ? seconds : Math.Max(longest, seconds);
                }
            }

            return longest;
        }

        /// <summary>Whether the values can be what a key names.</summary>
        public bool Fits(AccessField field)
        {
            var fit = field switch
            {
                AccessField.Status => Dashes == 0 ? Share(ValueShape.Status) : 0,
                AccessField.UpstreamStatus => NonDash == 0 ? 1 : Share(ValueShape.StatusList),
                AccessField.UpstreamAddr => NonDash == 0 ? 1 : Share(ValueShape.AddressList | ValueShape.Word),
                // nginx writes $request_time for every request, one value: a list or a dash is an upstream's time.
                AccessField.RequestTime => Dashes == 0 && !Any(ValueShape.List) ? Share(ValueShape.Seconds) : 0,
                AccessField.UpstreamConnectTime or AccessField.UpstreamHeaderTime or AccessField.UpstreamResponseTime
                    => NonDash == 0 ? 1 : Share(ValueShape.SecondsList),
                AccessField.TimeLocal or AccessField.TimeIso8601 or AccessField.Msec => Share(ValueShape.TimeLocal | ValueShape.TimeIso | ValueShape.Msec | ValueShape.TimeIsoLocal),
                AccessField.Request => Share(ValueShape.RequestLine),
                AccessField.RequestMethod => Share(ValueShape.Method),
                AccessField.RequestUri or AccessField.Uri => Share(ValueShape.Path | ValueShape.Url),
                AccessField.RemoteAddr or AccessField.RealIpRemoteAddr => Share(ValueShape.Ip),
                AccessField.XForwardedFor => NonDash == 0 ? 1 : Share(ValueShape.IpList | ValueShape.Ip),
                AccessField.Host or AccessField.HttpHost or AccessField.ServerName => Share(ValueShape.HostName | ValueShape.HostPort | ValueShape.Word | ValueShape.Ip),
                AccessField.Connection or AccessField.BodyBytesSent or AccessField.ServerPort => Share(ValueShape.Integer),
                AccessField.UpstreamBytesReceived or AccessField.UpstreamResponseLength => NonDash == 0 ? 1 : ShareOfCounts(),
                _ => 1,
            };
            return fit >= 0.9;
        }
    }
}
