#!/usr/bin/env bash
# Stops what cluster-up.sh started, by the pids it recorded under $SLURM_CI_DIR (never by name): first
# cancels the cluster's jobs so no slurmstepd is left, then slurmd, slurmctld and (if it started it)
# munged: SIGTERM, up to 15 s to exit, then SIGKILL. Safe to run twice or after a failed start.
set -uo pipefail
D=${SLURM_CI_DIR:-/tmp/slurm-ci}
export SLURM_CONF=$D/slurm.conf

if [ -f "$D/slurmctld.pid" ] && kill -0 "$(cat "$D/slurmctld.pid")" 2>/dev/null; then
  timeout 10 scancel --user="$(id -un)" 2>/dev/null || true
fi
# SIGTERM to every pid of a group, then up to 15 s for all of them to exit, then SIGKILL. slurmd and
# slurmctld stop together (about 2 s, slurmctld saves its state), munged after them.
stop() {
  local pids=() name f p
  for name in "$@"; do
    f="$D/$name.pid"
    [ -s "$f" ] || continue
    p=$(cat "$f")
    rm -f "$f"
    kill -0 "$p" 2>/dev/null || continue
    kill -TERM "$p" && pids+=("$p:$name")
  done
  for _ in $(seq 150); do
    local alive=0
    for entry in "${pids[@]}"; do kill -0 "${entry%%:*}" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && return
    sleep 0.1
  done
  for entry in "${pids[@]}"; do
    if kill -0 "${entry%%:*}" 2>/dev/null; then
      echo "cluster-down.sh: ${entry#*:} (${entry%%:*}) ignored SIGTERM for 15 s: SIGKILL" >&2
      kill -KILL "${entry%%:*}" 2>/dev/null
    fi
  done
}
stop slurmd slurmctld
stop munged
echo "cluster-down.sh: stopped"
