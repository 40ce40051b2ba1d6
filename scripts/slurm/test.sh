#!/usr/bin/env bash
# End-to-end test of `cseg submit --slurm` on a real one-node Slurm cluster (docs/slurm.md):
#   1. start munged, slurmctld and slurmd with fresh state (cluster-up.sh; always stopped again on exit);
#   2. submit a tiny phantom experiment (4 volumes, 32², 2–3 steps per stage; one pre-training run of each
#      stage and three fine-tuning runs at plan indices 1, 3, 5, so the chaining and the index lists are
#      real); cseg submit generates the phantom before queuing anything;
#   3. meanwhile run the same experiment locally (same --threads, another output directory);
#   4. wait for the jobs (timeout), check that every array task COMPLETED with exit code 0;
#   5. compare the run files: content_sha256 and every dataset outside /volatile, byte for byte;
#   6. render `cseg report` from both sets of run files: the same figures and CSV, byte for byte, and the
#      same Markdown apart from the experiment file's name and hash and the timings;
#   7. submit again: refused while the jobs are queued, and afterwards every stage is left out as complete.
# Run as root after `swift build` (it uses .build/debug/cseg, or $CSEG). Prints the time of each step.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
die() { echo "scripts/slurm/test.sh: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it starts munged, slurmctld and slurmd); CI runs as root"
for cmd in munged slurmctld slurmd sbatch squeue scontrol scancel sha256sum; do
  command -v "$cmd" >/dev/null || die "$cmd not found: install the packages first (bash scripts/install-debian.sh)"
done
/usr/bin/python3 -c 'import h5py' 2>/dev/null || die "h5py missing for /usr/bin/python3 (Debian python3-h5py; bash scripts/install-debian.sh)"
CSEG=${CSEG:-$REPO/.build/debug/cseg}
[ -x "$CSEG" ] || die "$CSEG not found: run swift build first"
CSEG=$(readlink -f "$CSEG")

export SLURM_CI_DIR=${SLURM_CI_DIR:-/tmp/slurm-ci}
export SLURM_CONF=$SLURM_CI_DIR/slurm.conf
W=${SLURM_TEST_DIR:-/tmp/cseg-slurm-test}
TIMEOUT=${SLURM_TEST_TIMEOUT:-300}
if [ -s "$SLURM_CI_DIR/slurmctld.pid" ] && kill -0 "$(cat "$SLURM_CI_DIR/slurmctld.pid")" 2>/dev/null; then
  die "a test cluster is already running from $SLURM_CI_DIR: stop it (scripts/slurm/cluster-down.sh) or set SLURM_CI_DIR"
fi
rm -rf "$W"
mkdir -p "$W"

T0=$(date +%s%N)
mark() { local ms=$(( ($(date +%s%N) - T0) / 1000000 )); printf 'scripts/slurm/test.sh: %-40s at %4d.%d s\n' "$1" $((ms / 1000)) $((ms % 1000 / 100)); }
LOCAL_PID=""
cleanup() {
  status=$?
  [ -n "$LOCAL_PID" ] && kill "$LOCAL_PID" 2>/dev/null
  bash "$HERE/cluster-down.sh" || true
  mark "cluster stopped (total)"
  if [ $status -ne 0 ]; then
    echo "--- logs of the array tasks ($W/slurm-out/slurm/logs) ---" >&2
    tail -n 30 "$W"/slurm-out/slurm/logs/*.out >&2 2>/dev/null || true
    echo "--- slurmctld.log (tail) ---" >&2
    tail -n 20 "$SLURM_CI_DIR/log/slurmctld.log" >&2 2>/dev/null || true
  fi
  exit $status
}
trap cleanup EXIT

bash "$HERE/cluster-up.sh"
mark "cluster up"

# Phantom seed 32 has the fewest voxels of seeds 1–400 for 4 volumes at the default size (1.8 M against
# 2.9 M for seed 3; generation in a debug build is most of this test's time). Test 004 (the smallest),
# validation 002, pool 001 and 003 (tr1 c1 = 003).
cat > "$W/split.toml" <<'EOF'
format = 1

[dataset]
name = "slurm-ci"
layout = "acdc"
id_digits = 3
ids = ["001", "002", "003", "004"]

[test]
ids = ["004"]

[pool]
key = "tr2"
ids = ["001", "003"]
validation = ["002"]

[labelled.tr1.c1]
ids = ["003"]
validation = ["002"]
EOF
# The two experiment files differ only in output: run files hold no paths outside /volatile.
for side in local slurm; do
  cat > "$W/$side.toml" <<EOF
format = 1
name = "slurm-ci"
preset = "quick"
output = "$side-out"

[data]
kind = "phantom"
root = "phantom"
split = "split.toml"
phantom_volumes = 4
phantom_seed = 32

[grid]
methods = ["baseline", "global", "global+local"]
budgets = ["tr1"]
combinations = ["c1"]
seeds = [7]

[network]
input_size = 32
channel_multiplier = 0.125
target_spacing = [8.5, 8.5]

[stage.pretrain-global]
iterations = 2
batch_size = 4

[stage.pretrain-local]
iterations = 2
batch_size = 4
lr_slices = 2

[stage.finetune]
iterations = 3
batch_size = 4
validate_every = 2
EOF
done

# Submitted from another directory on purpose: the scripts must not depend on the working directory.
(cd / && "$CSEG" submit "$W/slurm.toml" --slurm --cpus 1 --array-limit 2 --time 10 --threads 2) | tee "$W/submit.out"
mark "submitted (phantom generated first)"
IDS=$(sed -n 's/^job ids: //p' "$W/submit.out")
[ "$(echo "$IDS" | wc -w)" -eq 3 ] || die "expected 3 stage jobs, got '$IDS'"
grep -q "^finetune: 3 entries (plan indices 1, 3, 5)" "$W/submit.out" || die "the finetune array should run plan indices 1, 3, 5"

# A second submission while the first is queued would run every entry twice: it must be refused.
if "$CSEG" submit "$W/slurm.toml" --slurm --cpus 1 > "$W/twice.out" 2>&1; then
  cat "$W/twice.out" >&2; die "a second submit while the jobs are queued should be refused"
fi
grep -q "still queued or running" "$W/twice.out" || { cat "$W/twice.out" >&2; die "unexpected refusal message"; }

"$CSEG" run "$W/local.toml" --threads 1 > "$W/local.out" 2> "$W/local.err" &
LOCAL_PID=$!

deadline=$(( $(date +%s) + TIMEOUT ))
while [ -n "$(squeue -h -j "${IDS// /,}" 2>/dev/null)" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { squeue >&2; die "jobs not done after $TIMEOUT s"; }
  sleep 0.5
done
mark "Slurm jobs finished"
tasks=0
for id in $IDS; do
  while read -r line; do
    state=$(grep -oE 'JobState=[A-Z_]+' <<<"$line"); code=$(grep -oE ' ExitCode=[0-9:]+' <<<"$line")
    task=$(grep -oE 'ArrayJobId=[0-9]+ ArrayTaskId=[0-9]+' <<<"$line")
    [ "$state" = JobState=COMPLETED ] && [ "$code" = " ExitCode=0:0" ] || die "job $id ($task): $state$code"
    tasks=$((tasks + 1))
  done < <(scontrol show job -o "$id")
done
[ "$tasks" -eq 5 ] || die "expected 5 array tasks, found $tasks"
echo "scripts/slurm/test.sh: all $tasks array tasks COMPLETED with exit code 0"

wait "$LOCAL_PID" || { cat "$W/local.err" >&2; die "the local run failed"; }
LOCAL_PID=""
mark "local run finished"

/usr/bin/python3 "$HERE/compare_runs.py" "$W/local-out" "$W/slurm-out" || die "Slurm and local run files differ"
[ "$(ls "$W"/slurm-out/runs/*.h5 "$W"/slurm-out/pretrain/*.h5 | wc -l)" -eq 5 ] || die "expected 5 run files"
mark "run files identical outside /volatile"

# cseg report works on the run files the array tasks collected: the same report as from the local run, apart
# from the experiment file's name and hash and the timings from /volatile (header and the appendix's last column).
"$CSEG" report "$W/slurm.toml" --out "$W/slurm-report" > /dev/null || die "cseg report failed on the Slurm run files"
"$CSEG" report "$W/local.toml" --out "$W/local-report" > /dev/null || die "cseg report failed on the local run files"
grep -q "All 5 planned runs are present" "$W/slurm-report/README.md" || die "the Slurm report does not find all 5 runs"
normalise() { sed -e 's#slurm\.toml#local.toml#g; s#slurm-report#local-report#g; /^- experiment: /d; /^- wall time: /d; s/| *[0-9.]* s |$/| (time) |/' "$1"; }
diff <(normalise "$W/slurm-report/README.md") <(normalise "$W/local-report/README.md") >&2 \
  || die "the reports from the Slurm and the local run files differ beyond names, hashes and timings"
for f in "$W"/local-report/*.png "$W"/local-report/*.csv; do
  cmp -s "$f" "$W/slurm-report/$(basename "$f")" || die "$(basename "$f") differs between the Slurm and the local report"
done
mark "reports identical (figures byte for byte)"

"$CSEG" submit "$W/slurm.toml" --slurm --cpus 1 | tee "$W/resubmit.out"
grep -q "nothing to submit" "$W/resubmit.out" && [ "$(grep -c 'complete, left out' "$W/resubmit.out")" -eq 3 ] \
  || die "a second submit should leave every stage out as complete"
mark "resubmit left every stage out"
echo "scripts/slurm/test.sh: PASS"
