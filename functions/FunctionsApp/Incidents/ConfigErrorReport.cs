namespace FunctionsApp.Incidents;

/// <summary>
/// A configuration or startup line of the error log (<c>[emerg] host not found in upstream "php-fpm:9000" in
/// /etc/nginx/conf.d/default.conf:2</c>, <c>bind() to 0.0.0.0:80 failed</c>): not a failed request, but often why
/// the requests after it fail. Reported once per distinct line with how often nginx wrote it (a restart loop
/// writes the same one again and again).
/// </summary>
/// <param name="Level">emerg, alert, crit, error or warn.</param>
/// <param name="Time">When it was first written, or null for nginx's stderr (<c>nginx: [emerg] …</c>), which has no time.</param>
/// <param name="Message">The message, without the file and line it names.</param>
/// <param name="File">The configuration file, when the message names one.</param>
/// <param name="Line">Its line.</param>
/// <param name="Count">How many times it was written.</param>
public sealed record ConfigErrorReport(string Level, DateTimeOffset? Time, string Message, string? File, int? Line, long Count);
