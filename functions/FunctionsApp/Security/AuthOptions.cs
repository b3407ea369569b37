namespace FunctionsApp.Security;

/// <summary>Function keys checked in standalone mode (section <c>Auth</c>); the Functions host checks its own keys.</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// Named keys (<c>Auth:FunctionKeys:&lt;name&gt;</c>), any of which opens every non-anonymous route when sent as
    /// the <c>x-functions-key</c> header or the <c>code</c> query parameter. None configured: every such route is 401.
    /// </summary>
    public Dictionary<string, string> FunctionKeys { get; set; } = new(StringComparer.Ordinal);
}
