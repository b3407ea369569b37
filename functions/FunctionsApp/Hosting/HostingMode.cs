namespace FunctionsApp.Hosting;

/// <summary>How the app was started.</summary>
internal enum HostingMode
{
    /// <summary>No Functions host: the app serves its own URL, checks function keys and runs its timers.</summary>
    Standalone,

    /// <summary>
    /// The isolated worker behind the Azure Functions host (<c>FunctionsApp.Worker</c>): the host checks keys, fires
    /// timers and forwards HTTP requests to the worker's ASP.NET Core integration.
    /// </summary>
    FunctionsHost,
}
