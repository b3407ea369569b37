namespace FunctionsApp.Metrics;

/// <summary>A metric as this feature understands it.</summary>
/// <param name="Name">Name in the REST API (<c>Percentage CPU</c>).</param>
/// <param name="Kind">CPU or memory.</param>
/// <param name="ExpectedUnit">The unit Azure Monitor documents for it (<c>Percent</c>, <c>Bytes</c>, <c>NanoCores</c>).</param>
/// <param name="LowerIsWorse">True for "available" metrics, where pressure shows as a fall.</param>
internal sealed record MetricDefinition(string Name, MetricKind Kind, string ExpectedUnit, bool LowerIsWorse = false);
