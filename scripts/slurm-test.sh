#!/usr/bin/env bash
# The Slurm deployment tried for real: installs Debian's slurm-wlm and munge when missing, starts a
# one-node cluster on this machine (munged, slurmctld, slurmd), scores a generated operator's month
# as a job array of 4 shards (deploy/slurm/submit.sh) with the dependent merge job, and compares
# the merged list byte for byte with the unsharded run. Where the packages cannot be installed or
# the daemons cannot start (no root, no network, a sandbox), it says so and exits 0: skipped.
#   bash scripts/slurm-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
skip() { echo "slurm-test: SKIPPED: $*" >&2; exit 0; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm and munge are not installed and this is not root (apt-get install slurm-wlm munge)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; } || skip "apt-get could not install slurm-wlm and munge"
fi
[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs"
[ -f dist/cli/main.js ] || npm run build --silent

work=$(mktemp -d /tmp/churnscope-slurm-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# munge authenticates the daemons and clients to each other (its Debian package made a key).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge
  [ -s /etc/munge/munge.key ] || { runuser -u munge -- mungekey --create 2>/dev/null || skip "no munge key, and mungekey could not make one"; }
  runuser -u munge -- /usr/sbin/munged --foreground >"$work/munged.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null 2>&1 || skip "munged did not start: $(tail -3 "$work/munged.log")"
fi

host=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool" "$work/log"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=churnscope
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldPort=6917
SlurmdPort=6918
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=churnscope Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -Eq '^idle' && break
  sleep 1
done
sinfo -h -o '%T' 2>/dev/null | grep -Eq '^idle' || skip "the one-node cluster did not come up: $(tail -2 "$work/log/slurmctld.log" "$work/log/slurmd.log" | tr '\n' ' ')"
echo "slurm-test: cluster up: $(sinfo -h -o '%P %D %T %c')" >&2

# A generated operator, a logistic model on it, its latest month's features: the base to score.
churnscope() { node "$repo/bin/churnscope.js" "$@"; }
churnscope generate --customers 20000 --months 12 --seed 5 --out "$work/data" 2>/dev/null
sed 's/"seed": 5/"seed": 5, "models": ["logistic"]/' "$work/data/panel.config.json" >"$work/data/logistic.config.json"
churnscope train --config "$work/data/logistic.config.json" --out "$work/run" 2>/dev/null
churnscope features --config "$work/data/panel.config.json" --out "$work/base.parquet" 2>/dev/null

# The array of 4 shards and the merge that depends on it, waited for.
export CHURNSCOPE="node $repo/bin/churnscope.js" MODEL="$work/run/models/champion.json" INPUT="$work/base.parquet" \
  LISTS="$work/lists" OUT="$work/merged.csv" SHARDS=4 WAIT=1
ids=$(deploy/slurm/submit.sh --time=30)
echo "slurm-test: submitted array and merge: $ids" >&2
[ -s "$work/merged.csv" ] || { tail -n 20 "$work"/lists/*.out >&2; echo "slurm-test: FAILED: no merged list" >&2; exit 1; }

# The unsharded run, and the comparison.
churnscope score --model "$MODEL" --input "$INPUT" --out "$work/whole.csv" 2>/dev/null
if cmp -s "$work/merged.csv" "$work/whole.csv"; then
  echo "slurm-test: OK: 4 array tasks + the dependent merge gave the unsharded list byte for byte ($(($(wc -l <"$work/whole.csv") - 1)) customers, sha256 $(sha256sum "$work/whole.csv" | cut -c1-16)); shard sizes: $(for f in "$work"/lists/shard-*.parquet.manifest.json; do grep -o '"listed": [0-9]*' "$f" | grep -o '[0-9]*'; done | tr '\n' ' ')" >&2
else
  echo "slurm-test: FAILED: the merged list differs from the unsharded one" >&2
  diff <(head -5 "$work/merged.csv") <(head -5 "$work/whole.csv") >&2 || true
  exit 1
fi
