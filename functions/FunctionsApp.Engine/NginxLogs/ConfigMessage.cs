namespace FunctionsApp.NginxLogs;

/// <summary>
/// A line nginx wrote while reading its configuration or starting (<c>[emerg] host not found in upstream
/// "php-fpm:9000" in /etc/nginx/conf.d/default.conf:2</c>, <c>bind() to 0.0.0.0:80 failed (98: …)</c>): not a
/// request failure, but often why the requests that follow fail.
/// </summary>
/// <param name="Level">Its level.</param>
/// <param name="LocalTime">The error log's local <c>yyyy/MM/dd HH:mm:ss</c>, or null for nginx's stderr
/// (<c>nginx: [emerg] …</c>), which has none.</param>
/// <param name="Message">The message without the <c> in FILE:LINE</c> it ends with.</param>
/// <param name="File">The configuration file named, or null.</param>
/// <param name="Line">Its line number, or null.</param>
internal sealed record ConfigMessage(ErrorLevel Level, string? LocalTime, string Message, string? File, int? Line);
