using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FunctionsApp.Worker;

/// <summary>How the worker process runs and ends.</summary>
internal static class WorkerLifetime
{
    /// <summary>
    /// Runs the worker until the Functions host stops it. The host may send <c>WorkerTerminate</c> as soon as the
    /// functions are loaded (scale-in, restart, deployment), while the worker's own host is still starting: the
    /// Functions worker then stops the application, which cancels the start that is still under way (Kestrel's bind
    /// for the ASP.NET Core integration), and <c>RunAsync</c> throws that cancellation. Left unhandled it killed the
    /// process with SIGABRT (exit 134) on a stop the host asked for; it is a clean exit.
    /// </summary>
    public static async Task RunUntilStoppedAsync(this IHost host)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await host.RunAsync();
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped while starting, as asked: nothing was serving yet, and RunAsync has disposed the host.
        }
    }
}
