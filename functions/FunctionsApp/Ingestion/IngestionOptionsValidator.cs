using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Ingestion;

/// <summary>Data annotations of <see cref="IngestionOptions"/>, checked by generated code.</summary>
[OptionsValidator]
internal sealed partial class IngestionOptionsAnnotationsValidator : IValidateOptions<IngestionOptions>;

/// <summary>Cross-field and per-source rules of <see cref="IngestionOptions"/>; messages state the bad values.</summary>
internal sealed partial class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var failures = new List<string>();
        if (options.MaxLineBytes > options.MaxDecodedBytes)
        {
            failures.Add($"Ingestion:MaxLineBytes ({options.MaxLineBytes}) exceeds Ingestion:MaxDecodedBytes ({options.MaxDecodedBytes}).");
        }

        if (options.LineKeys.Length == 0 || options.LineKeys.Any(string.IsNullOrEmpty))
        {
            failures.Add("Ingestion:LineKeys needs at least one key and no empty ones.");
        }

        if (options.StorageDeadline < TimeSpan.FromSeconds(1) || options.StorageDeadline > TimeSpan.FromSeconds(30))
        {
            failures.Add($"Ingestion:StorageDeadline must be from 1 to 30 seconds, not {options.StorageDeadline}.");
        }

        if (options.ContentDedupWindow < TimeSpan.Zero || options.ContentDedupWindow > TimeSpan.FromDays(7))
        {
            failures.Add($"Ingestion:ContentDedupWindow must be from 0 to 7 days, not {options.ContentDedupWindow}.");
        }

        foreach (var (source, settings) in options.Sources)
        {
            if (!NamePattern().IsMatch(source))
            {
                failures.Add($"Ingestion:Sources:{source}: a source name is 1-64 letters, digits, '-' or '_'.");
            }

            if (settings.Site is { } site && !NamePattern().IsMatch(site))
            {
                failures.Add($"Ingestion:Sources:{source}:Site '{site}': a site is 1-64 letters, digits, '-' or '_'.");
            }

            if (!Enum.IsDefined(settings.Kind))
            {
                failures.Add($"Ingestion:Sources:{source}:Kind '{settings.Kind}' is none of Access, Error and Auto.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
