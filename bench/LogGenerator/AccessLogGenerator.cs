using System.Buffers.Text;
using System.Text;

namespace LogGenerator;

/// <summary>
/// Writes a realistic nginx access log, and optionally the matching error log, straight to streams:
/// several virtual hosts with their upstream pools (TCP and a unix socket), paths with query strings,
/// varied clients and user agents, ~98% 2xx/3xx/4xx, and bursts of 502/503/504 during which one
/// upstream (or a whole pool) fails, with multi-try upstream values (<c>10.0.1.11:8080, 10.0.1.12:8080</c> /
/// <c>502, 200</c>) when nginx moved on to the next server. Deterministic for a seed; nothing is kept in
/// memory beyond one output buffer per stream.
/// </summary>
internal sealed class AccessLogGenerator
{
    private const int FlushAt = (1 << 20) - (32 * 1024);

    private static readonly byte[][] Months =
        [.. "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".Split(' ').Select(Encoding.ASCII.GetBytes)];

    private static readonly byte[][] Agents = Ascii(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.51",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Go-http-client/2.0",
        "okhttp/4.12.0",
        "kube-probe/1.31",
        "Prometheus/2.54.1");

    private static readonly byte[][] Referers = Ascii(
        "-", "-", "-", "https://www.google.com/", "https://shop.example.com/", "https://shop.example.com/cart",
        "https://www.google.com/search?q=winter+wool+jackets+sale&sca_esv=5f3b2a1c&source=hp&ei=Zk9DZ8XKAb2Ixc8PkfmA&oq=winter+wool",
        "https://shop.example.com/products/48213?ref=home&utm_source=newsletter&utm_medium=email&utm_campaign=black-friday-2026",
        "https://www.bing.com/search?q=example+shop", "https://duckduckgo.com/", "https://shop.example.com/category/shoes?page=2",
        "android-app://com.google.android.gm/");

    private static readonly byte[][] Words = Ascii(
        "shoes", "jackets", "hats", "socks", "bags", "watches", "sale", "new", "kids", "outdoor", "running", "winter",
        "blue", "leather", "wool", "gift", "black", "classic", "sport", "travel");

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    private readonly GeneratorOptions _options;
    private readonly Random _random;
    private readonly Site[] _sites;
    private readonly int[] _siteByPercent = new int[100];
    private readonly byte[][] _clients;
    private readonly byte[] _access = new byte[1 << 20];
    private readonly byte[] _error = new byte[1 << 20];
    private readonly byte[] _timeLocal = new byte[26];
    private readonly byte[] _timeIso = new byte[25];
    private readonly byte[] _errorTime = new byte[19];
    private readonly byte[] _path = new byte[1024];
    private int _accessLength;
    private int _errorLength;
    private int _pathLength;
    private long _second = -1;
    private long _connection = 1000;
    private Burst? _burst;
    private long _quietUntil;

    public AccessLogGenerator(GeneratorOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _sites =
        [
            new Site("api.example.com", "api_backend", 40, ["10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.13:8080"],
                ["/api/v1/users/{i}", "/api/v1/users/{i}/orders?page={n}&per_page=20", "/api/v1/products?category={w}&sort=price_asc&page={n}",
                 "/api/v1/search?q={w}+{w}&limit=50", "/api/v2/carts/{h}/items", "/api/v1/inventory/{i}?fields=stock,price", "/healthz"]),
            new Site("shop.example.com", "shop_frontend", 30, ["10.0.2.21:3000", "10.0.2.22:3000"],
                ["/", "/products/{i}?ref=home&utm_source=newsletter&utm_medium=email", "/category/{w}?page={n}", "/cart", "/checkout?step={n}",
                 "/static/js/app.{h}.js", "/static/css/main.{h}.css", "/images/products/{i}.jpg", "/search?q={w}"]),
            new Site("auth.example.com", "auth_service", 12, ["10.0.3.31:9000", "10.0.3.32:9000"],
                ["/oauth2/authorize?client_id={h}&response_type=code&redirect_uri=https%3A%2F%2Fshop.example.com%2Fcallback&state={h}",
                 "/oauth2/token", "/login?next=%2Faccount%2F{i}", "/.well-known/openid-configuration", "/userinfo"]),
            new Site("static.example.com", null, 13, [],
                ["/assets/{h}.png", "/fonts/inter-{w}.woff2", "/favicon.ico", "/robots.txt"]),
            new Site("admin.example.com", "php_fpm", 5, ["unix:/run/php/php8.2-fpm.sock"],
                ["/wp-admin/admin-ajax.php?action={w}&_={i}", "/index.php?route=report/{w}&id={i}", "/wp-login.php"]),
        ];

        var percent = 0;
        for (var s = 0; s < _sites.Length; s++)
        {
            for (var k = 0; k < _sites[s].Weight; k++)
            {
                _siteByPercent[percent++] = s;
            }
        }

        _clients = new byte[4000][];
        for (var i = 0; i < _clients.Length; i++)
        {
            _clients[i] = i % 40 == 39
                ? Encoding.ASCII.GetBytes($"2001:db8:{_random.Next(0x10000):x}::{_random.Next(0x10000):x}")
                : Encoding.ASCII.GetBytes($"{_random.Next(1, 224)}.{_random.Next(256)}.{_random.Next(256)}.{_random.Next(1, 255)}");
        }

        _quietUntil = NextQuiet(0);
    }

    /// <summary>Writes <paramref name="lines"/> access-log lines (and their error-log lines when <paramref name="errors"/> is given).</summary>
    public GenerationSummary Write(Stream access, Stream? errors, long lines)
    {
        var meanGapMillis = 1000.0 / _options.RequestsPerSecond;
        var millis = 0.0;
        long bytes = 0, gateway = 0, recovered = 0, errorLines = 0;
        for (long n = 0; n < lines; n++)
        {
            millis += -Math.Log(1 - _random.NextDouble()) * meanGapMillis;
            var now = (long)millis;
            UpdateTime(now / 1000);
            UpdateBurst(now);
            var outcome = WriteRequest(now);
            gateway += outcome.Gateway ? 1 : 0;
            recovered += outcome.Recovered ? 1 : 0;
            errorLines += outcome.ErrorLines;

            if (_accessLength >= FlushAt)
            {
                access.Write(_access, 0, _accessLength);
                bytes += _accessLength;
                _accessLength = 0;
            }

            if (_errorLength >= FlushAt)
            {
                errors?.Write(_error, 0, _errorLength);
                _errorLength = 0;
            }
        }

        access.Write(_access, 0, _accessLength);
        bytes += _accessLength;
        _accessLength = 0;
        errors?.Write(_error, 0, _errorLength);
        _errorLength = 0;
        return new GenerationSummary(lines, bytes, gateway, recovered, errorLines);
    }

    private Outcome WriteRequest(long now)
    {
        var site = _sites[_siteByPercent[_random.Next(100)]];
        var client = _clients[(int)(_clients.Length * Math.Pow(_random.NextDouble(), 3))];
        var connection = _connection += 1 + _random.Next(3);
        var pid = 31 + _random.Next(2);
        WritePath(site);
        var method = site.Upstreams.Length == 0 ? "GET"u8 : Method();
        var http2 = _random.Next(100) < 15;

        // What happened: normal traffic, or part of a burst on this site.
        Span<Try> tries = stackalloc Try[3];
        var tryCount = 0;
        int status;
        var requestMillis = ResponseMillis(site);
        var failure = FailureKind.None;
        if (_burst is { } burst && burst.Site == site && _random.Next(100) < burst.Percent)
        {
            failure = burst.Kind;
            status = failure switch
            {
                FailureKind.TimedOut => 504,
                FailureKind.RateLimited => 503,
                _ => 502,
            };
            switch (failure)
            {
                case FailureKind.RateLimited:
                    requestMillis = 0;
                    break;
                case FailureKind.NoLiveUpstreams:
                    tries[tryCount++] = new Try(-1, 502, -1, -1, 0);
                    requestMillis = 0;
                    break;
                default:
                    var first = burst.AllDown ? _random.Next(site.Upstreams.Length) : burst.Upstream;
                    tries[tryCount++] = FailedTry(first, failure);
                    requestMillis = tries[0].ResponseMillis;
                    if (site.Upstreams.Length > 1 && (burst.AllDown || _random.Next(100) < 55))
                    {
                        var next = (first + 1) % site.Upstreams.Length;
                        if (burst.AllDown)
                        {
                            tries[tryCount++] = FailedTry(next, failure);
                        }
                        else
                        {
                            var ok = ResponseMillis(site);
                            tries[tryCount++] = new Try(next, 200, 1 + _random.Next(3), ok - 1, ok);
                            status = 200;
                            failure = FailureKind.None;
                        }

                        requestMillis += tries[1].ResponseMillis;
                    }

                    break;
            }
        }
        else
        {
            status = NormalStatus(method);
            if (site.Upstreams.Length > 0)
            {
                var header = Math.Max(1, requestMillis - _random.Next(5));
                tries[tryCount++] = new Try(_random.Next(site.Upstreams.Length), status == 499 ? -1 : status, _random.Next(3), header, requestMillis);
            }
            else if (status == 502)
            {
                status = 404;
            }

            if (status == 502)
            {
                // A lone "upstream prematurely closed" outside any burst: it happens.
                failure = FailureKind.PrematurelyClosed;
                tries[0] = FailedTry(tries[0].Upstream, failure);
            }
        }

        var bodyBytes = status switch
        {
            204 or 304 => 0,
            >= 500 => 157 + _random.Next(400),
            >= 400 => 150 + _random.Next(300),
            301 or 302 => 162,
            _ => 200 + _random.Next(60_000),
        };

        WriteAccessLine(site, client, method, http2, status, bodyBytes, requestMillis, tries[..tryCount]);

        var errorLines = 0;
        if (failure != FailureKind.None || tryCount > 1)
        {
            for (var t = 0; t < tryCount; t++)
            {
                if (tries[t].Status >= 502)
                {
                    WriteErrorLine(site, client, method, http2, pid, connection, failure == FailureKind.None ? FailureKindOf(tries[t]) : failure, tries[t]);
                    errorLines++;
                }
            }

            if (failure == FailureKind.RateLimited)
            {
                WriteErrorLine(site, client, method, http2, pid, connection, failure, default);
                errorLines++;
            }
        }
        else if (_random.Next(2500) == 0)
        {
            WriteNoise(site, client, method, http2, pid, connection);
            errorLines++;
        }

        return new Outcome(status is 502 or 503 or 504, status < 500 && tryCount > 1, errorLines);
    }

    private static FailureKind FailureKindOf(Try t) => t.Status == 504 ? FailureKind.TimedOut : FailureKind.Refused;

    private Try FailedTry(int upstream, FailureKind kind) => kind switch
    {
        FailureKind.Refused => new Try(upstream, 502, -1, -1, _random.Next(3)),
        FailureKind.TimedOut => new Try(upstream, 504, 1 + _random.Next(3), -1, 60_000 + _random.Next(5)),
        _ => new Try(upstream, 502, 1 + _random.Next(3), -1, 200 + _random.Next(3000)),
    };

    private void WriteAccessLine(Site site, byte[] client, ReadOnlySpan<byte> method, bool http2, int status, int bodyBytes, int requestMillis, ReadOnlySpan<Try> tries)
    {
        var agent = Agents[(int)(Agents.Length * Math.Pow(_random.NextDouble(), 1.7))];
        var referer = Referers[_random.Next(Referers.Length)];
        var user = site.Name == "admin.example.com" && _random.Next(2) == 0 ? "ops"u8 : "-"u8;
        if (_options.Format == GeneratedFormat.Json)
        {
            PutA("{\"time_iso8601\":\""u8); PutA(_timeIso); PutA("\",\"remote_addr\":\""u8); PutA(client);
            PutA("\",\"remote_user\":\""u8); PutA(user); PutA("\",\"request\":\""u8); PutRequest(method, http2);
            PutA("\",\"status\":"u8); PutNumber(status); PutA(",\"body_bytes_sent\":"u8); PutNumber(bodyBytes);
            PutA(",\"http_referer\":\""u8); PutA(referer); PutA("\",\"http_user_agent\":\""u8); PutA(agent);
            PutA("\",\"host\":\""u8); PutA(site.NameBytes); PutA("\",\"request_time\":"u8); PutSeconds(requestMillis);
            PutA(",\"upstream_addr\":\""u8); PutUpstreams(site, tries);
            PutA("\",\"upstream_status\":\""u8); PutTries(tries, 0);
            PutA("\",\"upstream_connect_time\":\""u8); PutTries(tries, 1);
            PutA("\",\"upstream_header_time\":\""u8); PutTries(tries, 2);
            PutA("\",\"upstream_response_time\":\""u8); PutTries(tries, 3);
            PutA("\"}\n"u8);
            return;
        }

        PutA(client); PutA(" - "u8); PutA(user); PutA(" ["u8); PutA(_timeLocal); PutA("] \""u8); PutRequest(method, http2);
        PutA("\" "u8); PutNumber(status); PutA(" "u8); PutNumber(bodyBytes);
        PutA(" \""u8); PutA(referer); PutA("\" \""u8); PutA(agent); PutA("\""u8);
        if (_options.Format == GeneratedFormat.Upstream)
        {
            PutA(" \""u8); PutA(site.NameBytes); PutA("\" "u8); PutSeconds(requestMillis);
            PutA(" "u8); PutUpstreams(site, tries);
            PutA(" "u8); PutTries(tries, 0);
            PutA(" "u8); PutTries(tries, 1);
            PutA(" "u8); PutTries(tries, 2);
            PutA(" "u8); PutTries(tries, 3);
        }

        PutA("\n"u8);
    }

    private void WriteErrorLine(Site site, byte[] client, ReadOnlySpan<byte> method, bool http2, int pid, long connection, FailureKind kind, Try attempt)
    {
        PutE(_errorTime);
        PutE(" [error] "u8);
        PutNumberE(pid); PutE("#"u8); PutNumberE(pid); PutE(": *"u8); PutNumberE(connection); PutE(" "u8);
        var address = attempt.Upstream >= 0 && site.Upstreams.Length > 0 ? site.Upstreams[attempt.Upstream] : site.GroupBytes;
        switch (kind)
        {
            case FailureKind.Refused when site.Upstreams[0][0] == 'u':
                PutE("connect() to "u8); PutE(address); PutE(" failed (111: Connection refused) while connecting to upstream"u8);
                break;
            case FailureKind.Refused:
                PutE("connect() failed (111: Connection refused) while connecting to upstream"u8);
                break;
            case FailureKind.TimedOut:
                PutE("upstream timed out (110: Connection timed out) while reading response header from upstream"u8);
                break;
            case FailureKind.PrematurelyClosed:
                PutE("upstream prematurely closed connection while reading response header from upstream"u8);
                break;
            case FailureKind.NoLiveUpstreams:
                PutE("no live upstreams while connecting to upstream"u8);
                break;
            default:
                PutE("limiting requests, excess: "u8); PutNumberE(5 + _random.Next(20)); PutE("."u8); PutNumberE(100 + _random.Next(900));
                PutE(" by zone \"perip\""u8);
                break;
        }

        PutE(", client: "u8); PutE(client); PutE(", server: "u8); PutE(site.NameBytes); PutE(", request: \""u8);
        PutE(method); PutE(" "u8); PutE(_path.AsSpan(0, _pathLength)); PutE(http2 ? " HTTP/2.0\""u8 : " HTTP/1.1\""u8);
        if (kind != FailureKind.RateLimited && address is not null)
        {
            var unix = address[0] == 'u';
            PutE(", upstream: \""u8); PutE(unix ? "fastcgi://"u8 : "http://"u8); PutE(address);
            PutE(unix ? ":"u8 : _path.AsSpan(0, _pathLength)); PutE("\""u8);
        }

        PutE(", host: \""u8); PutE(site.NameBytes); PutE("\"\n"u8);
    }

    private void WriteNoise(Site site, byte[] client, ReadOnlySpan<byte> method, bool http2, int pid, long connection)
    {
        PutE(_errorTime); PutE(" [warn] "u8); PutNumberE(pid); PutE("#"u8); PutNumberE(pid); PutE(": *"u8); PutNumberE(connection);
        if (site.Upstreams.Length == 0)
        {
            var path = _path.AsSpan(0, _pathLength);
            var query = path.IndexOf((byte)'?');
            PutE(" open() \"/var/www/static"u8); PutE(query < 0 ? path : path[..query]);
            PutE("\" failed (2: No such file or directory)"u8);
        }
        else
        {
            PutE(" an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/"u8); PutNumberE(_random.Next(10));
            PutE("/0"u8); PutNumberE(_random.Next(10)); PutE("/00000"u8); PutNumberE(10_000 + _random.Next(90_000)); PutE(" while reading upstream"u8);
        }

        PutE(", client: "u8); PutE(client); PutE(", server: "u8); PutE(site.NameBytes); PutE(", request: \""u8);
        PutE(method); PutE(" "u8); PutE(_path.AsSpan(0, _pathLength)); PutE(http2 ? " HTTP/2.0\""u8 : " HTTP/1.1\""u8);
        PutE(", host: \""u8); PutE(site.NameBytes); PutE("\"\n"u8);
    }

    private void UpdateBurst(long now)
    {
        if (_burst is { } burst && now >= burst.End)
        {
            _burst = null;
            _quietUntil = NextQuiet(now);
        }

        if (_burst is null && now >= _quietUntil)
        {
            // One site in trouble at a time; the api and shop pools are the usual suspects.
            var candidates = _sites.Where(s => s.Upstreams.Length > 0).ToArray();
            var site = candidates[_random.Next(100) < 70 ? _random.Next(2) : _random.Next(candidates.Length)];
            var kind = (FailureKind)(1 + _random.Next(5));
            if (kind == FailureKind.NoLiveUpstreams && site.Upstreams.Length < 2)
            {
                kind = FailureKind.Refused;
            }

            var allDown = kind is FailureKind.Refused or FailureKind.TimedOut && site.Upstreams.Length > 1 && _random.Next(100) < 30;
            _burst = new Burst(site, kind, _random.Next(site.Upstreams.Length), allDown, 20 + _random.Next(80), now + ((20 + _random.Next(160)) * 1000L));
        }
    }

    /// <summary>Gaps between incidents: mostly tens of minutes, so that ~1.5% of requests are gateway errors.</summary>
    private long NextQuiet(long now) => now + ((300 + _random.Next(1500)) * 1000L);

    private ReadOnlySpan<byte> Method() => _random.Next(100) switch
    {
        < 85 => "GET"u8,
        < 93 => "POST"u8,
        < 96 => "HEAD"u8,
        < 98 => "PUT"u8,
        _ => "DELETE"u8,
    };

    private int NormalStatus(ReadOnlySpan<byte> method)
    {
        var r = _random.Next(10_000);
        // 1 in 10,000 is a lone 502: real logs have that noise, and it must not open incidents.
        return r switch
        {
            < 7_600 => method.SequenceEqual("POST"u8) ? 201 : 200,
            < 8_300 => 304,
            < 8_500 => 301,
            < 8_800 => 302,
            < 8_900 => 204,
            < 9_500 => 404,
            < 9_600 => 400,
            < 9_750 => 401,
            < 9_850 => 403,
            < 9_900 => 429,
            < 9_950 => 499,
            < 9_999 => 500,
            _ => 502,
        };
    }

    private int ResponseMillis(Site site)
    {
        // Log-normal-ish: most answers in tens of ms, a long tail to seconds.
        var u = _random.NextDouble();
        var millis = site.Upstreams.Length == 0 ? u * 3 : 5 + (u * u * u * u * 2500);
        return (int)millis;
    }

    private void WritePath(Site site)
    {
        var template = site.Paths[(int)(site.Paths.Length * Math.Pow(_random.NextDouble(), 1.5))];
        var length = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 2 < template.Length && template[i + 2] == '}')
            {
                switch (template[i + 1])
                {
                    case (byte)'i':
                        Utf8Formatter.TryFormat(_random.Next(1, 250_000), _path.AsSpan(length), out var written);
                        length += written;
                        break;
                    case (byte)'n':
                        Utf8Formatter.TryFormat(_random.Next(1, 30), _path.AsSpan(length), out written);
                        length += written;
                        break;
                    case (byte)'w':
                        var word = Words[_random.Next(Words.Length)];
                        word.CopyTo(_path.AsSpan(length));
                        length += word.Length;
                        break;
                    default:
                        var bits = _random.NextInt64();
                        for (var k = 0; k < 12; k++)
                        {
                            _path[length++] = Hex[(int)(bits >> (k * 4)) & 15];
                        }

                        break;
                }

                i += 2;
                continue;
            }

            _path[length++] = c;
        }

        _pathLength = length;
    }

    private void UpdateTime(long second)
    {
        if (second == _second)
        {
            return;
        }

        _second = second;
        var t = _options.Start.AddSeconds(second);
        var offset = t.Offset;
        var sign = offset < TimeSpan.Zero ? (byte)'-' : (byte)'+';
        var oh = Math.Abs(offset.Hours);
        var om = Math.Abs(offset.Minutes);

        // 24/Nov/2026:10:00:01 +0100
        Two(_timeLocal, 0, t.Day); _timeLocal[2] = (byte)'/';
        Months[t.Month - 1].CopyTo(_timeLocal, 3); _timeLocal[6] = (byte)'/';
        Four(_timeLocal, 7, t.Year); _timeLocal[11] = (byte)':';
        Two(_timeLocal, 12, t.Hour); _timeLocal[14] = (byte)':'; Two(_timeLocal, 15, t.Minute); _timeLocal[17] = (byte)':'; Two(_timeLocal, 18, t.Second);
        _timeLocal[20] = (byte)' '; _timeLocal[21] = sign; Two(_timeLocal, 22, oh); Two(_timeLocal, 24, om);

        // 2026-11-24T10:00:01+01:00
        Four(_timeIso, 0, t.Year); _timeIso[4] = (byte)'-'; Two(_timeIso, 5, t.Month); _timeIso[7] = (byte)'-'; Two(_timeIso, 8, t.Day);
        _timeIso[10] = (byte)'T'; Two(_timeIso, 11, t.Hour); _timeIso[13] = (byte)':'; Two(_timeIso, 14, t.Minute); _timeIso[16] = (byte)':';
        Two(_timeIso, 17, t.Second); _timeIso[19] = sign; Two(_timeIso, 20, oh); _timeIso[22] = (byte)':'; Two(_timeIso, 23, om);

        // 2026/11/24 10:00:01 (the error log writes local time without a zone)
        Four(_errorTime, 0, t.Year); _errorTime[4] = (byte)'/'; Two(_errorTime, 5, t.Month); _errorTime[7] = (byte)'/'; Two(_errorTime, 8, t.Day);
        _errorTime[10] = (byte)' '; Two(_errorTime, 11, t.Hour); _errorTime[13] = (byte)':'; Two(_errorTime, 14, t.Minute); _errorTime[16] = (byte)':';
        Two(_errorTime, 17, t.Second);
    }

    private void PutRequest(ReadOnlySpan<byte> method, bool http2)
    {
        PutA(method); PutA(" "u8); PutA(_path.AsSpan(0, _pathLength)); PutA(http2 ? " HTTP/2.0"u8 : " HTTP/1.1"u8);
    }

    private void PutUpstreams(Site site, ReadOnlySpan<Try> tries)
    {
        if (tries.IsEmpty)
        {
            PutA("-"u8);
            return;
        }

        for (var i = 0; i < tries.Length; i++)
        {
            if (i > 0)
            {
                PutA(", "u8);
            }

            PutA(tries[i].Upstream >= 0 ? site.Upstreams[tries[i].Upstream] : site.GroupBytes!);
        }
    }

    /// <summary>One upstream variable over the tries: 0 status, 1 connect, 2 header, 3 response time.</summary>
    private void PutTries(ReadOnlySpan<Try> tries, int what)
    {
        if (tries.IsEmpty)
        {
            PutA("-"u8);
            return;
        }

        for (var i = 0; i < tries.Length; i++)
        {
            if (i > 0)
            {
                PutA(", "u8);
            }

            var t = tries[i];
            var value = what switch
            {
                0 => t.Status,
                1 => t.ConnectMillis,
                2 => t.HeaderMillis,
                _ => t.ResponseMillis,
            };
            if (value < 0 || (what > 0 && t.Upstream < 0))
            {
                PutA(what == 3 && t.Upstream < 0 ? "0.000"u8 : "-"u8);
            }
            else if (what == 0)
            {
                PutNumber(value);
            }
            else
            {
                PutSeconds(value);
            }
        }
    }

    private void PutA(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_access.AsSpan(_accessLength));
        _accessLength += bytes.Length;
    }

    private void PutE(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_error.AsSpan(_errorLength));
        _errorLength += bytes.Length;
    }

    private void PutNumber(long value)
    {
        Utf8Formatter.TryFormat(value, _access.AsSpan(_accessLength), out var written);
        _accessLength += written;
    }

    private void PutNumberE(long value)
    {
        Utf8Formatter.TryFormat(value, _error.AsSpan(_errorLength), out var written);
        _errorLength += written;
    }

    /// <summary>Milliseconds as nginx writes times: <c>0.123</c>.</summary>
    private void PutSeconds(int millis)
    {
        PutNumber(millis / 1000);
        var frac = millis % 1000;
        _access[_accessLength] = (byte)'.';
        _access[_accessLength + 1] = (byte)('0' + (frac / 100));
        _access[_accessLength + 2] = (byte)('0' + (frac / 10 % 10));
        _access[_accessLength + 3] = (byte)('0' + (frac % 10));
        _accessLength += 4;
    }

    private static void Two(byte[] buffer, int at, int value)
    {
        buffer[at] = (byte)('0' + (value / 10));
        buffer[at + 1] = (byte)('0' + (value % 10));
    }

    private static void Four(byte[] buffer, int at, int value)
    {
        Two(buffer, at, value / 100);
        Two(buffer, at + 2, value % 100);
    }

    private static byte[][] Ascii(params string[] values) => [.. values.Select(Encoding.ASCII.GetBytes)];

    private enum FailureKind
    {
        None,
        Refused,
        TimedOut,
        PrematurelyClosed,
        NoLiveUpstreams,
        RateLimited,
    }

    /// <summary>One upstream try; times in ms, -1 for nginx's <c>-</c>; <see cref="Upstream"/> -1 is the pool's name.</summary>
    private readonly record struct Try(int Upstream, int Status, int ConnectMillis, int HeaderMillis, int ResponseMillis);

    private readonly record struct Outcome(bool Gateway, bool Recovered, int ErrorLines);

    private sealed record Burst(Site Site, FailureKind Kind, int Upstream, bool AllDown, int Percent, long End);

    private sealed class Site
    {
        public Site(string name, string? group, int weight, string[] upstreams, string[] paths)
        {
            Name = name;
            NameBytes = Encoding.ASCII.GetBytes(name);
            GroupBytes = group is null ? null : Encoding.ASCII.GetBytes(group);
            Weight = weight;
            Upstreams = Ascii(upstreams);
            Paths = Ascii(paths);
        }

        public string Name { get; }

        public byte[] NameBytes { get; }

        public byte[]? GroupBytes { get; }

        public int Weight { get; }

        public byte[][] Upstreams { get; }

        public byte[][] Paths { get; }
    }
}
