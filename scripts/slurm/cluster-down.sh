#!/usr/bin/env bash
# Stops what cluster-up.sh started, by the pids it recorded under $SLURM_CI_DIR (never by name): first
# cancels the cluster's jobs so no slurmstepd is left, then slurmd, slurmctld and (if it started it)
# munged, each SIGTERM and up to 15 s to exit, then SIGKILL. Safe to run twice or after a failed start.
set -uo pipefail
D=${SLURM_CI_DIR:-/tmp/slurm-ci}
export SLURM_CONF=$D/slurm.conf

if [ -f "$D/slurmctld.pid" ] && kill -0 "$(cat "$D/slurmctld.pid")" 2>/dev/null; then
  timeout 10 scancel --user="$(id -un)" 2>/dev/null || true
fi
for name in slurmd slurmctld munged; do
  f="$D/$name.pid"
  [ -s "$f" ] || continue
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p"
    for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      echo "cluster-down.sh: $name ($p) ignored SIGTERM for 15 s: SIGKILL" >&2
      kill -KILL "$p" 2>/dev/null
    fi
  fi
  rm -f "$f"
done
echo "cluster-down.sh: stopped"
