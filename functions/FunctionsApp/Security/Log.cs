namespace FunctionsApp.Security;

/// <summary>Security log events (ids 3000-3099). Keys are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Warning, "Rejected a request to {Path}: missing or wrong function key")]
    public static partial void Rejected(ILogger logger, PathString path);

    [LoggerMessage(3001, LogLevel.Warning, "No function keys are configured (Auth:FunctionKeys): every route except health answers 401")]
    public static partial void NoKeys(ILogger logger);
}
