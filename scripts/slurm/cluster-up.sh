#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for tests: munged, slurmctld and slurmd from Debian's packages,
# fresh state under $SLURM_CI_DIR (default /tmp/slurm-ci) on every start. Run as root; stop it with
# cluster-down.sh (by pid). Clients then need `export SLURM_CONF=$SLURM_CI_DIR/slurm.conf`.
#
# The recipe and its pitfalls are measured in docs/slurm.md ("The test cluster"): cgroup plugins fail
# on machines without the freezer controller, so processes are tracked by /proc; the node line comes
# from `slurmd -C` so RealMemory never exceeds the machine's (that drains the node); the host is
# addressed as 127.0.0.1 so an unresolvable hostname does not matter.
set -euo pipefail
D=${SLURM_CI_DIR:-/tmp/slurm-ci}
die() { echo "cluster-up.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (munged runs as the munge user, slurmd as root)"
for cmd in munged munge unmunge runuser slurmctld slurmd sinfo scontrol; do
  command -v "$cmd" >/dev/null || die "$cmd not found: install the Slurm packages (bash scripts/install-debian.sh)"
done
[ -e "$D/slurmctld.pid" ] && kill -0 "$(cat "$D/slurmctld.pid")" 2>/dev/null && die "a cluster is already running from $D (stop it with cluster-down.sh)"

rm -rf "$D/state" "$D/spool" "$D/log"
mkdir -p "$D/state" "$D/spool" "$D/log"
rm -f "$D/munged.pid" "$D/slurmctld.pid" "$D/slurmd.pid"

# munge: reuse a munged that already answers (then it is not ours to stop), otherwise start one.
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  echo "cluster-up.sh: using the munged already running"
else
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  install -d -o munge -g munge -m 0755 /run/munge
  # As root munged refuses its log directory ("insecure ownership"): run it as munge.
  runuser -u munge -- /usr/sbin/munged
  cp /run/munge/munged.pid "$D/munged.pid"
  munge -n | unmunge >/dev/null || die "munged started but a credential does not round-trip"
fi

H=$(hostname -s)
NODE=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$H NodeAddr=127.0.0.1/")
[[ $NODE == NodeName=* ]] || die "slurmd -C gave no node line: $NODE"
cat > "$D/slurm.conf" <<EOF
# Written by scripts/slurm/cluster-up.sh: a one-node test cluster on localhost.
ClusterName=cseg-ci
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
$NODE State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$D/slurm.conf

slurmctld
slurmd
for _ in $(seq 100); do
  [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && { echo "cluster-up.sh: node $H idle (SLURM_CONF=$SLURM_CONF)"; exit 0; }
  sleep 0.2
done
echo "cluster-up.sh: the node did not become idle within 20 s; state: $(sinfo -h -o '%T %E' 2>&1)" >&2
tail -n 20 "$D/log/slurmctld.log" "$D/log/slurmd.log" >&2 || true
exit 1
