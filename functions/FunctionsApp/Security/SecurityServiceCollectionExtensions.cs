namespace FunctionsApp.Security;

/// <summary>Registers standalone function-key checking.</summary>
internal static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddFunctionKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.SectionName))
            .ValidateOnStart();
        return services;
    }
}
