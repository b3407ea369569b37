using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FunctionsApp.IntegrationTests.Parsing;

/// <summary>
/// A real nginx (<c>/usr/sbin/nginx</c>) in a private prefix that listens on unix sockets only: clients reach it
/// through <see cref="Client"/>, so no TCP port is chosen, raced for or leaked. The client's address comes from
/// <c>X-Forwarded-For</c> through the realip module (<c>set_real_ip_from unix:</c>), so <c>$remote_addr</c> is an
/// IP address as in production.
/// </summary>
internal sealed class NginxInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxInstance(string prefix, Process process)
    {
        Prefix = prefix;
        _process = process;
        Client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(FrontSocket), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri("http://nginx.lab"),
            Timeout = TimeSpan.FromSeconds(20),
        };
    }

    public string Prefix { get; }

    /// <summary>Where every <c>server</c> of the configuration should <c>listen</c>.</summary>
    public string FrontSocket => Path.Combine(Prefix, "front.sock");

    public string ErrorLogPath => Path.Combine(Prefix, "error.log");

    public HttpClient Client { get; }

    /// <summary>Writes the configuration around <paramref name="httpConfig"/> (which may use <c>{prefix}</c>) and starts nginx.</summary>
    public static async Task<NginxInstance> StartAsync(string prefix, string httpConfig, string? timeZone, string? errorLog, CancellationToken cancellationToken)
    {
        var user = Environment.IsPrivilegedProcess ? "user root;\n" : string.Empty;
        var config = $$"""
            {{user}}worker_processes 1;
            error_log {{errorLog ?? Path.Combine(prefix, "error.log") + " info"}};
            pid {{prefix}}/nginx.pid;
            events { worker_connections 256; }
            http {
                client_body_temp_path {{prefix}}/client_body_temp;
                proxy_temp_path {{prefix}}/proxy_temp;
                fastcgi_temp_path {{prefix}}/fastcgi_temp;
                uwsgi_temp_path {{prefix}}/uwsgi_temp;
                scgi_temp_path {{prefix}}/scgi_temp;
                set_real_ip_from unix:;
                real_ip_header X-Forwarded-For;
                server {
                    listen unix:{{prefix}}/front.sock default_server;
                    server_name lab-ready;
                    access_log off;
                    location = /ready { return 204; }
                }
            {{httpConfig.Replace("{prefix}", prefix, StringComparison.Ordinal)}}
            }

            """;
        var path = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(path, config, cancellationToken);
        var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", prefix + "/", "-c", path, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        if (timeZone is not null)
        {
            start.Environment["TZ"] = timeZone;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var nginx = new NginxInstance(prefix, process);
        process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await nginx.WaitUntilReadyAsync(cancellationToken);
        return nginx;
    }

    /// <summary>Sends a request with a Host header and a client address; returns the status.</summary>
    public async Task<int> SendAsync(HttpMethod method, string host, string target, string client, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, target);
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", client);
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) lab-client/1.0");
        using var response = await Client.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Graceful stop: nginx finishes and closes its logs.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var quit = Process.Start("/bin/kill", ["-QUIT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await quit.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Client.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}:\n{Output()}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/ready");
                request.Headers.Host = "lab-ready";
                using var response = await Client.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The socket is not there yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("nginx was not ready after 30 s:\n" + Output());
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
