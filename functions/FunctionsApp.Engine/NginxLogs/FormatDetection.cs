namespace FunctionsApp.NginxLogs;

/// <summary>What <see cref="LogFormatDetector"/> found in an input's first lines: the format (null when none
/// fits) and the prefix shape to remove from every line before it.</summary>
internal sealed record FormatDetection(AccessLogFormat? Format, LinePrefix Prefix);
