namespace LogGenerator;

/// <summary>What a run wrote.</summary>
internal readonly record struct GenerationSummary(long Lines, long Bytes, long GatewayErrors, long RecoveredTries, long ErrorLines);
