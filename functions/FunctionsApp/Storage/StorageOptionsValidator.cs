using Microsoft.Extensions.Options;

namespace FunctionsApp.Storage;

/// <summary>Data annotations of <see cref="StorageOptions"/>, checked by generated code (no reflection, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class StorageOptionsAnnotationsValidator : IValidateOptions<StorageOptions>;

/// <summary>Cross-field rules of <see cref="StorageOptions"/>; messages state the bad values.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasConnectionString == (options.ServiceUri is not null))
        {
            return ValidateOptionsResult.Fail(
                $"Set exactly one of Storage:ConnectionString and Storage:ServiceUri (connection string set: {hasConnectionString}, ServiceUri: '{options.ServiceUri}').");
        }

        if (options.ServiceUri is { IsAbsoluteUri: false } relative)
        {
            return ValidateOptionsResult.Fail($"Storage:ServiceUri must be absolute, got '{relative}'.");
        }

        if (options.NetworkTimeout < TimeSpan.FromSeconds(1) || options.NetworkTimeout > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail($"Storage:NetworkTimeout must be between 00:00:01 and 00:10:00, got '{options.NetworkTimeout}'.");
        }

        if (options.RetryAfter < TimeSpan.FromSeconds(1) || options.RetryAfter > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail($"Storage:RetryAfter must be between 00:00:01 and 01:00:00, got '{options.RetryAfter}'.");
        }

        if (options.TableServiceUri is { IsAbsoluteUri: false } relativeTable)
        {
            return ValidateOptionsResult.Fail($"Storage:TableServiceUri must be absolute, got '{relativeTable}'.");
        }

        if (options.TimelineRetention < TimeSpan.FromDays(1) || options.TimelineRetention > TimeSpan.FromDays(400))
        {
            return ValidateOptionsResult.Fail($"Storage:TimelineRetention must be from 1 to 400 days, got '{options.TimelineRetention}'.");
        }

        if (StorageTables.IncidentIndexSuffixes.Any(suffix => string.Equals(options.IncidentIndexTable + suffix, options.TimelineTable, StringComparison.OrdinalIgnoreCase)))
        {
            return ValidateOptionsResult.Fail(
                $"Storage tables must differ: the incident index's ('{options.IncidentIndexTable}', with 'site', 'upstream', 'host', 'cause' or 'open' after it), timeline '{options.TimelineTable}'.");
        }

        string[] names = [options.LogsContainer, options.StateContainer, options.IncidentsContainer];
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            return ValidateOptionsResult.Fail(
                $"Storage containers must differ: logs '{options.LogsContainer}', state '{options.StateContainer}', incidents '{options.IncidentsContainer}'.");
        }

        return ValidateOptionsResult.Success;
    }
}
