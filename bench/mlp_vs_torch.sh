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
  python3 bench/mlp_torch.py "$@" | tee -a "$out"
done
python3 - "$out" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
maas = [r for r in runs if r["impl"] == "maas"]
torch = [r for r in runs if r["impl"] != "maas"]
def med(rs, k): return statistics.median(r[k] for r in rs)
m, t = med(maas, "samples_per_second"), med(torch, "samples_per_second")
print(f"maas ({maas[0]['kernels']}, {maas[0]['threads']} threads): {m:,.0f} samples/s, "
      f"median epoch {med(maas, 'median_epoch_seconds'):.3f} s, test accuracy {[r['test_accuracy'] for r in maas]}")
print(f"{torch[0]['impl']}: {t:,.0f} samples/s, median epoch {med(torch, 'median_epoch_seconds'):.3f} s, "
      f"test accuracy {[r['test_accuracy'] for r in torch]}")
print(f"ratio maas / torch: {m / t:.2f}x")
PY
rm -f "$out"
