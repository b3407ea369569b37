namespace FunctionsApp.NginxConfig;

/// <summary>Why a configuration could not be read, and where: the same facts nginx prints for <c>nginx -t</c>.</summary>
/// <param name="File">The file, as the input names it.</param>
/// <param name="Line">1-based line; 0 when the problem is the file itself (missing, unreadable).</param>
/// <param name="Message">What is wrong, e.g. <c>unexpected "}"</c>.</param>
public sealed record ConfigError(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
