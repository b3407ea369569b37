using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Worker.Tests.Support;

/// <summary>A POST received by <see cref="HttpsReceiver"/>.</summary>
internal sealed record ReceivedPost(string Path, string Body, string? IdempotencyKey);

/// <summary>
/// A webhook receiver (standing in for Slack) on https://127.0.0.1 with a self-signed certificate for that address:
/// it answers 200 to every POST and keeps what it got. The worker runs in a process of its own, so it trusts the
/// certificate the way any .NET process on Linux takes extra roots: <see cref="CertificateFile"/> given as
/// <c>SSL_CERT_FILE</c>.
/// </summary>
internal sealed class HttpsReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedPost> _posts;
    private readonly string _directory;

    private HttpsReceiver(WebApplication app, ConcurrentQueue<ReceivedPost> posts, string directory)
    {
        _app = app;
        _posts = posts;
        _directory = directory;
        BaseUri = new Uri(app.Urls.Single());
    }

    public Uri BaseUri { get; }

    /// <summary>The certificate, PEM: the only root a process given it as <c>SSL_CERT_FILE</c> trusts.</summary>
    public string CertificateFile => Path.Combine(_directory, "receiver.pem");

    public IReadOnlyList<ReceivedPost> Posts => _posts.ToArray();

    public static async Task<HttpsReceiver> StartAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = TimeProvider.System.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);

        var directory = Directory.CreateTempSubdirectory("https-receiver-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "receiver.pem"), certificate.ExportCertificatePem());

        var posts = new ConcurrentQueue<ReceivedPost>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpRequest http) =>
        {
            using var reader = new StreamReader(http.Body);
            posts.Enqueue(new ReceivedPost(http.Path, await reader.ReadToEndAsync(), http.Headers["Idempotency-Key"].FirstOrDefault()));
            return Results.Text("ok");
        });
        await app.StartAsync();
        return new HttpsReceiver(app, posts, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
