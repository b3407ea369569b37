namespace FunctionsApp.Hosting;

/// <summary>How the app was started.</summary>
internal enum HostingMode
{
    /// <summary>No Functions host: the app serves its own URL, checks function keys and runs its timers.</summary>
    Standalone,

    /// <summary>Behind the Azure Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set): the host checks keys and fires timers.</summary>
    CustomHandler,
}
