#!/usr/bin/env bash
# Server overhead per token: starts `maas serve` on loopback with one model, runs
# bench_loadgen at each concurrency, and reports for each run
#   - the scheduler's time outside the forward pass (planning, sampling, streaming
#     events) as a share of the forward time (step_seconds / forward_seconds from
#     GET /admin/v1/loaded), and
#   - the CPU time of every thread other than the forward pass's (maas-sched +
#     maas-pool): HTTP, JSON, SSE, usage, logging, as a share of the forward's CPU.
# Usage: bench/serving_overhead.sh MODEL.gguf [BUILD_DIR] [CONCURRENCIES]
#   e.g. bench/serving_overhead.sh /work/models-tmp/tinyllama-q4_0.gguf build "1 8"
set -euo pipefail
MODEL=${1:?usage: bench/serving_overhead.sh MODEL.gguf [BUILD_DIR] [CONCURRENCIES]}
B=${2:-build}
LEVELS=${3:-1 8}
DIR=$(mktemp -d)
trap 'kill -TERM $SP 2>/dev/null || true; wait $SP 2>/dev/null || true; rm -rf "$DIR"' EXIT
"$B/maas" serve --port 0 --data-dir "$DIR/data" --threads 2 --max-sequences 16 --model "bench=$MODEL" 2>"$DIR/server.log" &
SP=$!
for _ in $(seq 1 120); do grep -q '"port"' "$DIR/server.log" && break; sleep 0.5; done
PORT=$(grep -o '"port":[0-9]*' "$DIR/server.log" | head -1 | cut -d: -f2)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done

cpu_ticks() {  # "forward-threads other-threads" in clock ticks
  local f=0 o=0 t name ticks
  for t in /proc/$SP/task/*; do
    name=$(cat "$t/comm"); ticks=$(awk '{print $14 + $15}' "$t/stat")
    if [ "$name" = maas-sched ] || [ "$name" = maas-pool ]; then f=$((f + ticks)); else o=$((o + ticks)); fi
  done
  echo "$f $o"
}
stats() {
  curl -s "http://127.0.0.1:$PORT/admin/v1/loaded" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["data"][0]["stats"]; print(s["step_seconds"], s["forward_seconds"], s["generated_tokens"])'
}
for C in $LEVELS; do
  read -r f0 o0 <<<"$(cpu_ticks)"; read -r s0 w0 g0 <<<"$(stats)"
  "$B/bench_loadgen" --url "http://127.0.0.1:$PORT" --model bench --concurrency "$C" --requests-per-stream 4 \
    --max-tokens 64 --prompt-tokens 32 --runs 1 2>/dev/null | tail -1
  read -r f1 o1 <<<"$(cpu_ticks)"; read -r s1 w1 g1 <<<"$(stats)"
  python3 -c "
s, w, g, f, o = $s1 - $s0, $w1 - $w0, $g1 - $g0, $f1 - $f0, $o1 - $o0
print(f'streams=$C tokens={g} scheduler_outside_forward={100 * (s - w) / w:.2f}% other_threads_cpu={100 * o / f:.2f}% total={100 * (s - w) / w + 100 * o / f:.2f}%')"
done
