namespace FunctionsApp.NginxLogs;

/// <summary>
/// Text a runtime, shipper or syslog daemon puts before the line nginx wrote. A prefix is one or more
/// layers in a fixed order (<c>docker compose logs -t</c> is <see cref="DockerCompose"/> then <see cref="Rfc3339"/>).
/// </summary>
internal enum PrefixLayer
{
    /// <summary>BSD syslog (RFC 3164), as nginx's <c>syslog:</c> logging sends it and as syslog-ng, rsyslog's
    /// traditional format and journald's default output write it: <c>[&lt;163&gt;]Jun 28 09:08:38 host nginx[1234]: </c>.
    /// No year and no zone.</summary>
    SyslogRfc3164,

    /// <summary>RFC 5424: <c>&lt;163&gt;1 2025-06-28T09:08:38.123+00:00 host nginx - - - </c>, with or without
    /// structured data.</summary>
    SyslogRfc5424,

    /// <summary>A syslog file line with an RFC 3339 time (rsyslog's <c>RSYSLOG_FileFormat</c>, <c>journalctl -o
    /// short-iso</c>, syslog-ng's <c>$ISODATE</c>): <c>2025-06-28T09:08:38.123456+00:00 host nginx: </c>.</summary>
    SyslogIso,

    /// <summary><c>docker logs -t</c>, <c>kubectl logs --timestamps</c>: <c>2017-05-10T06:50:00.434123456Z </c>.</summary>
    Rfc3339,

    /// <summary>The container runtime's file format (<c>/var/log/containers/*.log</c>):
    /// <c>2023-10-06T00:17:09.669794202Z stdout F </c>.</summary>
    Cri,

    /// <summary><c>docker compose logs</c>/<c>up</c>: <c>nginx-1  | </c>, <c>web_1    | </c>.</summary>
    DockerCompose,

    /// <summary><c>kubectl logs --prefix</c>: <c>[pod/name/container] </c>.</summary>
    KubectlPrefix,

    /// <summary>A bare syslog tag, <c>nginx: </c> or <c>nginx[1234]: </c>, perhaps after a host (<c>frontend.0 nginx: </c>): what is left when a daemon took nginx's
    /// hostname for the program name (syslog-ng's RFC 5424 output of what nginx sends to a unix socket).</summary>
    SyslogTag,

    /// <summary>The label set Loki's <c>logcli query</c> prints between the time and the line (after
    /// <see cref="Rfc3339"/>): <c>{filename="/var/log/nginx/access.log", job="nginx"} </c>, padded with spaces.</summary>
    LokiLabels,

    /// <summary>Any text a tool prints before an nginx JSON access line (<c>stern</c>'s <c>pod container </c>, a
    /// <c>tag: </c>, a tab-separated time and tag): everything before an object that runs to the end of the line.
    /// Kept only when removing it makes more lines parse.</summary>
    BeforeJson,

    /// <summary>One word a tool prints before each line, after the layers above or alone: <c>stern</c>'s pod and
    /// container (<c>web-7d4b9c-x2x9z nginx </c>), the log stream <c>aws logs tail</c> prints after its time
    /// (<c>i-0abc123/nginx </c>). A name that starts with a letter, without quotes, brackets, <c>=</c> or <c>:</c>.
    /// Kept only when removing it makes more lines parse (a format may start with <c>$host</c>).</summary>
    Word,

    /// <summary>The columns of a Papertrail archive (its hourly <c>.tsv.gz</c> files) before the message: id,
    /// generated_at, received_at, source_id, source_name, source_ip, facility_name, severity_name, program, each
    /// followed by a tab (<c>50342052⇥2011-02-10 00:19:36 -0800⇥…⇥nginx⇥</c>).</summary>
    PapertrailArchive,

    /// <summary>Spaces or tabs before the line: a log pasted indented (a Markdown or reStructuredText code block, a
    /// quoted e-mail). nginx starts no line with a blank.</summary>
    Indent,

    /// <summary>The file name grep puts before each match when it searched several files (<c>grep -r 502
    /// /var/log/nginx/</c>, <c>zgrep</c>): <c>/var/log/nginx/access.log:</c>, <c>./error.log.1:</c>, and with
    /// <c>-n</c> the line's number, <c>access.log:1842:</c>. The name holds "log" as a word of its own.</summary>
    GrepFile,
}
