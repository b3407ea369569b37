#!/usr/bin/env bash
# analyze vs GoAccess: end-to-end speed and memory of `analyze` on a large generated access log (issue 2).
#
# Usage:
#   bench/analyze-vs-goaccess.sh                 # 5M lines (~1.4 GB), 3 runs each, JIT and (with clang) Native AOT
#   LINES=1000000 RUNS=1 bench/analyze-vs-goaccess.sh   # a quicker look
#
# Environment:
#   LINES=5000000    access-log lines to generate (cached in bench/out/, reused while the generator is unchanged)
#   RUNS=3           runs per measurement; the median is reported
#   AOT=auto         auto: also publish and time the Native AOT binary when clang is installed; 0: skip; 1: require
#   GOACCESS=auto    auto: reuse bench/out/goaccess-$LINES.result when it was measured on the same file
#                    (GoAccess takes about 7 minutes per run on 5M lines here); 1: measure again; 0: skip
#   CPU=0            the core every run is pinned to (taskset)
#
# What it does: builds the app (Release) and bench/LogGenerator, generates bench/out/access-$LINES.log (the
# `upstream` log_format below) and its error log, then times, pinned to one core, with /usr/bin/time:
#   - analyze --access FILE --log-format '...'           (the target), JIT and AOT
#   - analyze --access FILE --error ERRFILE ...           (with the error-log join, for information)
#   - goaccess FILE --log-format ... -o /dev/null         (the reference)
#   - grep -c on the same file                            (a floor: reading the bytes and finding newlines)
# It prints wall-clock and CPU (user+sys) time, MB/s (10^6 bytes) for both, peak RSS, the analyze/GoAccess
# ratio and PASS/FAIL against the targets: >= 400 MB/s on one core, < 150 MB peak RSS, >= 25x GoAccess.
# The throughput verdict uses CPU time: on a pinned, otherwise idle core wall time equals it, and on a
# shared machine (other jobs on the same core) wall time measures the neighbours. Both are printed.
# Results also go to bench/out/results.md. Needs dotnet; installs goaccess, hyperfine and time with apt if missing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/bench/out"
LINES="${LINES:-5000000}"
RUNS="${RUNS:-3}"
AOT="${AOT:-auto}"
GOACCESS="${GOACCESS:-auto}"
CPU="${CPU:-0}"
mkdir -p "$out"

log_format='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$host" $request_time $upstream_addr $upstream_status $upstream_connect_time $upstream_header_time $upstream_response_time'
# The same format for GoAccess: what it does not know ($host aside) is skipped with %^.
goaccess_format='%h %^[%d:%t %^] "%r" %s %b "%R" "%u" "%v" %T %^'

need=()
command -v goaccess >/dev/null || need+=(goaccess)
command -v hyperfine >/dev/null || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
command -v taskset >/dev/null || need+=(util-linux)
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== build" >&2
dotnet build "$root/functions/FunctionsApp/FunctionsApp.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
dotnet build "$root/bench/LogGenerator/LogGenerator.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
app="$root/functions/FunctionsApp/bin/Release/net10.0/FunctionsApp.dll"
gen="$root/bench/LogGenerator/bin/Release/net10.0/LogGenerator"

aot_bin=""
if [[ "$AOT" != 0 ]]; then
  if command -v clang >/dev/null; then
    echo "== publish Native AOT" >&2
    if dotnet publish "$root/functions/FunctionsApp" -c Release -r linux-x64 -o "$out/aot" --nologo -v quiet -clp:ErrorsOnly >&2; then
      aot_bin="$out/aot/FunctionsApp"
    elif [[ "$AOT" == 1 ]]; then
      echo "Native AOT publish failed" >&2; exit 1
    fi
  elif [[ "$AOT" == 1 ]]; then
    echo "AOT=1 but clang is not installed (apt-get install clang zlib1g-dev)" >&2; exit 1
  fi
fi

access="$out/access-$LINES.log"
errors="$out/error-$LINES.log"
stamp="$out/access-$LINES.stamp"
gen_hash="$(cat "$root"/bench/LogGenerator/*.cs | sha256sum | cut -c1-16)"
if [[ ! -f "$access" || ! -f "$stamp" || "$(cat "$stamp")" != "$gen_hash" ]]; then
  echo "== generate $LINES lines" >&2
  "$gen" --lines "$LINES" --out "$access" --error-out "$errors"
  echo "$gen_hash" > "$stamp"
fi
bytes=$(stat -c %s "$access")
cat "$access" "$errors" > /dev/null  # page cache: every run reads from memory

# measure NAME CMD...: RUNS pinned runs; appends "name wall cpu rss_kb" (medians) to $results
results="$(mktemp)"
trap 'rm -f "$results" "$results".*' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  local name="$1"; shift
  local walls=() cpus=() rsss=()
  for ((i = 1; i <= RUNS; i++)); do
    # Output to a file, not /dev/null: GNU grep stops at the first match when its output is /dev/null.
    taskset -c "$CPU" /usr/bin/time -f "%e %U %S %M %x" -o "$results.t" "$@" > "$results.out" 2> "$results.err" || true
    read -r wall user sys rss status < <(tail -1 "$results.t")
    if [[ "$status" != 0 ]]; then
      echo "$name failed (exit $status):" >&2; tail -5 "$results.err" >&2; return 1
    fi
    walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"); rsss+=("$rss")
    printf '   %-28s run %d: %6.2f s wall, %6.2f s cpu, %4d MB rss\n' "$name" "$i" "$wall" "${cpus[-1]}" $((rss / 1024)) >&2
  done
  echo "$name $(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median) $(printf '%s\n' "${rsss[@]}" | median)" >> "$results"
}

echo "== measure ($RUNS runs each, pinned to cpu $CPU; load average: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
measure "analyze (JIT)" dotnet "$app" analyze --access "$access" --log-format "$log_format"
[[ -n "$aot_bin" ]] && measure "analyze (AOT)" "$aot_bin" analyze --access "$access" --log-format "$log_format"
measure "analyze +error log (JIT)" dotnet "$app" analyze --access "$access" --error "$errors" --log-format "$log_format"
[[ -n "$aot_bin" ]] && measure "analyze +error log (AOT)" "$aot_bin" analyze --access "$access" --error "$errors" --log-format "$log_format"
measure "grep -c" env LC_ALL=C grep -c '" 50[234] ' "$access"
goaccess_cache="$out/goaccess-$LINES.result"
goaccess_key="$(cat "$stamp") $bytes $(goaccess --version | head -1)"
if [[ "$GOACCESS" == auto && -f "$goaccess_cache" && "$(head -1 "$goaccess_cache")" == "$goaccess_key" ]]; then
  echo "   goaccess: reusing $(basename "$goaccess_cache") (GOACCESS=1 measures again)" >&2
  tail -1 "$goaccess_cache" >> "$results"
elif [[ "$GOACCESS" != 0 ]]; then
  measure "goaccess $(goaccess --version | head -1 | grep -o '[0-9.]*[0-9]')" goaccess "$access" --no-global-config --no-progress \
    --log-format="$goaccess_format" --date-format=%d/%b/%Y --time-format=%T -o /dev/null
  { echo "$goaccess_key"; tail -1 "$results"; } > "$goaccess_cache"
fi

# Report
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { if (s < 0.01) s = 0.01; printf "%.0f", b / 1e6 / s }'; }
goaccess_row="$(grep '^goaccess' "$results" || true)"
{
  echo "Input: $(basename "$access"), $LINES lines, $(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'); median of $RUNS runs, pinned to one core."
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (shared machine)."
  echo
  echo "| Tool | Wall (s) | CPU (s) | MB/s (wall) | MB/s (CPU) | Peak RSS (MB) | vs GoAccess (CPU) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  while read -r name1 rest; do
    read -r -a f <<< "$rest"
    n=${#f[@]}
    name="$name1 ${f[*]:0:n-3}"; name="${name% }"
    wall=${f[n-3]}; cpu=${f[n-2]}; rss=${f[n-1]}
    ratio="-"
    if [[ -n "$goaccess_row" && "$name" != goaccess* ]]; then
      ga_cpu=$(awk '{print $(NF-1)}' <<< "$goaccess_row")
      ratio=$(awk -v a="$ga_cpu" -v b="$cpu" 'BEGIN { printf "%.0fx", a / b }')
    fi
    printf '| %s | %.2f | %.2f | %s | %s | %d | %s |\n' "$name" "$wall" "$cpu" "$(mbs "$wall")" "$(mbs "$cpu")" $((rss / 1024)) "$ratio"
  done < "$results"
  echo
  verdict() { if [[ "$1" == 1 ]]; then echo PASS; else echo FAIL; fi; }
  for kind in JIT AOT; do
    row="$(grep "^analyze ($kind)" "$results" || true)"
    [[ -z "$row" ]] && continue
    read -r _ _ wall cpu rss <<< "$row"
    speed=$(mbs "$cpu"); speed_wall=$(mbs "$wall")
    echo "analyze ($kind) targets:"
    echo "  - throughput >= 400 MB/s on one core: $(verdict "$((speed >= 400))") ($speed MB/s by CPU time; $speed_wall MB/s by wall clock)"
    echo "  - peak RSS < 150 MB:                  $(verdict "$((rss / 1024 < 150))") ($((rss / 1024)) MB)"
    if [[ -n "$goaccess_row" ]]; then
      ga_cpu=$(awk '{print $(NF-1)}' <<< "$goaccess_row"); ga_wall=$(awk '{print $(NF-2)}' <<< "$goaccess_row")
      ratio=$(awk -v a="$ga_cpu" -v b="$cpu" 'BEGIN { printf "%.0f", a / b }')
      ratio_wall=$(awk -v a="$ga_wall" -v b="$wall" 'BEGIN { printf "%.0f", a / b }')
      echo "  - >= 25x faster than GoAccess:        $(verdict "$((ratio >= 25))") (${ratio}x by CPU time; ${ratio_wall}x by wall clock)"
    fi
  done
} | tee "$out/results.md"
