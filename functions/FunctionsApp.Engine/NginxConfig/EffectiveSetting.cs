namespace FunctionsApp.NginxConfig;

/// <summary>The value of a directive where a request is handled, after nginx's inheritance (location, enclosing
/// locations, server, http): the directive that set it, or nginx's default when none did.</summary>
/// <param name="Name">The directive name.</param>
/// <param name="Args">Its arguments, or the default's words.</param>
/// <param name="Directive">The directive that set it; null for the default.</param>
public sealed record EffectiveSetting(string Name, IReadOnlyList<string> Args, ConfigDirective? Directive)
{
    public bool IsDefault => Directive is null;

    /// <summary>The arguments joined by spaces: <c>1s</c>, <c>8 4k</c>, <c>on</c>.</summary>
    public string Value => string.Join(' ', Args);

    /// <summary><c>nginx.conf:38</c>, or <c>default</c>.</summary>
    public string Where => Directive?.Where ?? "default";

    /// <summary>How a report names it: <c>proxy_read_timeout 1s (nginx.conf:38)</c> or <c>proxy_read_timeout 60s (nginx's default; not set)</c>.</summary>
    public string Describe() => Directive is null ? $"{Name} {Value} (nginx's default; not set)" : $"{Name} {Value} ({Directive.Where})";

    public TimeSpan? Time => Args.Count > 0 && ConfigValues.TryParseTime(Args[0], out var t) ? t : null;

    /// <summary>The size of a one-size directive (<c>proxy_buffer_size</c>), or of one buffer of <c>proxy_buffers N size</c>.</summary>
    public long? Size => Args.Count > 0 && ConfigValues.TryParseSize(Args[^1], out var s) ? s : null;

    public bool IsOn => Args.Count > 0 && Args[0] == "on";
}
