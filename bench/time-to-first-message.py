"""Real-time benchmark of the time to first message; see bench/time-to-first-message for what runs."""
import argparse, datetime, http.client, http.server, json, os, re, signal, socket, ssl, statistics, subprocess, sys, threading, time

args = argparse.ArgumentParser()
for name in ("--outages", "--work", "--dll", "--storage", "--key"):
    args.add_argument(name, required=True)
a = args.parse_args()
outages, work = int(a.outages), a.work


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on {port}")


# Upstreams: one tiny HTTP server per outage, stopped at its outage's second.
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *_): pass

upstreams = []
for i in range(outages):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    upstreams.append(server)

# nginx: one server block and one pair of logs per site.
nginx_dir = os.path.join(work, "nginx"); os.makedirs(nginx_dir, exist_ok=True)
ports = [free_port() for _ in range(outages)]
blocks = "".join(f"""
  server {{ listen 127.0.0.1:{ports[i]}; server_name site{i}.example.test;
    access_log {nginx_dir}/access{i}.log combined_upstream; error_log {nginx_dir}/error{i}.log error;
    location / {{ proxy_pass http://127.0.0.1:{upstreams[i].server_port}; proxy_connect_timeout 2s; }} }}""" for i in range(outages))
with open(os.path.join(nginx_dir, "nginx.conf"), "w") as f:
    f.write(f"""pid {nginx_dir}/nginx.pid; error_log {nginx_dir}/main-error.log; worker_processes 1; daemon off;
events {{ worker_connections 256; }}
http {{ log_format combined_upstream '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$host" $upstream_addr $upstream_status $connection';
  client_body_temp_path {nginx_dir}; proxy_temp_path {nginx_dir}; fastcgi_temp_path {nginx_dir}; uwsgi_temp_path {nginx_dir}; scgi_temp_path {nginx_dir};{blocks}
}}""")
nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", os.path.join(nginx_dir, "nginx.conf"), "-p", nginx_dir], stderr=subprocess.DEVNULL)
for p in ports:
    wait_port(p)

# The receiver: HTTPS with a certificate made here; the app trusts it through SSL_CERT_FILE.
cert, keyfile = os.path.join(work, "receiver.crt"), os.path.join(work, "receiver.key")
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyfile, "-out", cert],
               check=True, capture_output=True)
received = {}
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        at = time.time()
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
        message = json.loads(body)
        if message.get("kind") == "firing":
            for item in message["incidents"]:
                received.setdefault(item["incident"]["site"], at)
    def log_message(self, *_): pass
receiver = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); context.load_cert_chain(cert, keyfile)
receiver.socket = context.wrap_socket(receiver.socket, server_side=True)
threading.Thread(target=receiver.serve_forever, daemon=True).start()

# The app, standalone with its real timers and the default notification settings.
app_port = free_port()
env = dict(os.environ, SSL_CERT_FILE=cert, Hosting__Urls=f"http://127.0.0.1:{app_port}", Hosting__RunTimers="true",
           Storage__ConnectionString=a.storage, Auth__FunctionKeys__bench=a.key, Logging__LogLevel__Default="Warning",
           Notifications__Receivers__0__Name="bench-hook", Notifications__Receivers__0__Type="Webhook",
           Notifications__Receivers__0__Url=f"https://127.0.0.1:{receiver.server_port}/hook",
           Notifications__Receivers__0__Secret="bench-secret-0123456789abcdef0123456789",
           Notifications__Routes__0__Receivers__0="bench-hook")
env.pop("ASPNETCORE_URLS", None)
for i in range(outages):
    env[f"Ingestion__Sources__s{i}-access__Kind"] = "Access"
    env[f"Ingestion__Sources__s{i}-access__Site"] = f"s{i}"
    env[f"Ingestion__Sources__s{i}-access__Format"] = "log_format combined_upstream '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$host\" $upstream_addr $upstream_status $connection';"
    env[f"Ingestion__Sources__s{i}-error__Kind"] = "Error"
    env[f"Ingestion__Sources__s{i}-error__Site"] = f"s{i}"
app = subprocess.Popen(["dotnet", a.dll], cwd=os.path.dirname(a.dll), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_port(app_port, 120)

stop = threading.Event()

def traffic():  # two requests a second to every site
    while not stop.is_set():
        for p in ports:
            try:
                c = http.client.HTTPConnection("127.0.0.1", p, timeout=3); c.request("GET", "/orders"); c.getresponse().read()
            except OSError:
                pass
        time.sleep(0.5)

def ship():  # a shipper flushing every 5 s: what each log gained since the last flush
    offsets = {}
    while not stop.is_set():
        time.sleep(5)
        for i in range(outages):
            for kind in ("access", "error"):
                path = os.path.join(nginx_dir, f"{kind}{i}.log")
                if not os.path.exists(path):
                    continue
                with open(path, "rb") as f:
                    f.seek(offsets.get(path, 0)); data = f.read()
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    continue
                offsets[path] = offsets.get(path, 0) + cut
                c = http.client.HTTPConnection("127.0.0.1", app_port, timeout=30)
                c.request("POST", f"/api/ingest/s{i}-{kind}", body=data[:cut], headers={"x-functions-key": a.key, "Content-Type": "text/plain"})
                c.getresponse().read()

threading.Thread(target=traffic, daemon=True).start()
threading.Thread(target=ship, daemon=True).start()

# Outages start at spread seconds of the minute, after a minute of healthy traffic.
time.sleep(60)
phases = [i * 60 // outages for i in range(outages)]
base = (int(time.time()) // 60 + 1) * 60
for i, phase in enumerate(phases):
    time.sleep(max(0, base + 60 * (i % 2) + phase - time.time()))
    upstreams[i].shutdown(); upstreams[i].server_close()

deadline = time.time() + 420
while len(received) < outages and time.time() < deadline:
    time.sleep(1)
stop.set()

def first_502(i):
    pattern = re.compile(r'\[(\d\d/\w\w\w/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] "[^"]*" 502 ')
    with open(os.path.join(nginx_dir, f"access{i}.log")) as f:
        for line in f:
            m = pattern.search(line)
            if m:
                return datetime.datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()

latencies = []
for i in range(outages):
    first, got = first_502(i), received.get(f"s{i}")
    latencies.append(None if first is None or got is None else got - first)
    print(f"outage {i}: first 502 at second {phases[i]:2d} of the minute; first message after "
          + ("none" if latencies[-1] is None else f"{latencies[-1]:.0f} s"))
for proc in (app, nginx):
    proc.send_signal(signal.SIGTERM); proc.wait(30)
done = sorted(l for l in latencies if l is not None)
if done:
    print(f"time to first message, {len(done)}/{outages} outages: median {statistics.median(done):.0f} s, "
          f"min {done[0]:.0f} s, max {done[-1]:.0f} s (target: median under 90 s)")
sys.exit(0 if len(done) == outages and statistics.median(done) < 90 else 1)
