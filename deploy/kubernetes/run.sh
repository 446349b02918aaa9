#!/usr/bin/env bash
# The sharded monthly scoring on Kubernetes: the Indexed Job, then (when every index has completed)
# the merge Job. The volume churnscope-data holds run/models/champion.json and features.parquet.
#   [SHARDS=n] deploy/kubernetes/run.sh [namespace]
#   [SHARDS=n] deploy/kubernetes/run.sh --render <job>.yaml    (print the manifest it would apply)
# SHARDS (default 4) is the one shard count: the score Job's completions and parallelism, each pod's
# --shard i/n and the lists the merge Job reads are all filled in from it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=${SHARDS:-4}
case "$shards" in ''|*[!0-9]*|0) echo "SHARDS must be a whole number from 1, not \"$shards\"" >&2; exit 2 ;; esac

render() { sed 's/\${SHARDS}/'"$shards"'/g' "$here/$1"; }

if [ "${1:-}" = "--render" ]; then render "$2"; exit 0; fi
ns=${1:-default}

# Waits until the Job completes (exit 0) or fails (its logs, exit 1): `kubectl wait
# --for=condition=complete` alone never returns for a failed Job and would sit out its timeout.
wait_job() {
  local job=$1 seconds=$2 state
  local deadline=$((SECONDS + seconds))
  while :; do
    state=$(kubectl -n "$ns" get "job/$job" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
    case "$state" in
      *Complete*) return 0 ;;
      *Failed*)
        echo "job $job failed:" >&2
        kubectl -n "$ns" logs "job/$job" --tail=50 >&2 || true
        return 1 ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then echo "job $job: not done after ${seconds} s" >&2; return 1; fi
    sleep 10
  done
}

kubectl -n "$ns" delete job churnscope-score churnscope-merge --ignore-not-found
render score-indexed-job.yaml | kubectl -n "$ns" apply -f -
wait_job churnscope-score $((6 * 3600))
render merge-job.yaml | kubectl -n "$ns" apply -f -
wait_job churnscope-merge $((2 * 3600))
kubectl -n "$ns" logs job/churnscope-merge
