# Shared by bench/ingest-*: free ports, Azurite and the published app, cleaned up on exit.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib/prereqs.sh"
(cd "$root" && ensure_npm_packages)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The standalone Native AOT binary: scripts/package --standalone writes it under <base>/standalone (without the flag
# it packages the isolated worker, under <base>/functionsapp).
packages="${PACKAGE_DIR:-$root/artifacts/package}"
package="$packages/standalone"
ensure_package() {
  if [[ ! -x "$package/FunctionsApp" ]]; then
    "$root/scripts/package" --standalone "$packages" >/dev/null
  fi
}

blob_port="$(free_port)"
table_port="$(free_port)"
connection_string="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
start_azurite() {
  mkdir -p "$work/azurite" "$work/azurite-table"
  # AZURITE_ARGS: extra arguments (bench/ingest-cost turns on the debug log to count requests).
  # shellcheck disable=SC2086
  "$root/node_modules/.bin/azurite-blob" --skipApiVersionCheck --disableTelemetry --silent --loose \
    --blobHost 127.0.0.1 --blobPort "$blob_port" --location "$work/azurite" ${AZURITE_ARGS:-} >"$work/azurite.log" 2>&1 &
  pids+=($!)
  # The table service: the analyzer writes the incident index and the timeline there.
  "$root/node_modules/.bin/azurite-table" --skipApiVersionCheck --disableTelemetry --silent --loose \
    --tableHost 127.0.0.1 --tablePort "$table_port" --location "$work/azurite-table" >"$work/azurite-table.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do port_open "$blob_port" && port_open "$table_port" && return 0; sleep 0.1; done
  echo "Azurite did not start" >&2; return 1
}

function_key="bench-key"
# app_env: environment for the published binary (standalone, on $1). The timers are off: the analyze timer would
# otherwise read the batches being ingested and take CPU from the path under measurement.
app_env() {
  echo "Hosting__Urls=http://127.0.0.1:$1" \
    "Hosting__RunTimers=false" \
    "Storage__ConnectionString=$connection_string" \
    "Auth__FunctionKeys__bench=$function_key" \
    "Ingestion__Sources__nginx-access__Kind=Access" \
    "Ingestion__Sources__nginx-access__Format=combined" \
    "Logging__LogLevel__Default=Warning"
}
