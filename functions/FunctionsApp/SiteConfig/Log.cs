namespace FunctionsApp.SiteConfig;

/// <summary>Site configuration events (ids 6000-6049).</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Information, "Stored the nginx configuration of site {Site}: {Files} file(s), {Findings} finding(s)")]
    public static partial void ConfigStored(ILogger logger, string site, int files, int findings);

    [LoggerMessage(6001, LogLevel.Warning, "The stored nginx configuration of site {Site} no longer parses: {Error}")]
    public static partial void StoredConfigUnreadable(ILogger logger, string site, string error);
}
