#!/usr/bin/env bash
# maas's MLP trainer and PyTorch side by side in one run, alternating, ROUNDS rounds each;
# prints every run's JSON and the medians and ratio of training samples/s.
#   bench/mlp_vs_torch.sh [ROUNDS] -- <arguments for both, e.g. --data F --hidden 128,64>
# Needs build/bench_mlp_train (cmake --build build --target bench_mlp_train) and Debian's
# python3-torch. Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
shift || true
[ "${1:-}" = "--" ] && shift
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  build/bench_mlp_train "$@" | tee -a "$out"
  /usr/bin/python3 bench/mlp_torch.py "$@" | tee -a "$out"
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
maas = [r for r in runs if r["impl"] == "maas"]
torch = [r for r in runs if r["impl"] != "maas"]
def med(rs, k): return statistics.median(r[k] for r in rs)
for name, rs in (("maas " + maas[0]["kernels"], maas), (torch[0]["impl"], torch)):
    print(f"{name}, {rs[0]['threads']} threads: {med(rs, 'samples_per_second'):,.0f} samples/s (wall), "
          f"{med(rs, 'samples_per_cpu_second'):,.0f} samples per CPU-second, "
          f"median epoch {med(rs, 'median_epoch_seconds'):.3f} s, test accuracy {[r['test_accuracy'] for r in rs]}")
for k in ("samples_per_second", "samples_per_cpu_second"):
    print(f"ratio maas / torch, {k}: {med(maas, k) / med(torch, k):.2f}x")
PY
rm -f "$out"
