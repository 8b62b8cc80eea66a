#!/usr/bin/env bash
# compare_pytorch.sh - the engine (and its TorchSharp reference) against the same model in Python PyTorch,
# interleaved so all see the same machine load.
#   bench/compare_pytorch.sh [rounds=3] [seconds=3]   (needs Debian's python3-torch; prints JSON lines, then medians)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=${1:-3}
seconds=${2:-3}
"$root/infra/setup.sh"
dpkg-query -W python3-torch >/dev/null 2>&1 || { echo "needs python3-torch (apt-get install python3-torch)" >&2; exit 1; }
out=$(mktemp)
for ((i = 0; i < rounds; i++)); do
  dotnet "$root/client/ActiveIT.Client/bin/Release/net10.0/activeit.dll" bench engine --json --rounds 1 --seconds "$seconds" | sed 's/^{/{"impl":"activeit",/' | tee -a "$out"
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$root/bench/pytorch_engine.py" --seconds "$seconds" | sed 's/"impl": "pytorch"/"impl": "pytorch (OMP_WAIT_POLICY=PASSIVE)"/' | tee -a "$out"
  /usr/bin/python3 "$root/bench/pytorch_engine.py" --seconds "$seconds" | sed 's/"impl": "pytorch"/"impl": "pytorch (defaults)"/' | tee -a "$out"
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    impl = r["impl"] + (f" {r['model']} {r['precision']}" if "model" in r else "")
    groups.setdefault((r["config"], impl), []).append(r)
print(f"\nmedians over {len(rows) // max(1, len(groups))} rounds")
print(f"{'config':7} {'implementation':40} {'train tok/s':>12} {'score tok/s':>12} {'train GFLOP/s':>14} {'% of peak':>10}")
for (config, impl), rs in sorted(groups.items(), key=lambda kv: (["tiny", "small", "medium"].index(kv[0][0]), kv[0][1])):
    med = lambda k: statistics.median(r[k] for r in rs)
    print(f"{config:7} {impl:40} {med('train_tokens_per_s'):12.0f} {med('score_tokens_per_s'):12.0f} {med('train_gflops'):14.1f} "
          f"{100 * med('train_gflops') / med('matmul_peak_gflops'):9.1f}%")
PY
rm -f "$out"
