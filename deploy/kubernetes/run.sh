#!/usr/bin/env bash
# The sharded monthly scoring on Kubernetes: the Indexed Job, then (when every index has completed)
# the merge Job. The volume churnscope-data holds run/models/champion.json and features.parquet.
#   deploy/kubernetes/run.sh [namespace]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=${1:-default}
kubectl -n "$ns" delete job churnscope-score churnscope-merge --ignore-not-found
kubectl -n "$ns" apply -f "$here/score-indexed-job.yaml"
kubectl -n "$ns" wait --for=condition=complete --timeout=6h job/churnscope-score
kubectl -n "$ns" apply -f "$here/merge-job.yaml"
kubectl -n "$ns" wait --for=condition=complete --timeout=2h job/churnscope-merge
kubectl -n "$ns" logs job/churnscope-merge
