#!/usr/bin/env bash
# Side-by-side speed and memory against the PyTorch reference, in one run on this machine: ours (both
# OpenBLAS kernels, 1 and 2 threads), then PyTorch: the paper rows through ../shared/bench/torch_unet.py
# (default and tuned allocator, 1 and 2 threads, /usr/bin/time for peak RSS; row x = row a channels-last,
# tuned), the quick rows qh and qf through ../shared/bench/torch_quick.py (NCHW and channels-last, with
# the default and the tuned allocator), then a table of ratios.
# Needs a venv with torch and numpy: TORCH_PY=/path/to/venv/bin/python (default /work/venv-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench-results}
TORCH_PY=${TORCH_PY:-/work/venv-torch/bin/python}
TORCH_SCRIPT=${TORCH_SCRIPT:-../shared/bench/torch_unet.py}
TORCH_QUICK=${TORCH_QUICK:-../shared/bench/torch_quick.py}
ROWS=${ROWS:-qh,qf,a,b64,b128,c,e,d}
THREADS=${THREADS:-1,2}
# Extra torch_unet.py options, e.g. TORCH_EXTRA="--wait-idle 0 --retries 0" on a machine that is never
# idle (by default it waits up to 90 s for idle CPUs and re-measures contended rows twice).
TORCH_EXTRA=${TORCH_EXTRA:-}
# SKIP_OURS=1 keeps $OUT/cseg.json from an earlier run (to redo the PyTorch side only).
SKIP_OURS=${SKIP_OURS:-0}
# The tuned allocator of torch_unet.py (its TUNED_MALLOC_ENV): freed memory stays in the heap.
TUNED=(MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736)
mkdir -p "$OUT"
CSEG_THREADS=()
[[ "$THREADS" == "1" || "$THREADS" == "2" ]] && CSEG_THREADS=(--threads "$THREADS")
if [[ "$SKIP_OURS" != 1 ]]; then
  swift build -c release >/dev/null
  .build/release/cseg bench --rows "$ROWS" "${CSEG_THREADS[@]}" --json "$OUT/cseg.json" | tee "$OUT/cseg.txt"
fi
paper_rows=$(echo "$ROWS" | tr ',' '\n' | grep -v '^q' | paste -sd, -)
for t in ${THREADS//,/ }; do
  # PyTorch paper rows: one process per row and thread count for its peak RSS (time -v), default allocator.
  for row in ${paper_rows//,/ }; do
    /usr/bin/time -v -o "$OUT/torch_${row}_t${t}.time" "$TORCH_PY" "$TORCH_SCRIPT" --only "$row" --threads "$t" \
      --malloc default --loss dice --no-probe $TORCH_EXTRA --json "$OUT/torch_${row}_t${t}.json" > "$OUT/torch_${row}_t${t}.txt" 2>&1 || true
  done
  # Quick rows (both in one process: its peak RSS is the full-width row's).
  if echo "$ROWS" | grep -q 'q'; then
    /usr/bin/time -v -o "$OUT/torch_quick_default_t${t}.time" "$TORCH_PY" "$TORCH_QUICK" --threads "$t" \
      --json "$OUT/torch_quick_default_t${t}.json" > "$OUT/torch_quick_default_t${t}.txt" 2>&1 || true
    env "${TUNED[@]}" "$TORCH_PY" "$TORCH_QUICK" --threads "$t" \
      --json "$OUT/torch_quick_tuned_t${t}.json" > "$OUT/torch_quick_tuned_t${t}.txt" 2>&1 || true
  fi
done
# Tuned allocator, paper rows and row x (row a channels-last), all threads in one go (speed only).
if [[ -n "$paper_rows" ]]; then
  only="$paper_rows"
  echo "$paper_rows" | grep -qw a && only="$only,x"
  "$TORCH_PY" "$TORCH_SCRIPT" --only "$only" --threads "$THREADS" --malloc tuned --loss dice --no-probe $TORCH_EXTRA \
    --json "$OUT/torch_tuned.json" > "$OUT/torch_tuned.txt" 2>&1 || true
fi
python3 scripts/compare_torch.py "$OUT"
