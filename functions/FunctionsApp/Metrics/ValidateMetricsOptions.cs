using Microsoft.Extensions.Options;

namespace FunctionsApp.Metrics;

/// <summary>DataAnnotations checks, generated at compile time (no reflection under Native AOT).</summary>
[OptionsValidator]
internal sealed partial class ValidateMetricsOptions : IValidateOptions<MetricsOptions>;
