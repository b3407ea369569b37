namespace FunctionsApp.NginxLogs;

/// <summary>Whether an access line and an error line are about the same request, as far as their fields tell.</summary>
internal enum RequestAgreement
{
    /// <summary>The fields cannot tell (missing, or a <c>$uri</c> a rewrite may have changed).</summary>
    Unknown,

    /// <summary>The same request line, target or path.</summary>
    Agree,

    /// <summary>Another method, or another request line or target where both logs record what the client sent.</summary>
    Disagree,
}
