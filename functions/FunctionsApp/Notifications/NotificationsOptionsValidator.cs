using Microsoft.Extensions.Options;

namespace FunctionsApp.Notifications;

/// <summary>Cross-field rules; messages name the bad value but never print a URL or secret.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Receivers.Count; i++)
        {
            var receiver = options.Receivers[i];
            if (!names.Add(receiver.Name))
            {
                failures.Add($"Notifications:Receivers:{i}:Name '{receiver.Name}' is used twice.");
            }

            if (receiver.Url is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Notifications:Receivers:{i}:Url of '{receiver.Name}' must be an absolute https URL.");
            }

            if (receiver.Type == ReceiverType.Webhook && (receiver.Secret is null || receiver.Secret.Length < 32))
            {
                failures.Add($"Notifications:Receivers:{i}:Secret of webhook '{receiver.Name}' must be at least 32 characters.");
            }
        }

        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            if (route.Receivers.Count == 0)
            {
                failures.Add($"Notifications:Routes:{i}:Receivers must name at least one receiver.");
            }

            foreach (var receiver in route.Receivers.Where(r => !names.Contains(r)))
            {
                failures.Add($"Notifications:Routes:{i}:Receivers names '{receiver}', which is not a configured receiver.");
            }

            foreach (var label in route.GroupBy.Where(l => l is not ("site" or "host" or "upstream" or "cause" or "route")))
            {
                failures.Add($"Notifications:Routes:{i}:GroupBy '{label}' is not one of site, host, upstream, cause, route.");
            }

            if (route.GroupBy.Contains("route") && route.GroupBy.Count > 1)
            {
                failures.Add($"Notifications:Routes:{i}:GroupBy 'route' (one group for the whole route) cannot be combined with other labels.");
            }
        }

        if (options.PublicBaseUrl is { IsAbsoluteUri: false } relative)
        {
            failures.Add($"Notifications:PublicBaseUrl must be absolute, got '{relative}'.");
        }

        Positive(failures, nameof(options.GroupWait), options.GroupWait, allowZero: true);
        Positive(failures, nameof(options.GroupInterval), options.GroupInterval, allowZero: false);
        Positive(failures, nameof(options.RepeatInterval), options.RepeatInterval, allowZero: false);
        Positive(failures, nameof(options.SendTimeout), options.SendTimeout, allowZero: false);
        Positive(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay, allowZero: false);
        Positive(failures, nameof(options.ClaimDuration), options.ClaimDuration, allowZero: false);
        if (options.SentRetention < TimeSpan.FromDays(1))
        {
            failures.Add($"Notifications:SentRetention must be at least one day (the daily digest counts sent items), got {options.SentRetention}.");
        }

        Positive(failures, nameof(options.LateAlertMaxAge), options.LateAlertMaxAge, allowZero: true);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add($"Notifications:RetryMaxDelay ({options.RetryMaxDelay}) must not be less than RetryBaseDelay ({options.RetryBaseDelay}).");
        }

        if (options.ClaimDuration <= options.SendTimeout)
        {
            failures.Add($"Notifications:ClaimDuration ({options.ClaimDuration}) must exceed SendTimeout ({options.SendTimeout}), or a slow send could be taken over and sent twice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            failures.Add($"Notifications:{name} must be {(allowZero ? "zero or more" : "positive")}, got {value}.");
        }
    }
}
