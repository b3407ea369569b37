using System.Runtime.CompilerServices;
using System.Text;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Reads JSON access lines by key path: <c>{"client":{"ip":"…"},"http":{"status":502}}</c> gives <c>client.ip</c>
/// and <c>http.status</c>, in any key order, values quoted or bare. Keys come from the <c>log_format</c> template
/// when there is one; keys it does not name (renamed or added by a shipper, or every key when there is no template)
/// are learned by name as they are first seen (<see cref="AccessFields.FromJsonKey"/>), and a template key's value
/// wins over a learned one. The scanner is lenient where nginx is: a bare multi-try value
/// (<c>"us":502, 504 : 200</c>) ends at the next key, and <c>escape=default</c> lines with <c>\x22</c> read too.
/// Thread-safe: learned keys are published copy-on-write.
/// </summary>
internal sealed class JsonFieldMap
{
    private const int MaxKeys = 256;
    private const int MaxPath = 256;
    private const int MaxDepth = 16;
    private readonly Lock _gate = new();
    private readonly bool[] _declared = new bool[AccessFields.Count];
    private readonly bool[] _learned = new bool[AccessFields.Count];
    private Key[] _keys;

    private JsonFieldMap(Key[] keys)
    {
        _keys = keys;
        foreach (var key in keys)
        {
            _declared[(int)key.Field] = true;
            _declared[(int)key.StandIn] = true;
        }

        _declared[0] = false;
    }

    /// <summary>A map with no template: every key is learned.</summary>
    public static JsonFieldMap Learning() => new([]);

    /// <summary>Whether the template names no key at all.</summary>
    public bool IsEmpty => _keys.Length == 0 || Array.TrueForAll(_keys, k => k.Field == AccessField.Ignored);

    /// <summary>Fields the template declares.</summary>
    public IEnumerable<AccessField> DeclaredFields => Enumerable.Range(1, AccessFields.Count - 1).Where(i => _declared[i]).Select(i => (AccessField)i);

    /// <summary>Whether lines carry the field: the template declares it, or a key learned so far maps to it.</summary>
    public bool Has(AccessField field) => _declared[(int)field] || Volatile.Read(ref _learned[(int)field]);

    /// <summary>
    /// Reads the keys of a JSON <c>log_format</c> template: <c>"key":"$var"</c>, <c>"key":$var</c>, nested
    /// objects, literal text around a variable (<c>"[$time_local]"</c>, trimmed from each value).
    /// </summary>
    public static JsonFieldMap FromTemplate(string template)
    {
        var keys = new List<Key>();
        var bytes = Encoding.UTF8.GetBytes(template);
        Scan(bytes, (path, start, length, _) =>
        {
            var value = Encoding.UTF8.GetString(bytes, start, length);
            var (field, trimStart, trimEnd) = FieldOfTemplateValue(value);
            keys.Add(new Key(path.ToArray(), field, AccessField.Ignored, trimStart, trimEnd, Learned: false));
        });

        // A template without $host reads $http_host as the host too, one without $remote_addr $realip_remote_addr.
        var has = keys.Select(k => k.Field).ToHashSet();
        for (var i = 0; i < keys.Count; i++)
        {
            var standIn = AccessFields.StandIn(keys[i].Field);
            if (standIn != AccessField.Ignored && !has.Contains(standIn))
            {
                keys[i] = keys[i] with { StandIn = standIn };
            }
        }

        return new JsonFieldMap([.. keys]);
    }

    /// <summary>Parses one line into <paramref name="entry"/>; false when it is not a JSON object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryParse(ReadOnlySpan<byte> line, ref AccessLogEntry entry)
    {
        var keys = Volatile.Read(ref _keys);
        var hint = 0;
        Span<byte> path = stackalloc byte[MaxPath];
        Span<int> prefix = stackalloc int[MaxDepth];
        var depth = 0;
        var pos = SkipSpace(line, 0);
        if (pos >= line.Length || line[pos] != '{')
        {
            return false;
        }

        pos++;
        var pathLength = 0;
        while (true)
        {
            pos = SkipSpace(line, pos);
            if (pos >= line.Length)
            {
                return false;
            }

            if (line[pos] == '}')
            {
                pos++;
                if (depth == 0)
                {
                    return entry.HasStatus;
                }

                depth--;
                pos = AfterValue(line, pos);
                if (pos < 0)
                {
                    return false;
                }

                continue;
            }

            if (line[pos] != '"')
            {
                return false;
            }

            var keyEnd = StringEnd(line, pos + 1);
            if (keyEnd < 0)
            {
                return false;
            }

            var key = line[(pos + 1)..keyEnd];
            var basePath = depth == 0 ? 0 : prefix[depth - 1];
            pathLength = basePath + key.Length <= MaxPath ? basePath + key.Length : -1;
            if (pathLength > 0)
            {
                key.CopyTo(path[basePath..]);
            }

            pos = SkipSpace(line, keyEnd + 1);
            if (pos >= line.Length || line[pos] != ':')
            {
                return false;
            }

            pos = SkipSpace(line, pos + 1);
            if (pos >= line.Length)
            {
                return false;
            }

            var c = line[pos];
            if (c == '{')
            {
                if (depth >= MaxDepth || pathLength < 0 || pathLength >= MaxPath)
                {
                    return false;
                }

                path[pathLength] = (byte)'.';
                prefix[depth++] = pathLength + 1;
                pos++;
                continue;
            }

            int start, length;
            if (c == '"')
            {
                var end = StringEnd(line, pos + 1);
                if (end < 0)
                {
                    return false;
                }

                (start, length) = (pos + 1, end - pos - 1);
                pos = end + 1;
            }
            else if (c == '[')
            {
                pos = SkipArray(line, pos);
                if (pos < 0)
                {
                    return false;
                }

                pos = AfterValue(line, pos);
                if (pos < 0)
                {
                    return false;
                }

                continue;
            }
            else
            {
                var end = BareEnd(line, pos);
                (start, length) = (pos, end - pos);
                pos = end;
                if (line.Slice(start, length).SequenceEqual("null"u8))
                {
                    length = 0;
                }
            }

            if (pathLength > 0 && length > 0)
            {
                var index = Find(keys, path[..pathLength], hint);
                if (index < 0)
                {
                    index = Learn(path[..pathLength]);
                    keys = Volatile.Read(ref _keys);
                }

                if (index >= 0)
                {
                    hint = index + 1;
                    Set(ref entry, keys[index], start, length);
                }
            }

            pos = AfterValue(line, pos);
            if (pos < 0)
            {
                return false;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Set(ref AccessLogEntry entry, Key key, int start, int length)
    {
        if (key.Field == AccessField.Ignored)
        {
            return;
        }

        if (length >= key.TrimStart + key.TrimEnd)
        {
            start += key.TrimStart;
            length -= key.TrimStart + key.TrimEnd;
        }

        if (key.Learned)
        {
            entry.SetLearned(key.Field, start, length);
        }
        else
        {
            entry.SetDeclared(key.Field, start, length);
            if (key.StandIn != AccessField.Ignored)
            {
                entry.Set(key.StandIn, start, length);
            }
        }
    }

    /// <summary>The key's index; keys mostly come in the template's order, so the one after the last match is tried first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(Key[] keys, ReadOnlySpan<byte> path, int hint)
    {
        if (hint < keys.Length && keys[hint].Path.AsSpan().SequenceEqual(path))
        {
            return hint;
        }

        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i].Path.Length == path.Length && keys[i].Path.AsSpan().SequenceEqual(path))
            {
                return i;
            }
        }

        return -1;
    }

    private int Learn(ReadOnlySpan<byte> path)
    {
        lock (_gate)
        {
            var keys = _keys;
            var existing = Find(keys, path, 0);
            if (existing >= 0 || keys.Length >= MaxKeys)
            {
                return existing;
            }

            var field = AccessFields.FromJsonKey(Encoding.UTF8.GetString(path));
            Key[] grown = [.. keys, new Key(path.ToArray(), field, AccessField.Ignored, 0, 0, Learned: true)];
            if (field != AccessField.Ignored)
            {
                Volatile.Write(ref _learned[(int)field], true);
            }

            Volatile.Write(ref _keys, grown);
            return grown.Length - 1;
        }
    }

    /// <summary>The field of a template value: one variable (with literal text around it trimmed from values),
    /// or the pieces of a request line (<c>"$request_method $request_uri $server_protocol"</c>).</summary>
    private static (AccessField Field, int TrimStart, int TrimEnd) FieldOfTemplateValue(string value)
    {
        var variables = new List<(AccessField Field, int Start, int End)>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                continue;
            }

            var braced = value[i + 1] == '{';
            var nameStart = i + (braced ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < value.Length && (char.IsAsciiLetterOrDigit(value[nameEnd]) || value[nameEnd] == '_'))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart)
            {
                continue;
            }

            var end = braced && nameEnd < value.Length && value[nameEnd] == '}' ? nameEnd + 1 : nameEnd;
            variables.Add((AccessFields.FromVariable(value[nameStart..nameEnd]), i, end));
            i = end - 1;
        }

        if (variables.Count == 1)
        {
            var (field, start, end) = variables[0];
            return (field, Encoding.UTF8.GetByteCount(value.AsSpan(0, start)), Encoding.UTF8.GetByteCount(value.AsSpan(end)));
        }

        var fields = variables.Select(v => v.Field).ToList();
        return fields.Contains(AccessField.RequestMethod) && (fields.Contains(AccessField.RequestUri) || fields.Contains(AccessField.Uri))
            ? (AccessField.Request, 0, 0)
            : (AccessField.Ignored, 0, 0);
    }

    /// <summary>Walks a template (or any JSON line) calling <paramref name="onValue"/> with each leaf's dotted path
    /// and the span of its value (inside the quotes for strings).</summary>
    private static void Scan(ReadOnlySpan<byte> text, ScanCallback onValue)
    {
        var path = new List<byte>();
        var prefix = new Stack<int>();
        var pos = SkipSpace(text, 0);
        if (pos >= text.Length || text[pos] != '{')
        {
            return;
        }

        pos++;
        while (pos < text.Length)
        {
            pos = SkipSpace(text, pos);
            if (pos >= text.Length)
            {
                return;
            }

            if (text[pos] == '}')
            {
                if (prefix.Count == 0)
                {
                    return;
                }

                prefix.Pop();
                pos = AfterValue(text, pos + 1);
                if (pos < 0)
                {
                    return;
                }

                continue;
            }

            var keyEnd = text[pos] == '"' ? StringEnd(text, pos + 1) : -1;
            if (keyEnd < 0)
            {
                return;
            }

            var basePath = prefix.Count == 0 ? 0 : prefix.Peek();
            path.RemoveRange(basePath, path.Count - basePath);
            path.AddRange(text[(pos + 1)..keyEnd]);
            pos = SkipSpace(text, keyEnd + 1);
            if (pos >= text.Length || text[pos] != ':')
            {
                return;
            }

            pos = SkipSpace(text, pos + 1);
            if (pos >= text.Length)
            {
                return;
            }

            if (text[pos] == '{')
            {
                path.Add((byte)'.');
                prefix.Push(path.Count);
                pos++;
                continue;
            }

            if (text[pos] == '[')
            {
                pos = SkipArray(text, pos);
            }
            else if (text[pos] == '"')
            {
                var end = StringEnd(text, pos + 1);
                if (end < 0)
                {
                    return;
                }

                onValue(path.ToArray(), pos + 1, end - pos - 1, quoted: true);
                pos = end + 1;
            }
            else
            {
                var end = BareEnd(text, pos);
                onValue(path.ToArray(), pos, end - pos, quoted: false);
                pos = end;
            }

            pos = pos < 0 ? -1 : AfterValue(text, pos);
            if (pos < 0)
            {
                return;
            }
        }
    }

    /// <summary>Every leaf of a JSON line: its dotted path, its value (raw) and whether it was quoted.
    /// For format detection.</summary>
    public static List<(string Path, string Value, bool Quoted)> Leaves(ReadOnlySpan<byte> line)
    {
        var leaves = new List<(string, string, bool)>();
        var bytes = line.ToArray();
        Scan(bytes, (path, start, length, quoted) => leaves.Add((Encoding.UTF8.GetString(path), Encoding.UTF8.GetString(bytes, start, length), quoted)));
        return leaves;
    }

    /// <summary>After a value: spaces, then ',' (more keys follow) or the '}' that the caller reads next.</summary>
    private static int AfterValue(ReadOnlySpan<byte> s, int pos)
    {
        pos = SkipSpace(s, pos);
        if (pos >= s.Length)
        {
            return -1;
        }

        return s[pos] == ',' ? pos + 1 : s[pos] == '}' ? pos : -1;
    }

    /// <summary>The index of the closing quote of a string that starts at <paramref name="pos"/> (after its opening quote).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StringEnd(ReadOnlySpan<byte> s, int pos)
    {
        while (true)
        {
            var rest = s[pos..];
            var at = rest.IndexOfAny((byte)'"', (byte)'\\');
            if (at < 0)
            {
                return -1;
            }

            if (rest[at] == '"')
            {
                return pos + at;
            }

            pos += at + 2;
            if (pos > s.Length)
            {
                return -1;
            }
        }
    }

    /// <summary>Where a bare value ends: at a ',' that a key follows, at '}', or at the end of the line.</summary>
    private static int BareEnd(ReadOnlySpan<byte> s, int pos)
    {
        var start = pos;
        while (pos < s.Length)
        {
            var c = s[pos];
            if (c == '}')
            {
                break;
            }

            if (c == ',')
            {
                var next = SkipSpace(s, pos + 1);
                if (next >= s.Length || s[next] == '"')
                {
                    break;
                }
            }

            pos++;
        }

        while (pos > start && s[pos - 1] is (byte)' ' or (byte)'\t')
        {
            pos--;
        }

        return pos;
    }

    private static int SkipArray(ReadOnlySpan<byte> s, int pos)
    {
        var depth = 0;
        while (pos < s.Length)
        {
            var c = s[pos];
            if (c == '"')
            {
                pos = StringEnd(s, pos + 1);
                if (pos < 0)
                {
                    return -1;
                }
            }
            else if (c is (byte)'[' or (byte)'{')
            {
                depth++;
            }
            else if (c is (byte)']' or (byte)'}')
            {
                depth--;
                if (depth == 0)
                {
                    return pos + 1;
                }
            }

            pos++;
        }

        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipSpace(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && s[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }

        return pos;
    }

    private delegate void ScanCallback(byte[] path, int start, int length, bool quoted);

    /// <param name="Path">The dotted key path, UTF-8.</param>
    /// <param name="Field">What its value is.</param>
    /// <param name="StandIn">A field the value also stands in for (see <see cref="AccessFields.StandIn"/>).</param>
    /// <param name="TrimStart">Literal bytes the template puts before the variable.</param>
    /// <param name="TrimEnd">Literal bytes after it.</param>
    /// <param name="Learned">Learned from a line rather than read from the template.</param>
    private sealed record Key(byte[] Path, AccessField Field, AccessField StandIn, int TrimStart, int TrimEnd, bool Learned);
}
