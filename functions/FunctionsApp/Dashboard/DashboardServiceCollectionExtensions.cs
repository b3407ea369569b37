namespace FunctionsApp.Dashboard;

internal static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's access check; its pages and data need the query, analysis and notification features.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardAccess>();
        return services;
    }
}
