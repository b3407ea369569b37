using System.Runtime.CompilerServices;

namespace FunctionsApp.NginxLogs;

/// <summary>
/// Walks the values of a multi-value upstream variable: tries separated by <c>, </c> and internal
/// redirects by <c> : </c> (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#var_upstream_addr).
/// </summary>
internal ref struct UpstreamTries
{
    private ReadOnlySpan<byte> _rest;
    private int _nextGroup;

    public UpstreamTries(ReadOnlySpan<byte> value) => _rest = value;

    /// <summary>The internal redirect the last value belongs to: 0 for the request's own location, one more after each
    /// <c> : </c> (an <c>error_page</c> or <c>X-Accel-Redirect</c> that sent it to another upstream).</summary>
    public int Group { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MoveNext(out ReadOnlySpan<byte> item)
    {
        while (!_rest.IsEmpty)
        {
            var comma = _rest.IndexOf(", "u8);
            var redirect = _rest.IndexOf(" : "u8);
            int end, skip;
            if (comma >= 0 && (redirect < 0 || comma < redirect))
            {
                (end, skip) = (comma, 2);
            }
            else if (redirect >= 0)
            {
                (end, skip) = (redirect, 3);
            }
            else
            {
                (end, skip) = (_rest.Length, 0);
            }

            item = _rest[..end].Trim((byte)' ');
            _rest = _rest[Math.Min(_rest.Length, end + skip)..];
            var group = _nextGroup;
            _nextGroup += skip == 3 ? 1 : 0;
            if (!item.IsEmpty)
            {
                Group = group;
                return true;
            }
        }

        item = default;
        return false;
    }

    /// <summary>The last value (the try whose answer the client got).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<byte> Last(ReadOnlySpan<byte> value)
    {
        // Nearly every line has one try: without a space there is no separator and nothing to trim.
        if (!value.Contains((byte)' '))
        {
            return value.IsEmpty ? default : value;
        }

        var tries = new UpstreamTries(value);
        ReadOnlySpan<byte> last = default;
        while (tries.MoveNext(out var item))
        {
            last = item;
        }

        return last;
    }
}
