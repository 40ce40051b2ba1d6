#!/usr/bin/env bash
# Side-by-side speed and memory against the PyTorch reference (../shared/bench/torch_unet.py), in one run
# on this machine: ours (both OpenBLAS kernels, 1 and 2 threads), then PyTorch (default and tuned
# allocator, 1 and 2 threads, with /usr/bin/time for its peak RSS), then a table of ratios.
# Needs a venv with torch and numpy: TORCH_PY=/path/to/venv/bin/python (default /work/venv-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-results}
TORCH_PY=${TORCH_PY:-/work/venv-torch/bin/python}
TORCH_SCRIPT=${TORCH_SCRIPT:-../shared/bench/torch_unet.py}
ROWS=${ROWS:-a,b64,b128,c,e,d}
mkdir -p "$OUT"
swift build -c release >/dev/null
.build/release/cseg bench --rows "$ROWS" --json "$OUT/cseg.json" | tee "$OUT/cseg.txt"
# PyTorch: one process per row and thread count for its peak RSS (time -v), default allocator.
for row in ${ROWS//,/ }; do
  for t in 1 2; do
    /usr/bin/time -v -o "$OUT/torch_${row}_t${t}.time" "$TORCH_PY" "$TORCH_SCRIPT" --only "$row" --threads "$t" \
      --malloc default --loss dice --no-probe --json "$OUT/torch_${row}_t${t}.json" > "$OUT/torch_${row}_t${t}.txt" 2>&1 || true
  done
done
# Tuned allocator, all rows and threads in one go (speed only).
"$TORCH_PY" "$TORCH_SCRIPT" --only "$ROWS" --threads 1,2 --malloc tuned --loss dice --no-probe \
  --json "$OUT/torch_tuned.json" > "$OUT/torch_tuned.txt" 2>&1 || true
python3 scripts/compare_torch.py "$OUT"
