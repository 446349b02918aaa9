#!/usr/bin/env bash
# Scores a month's base as a Slurm job array of SHARDS tasks (SLURM_ARRAY_TASK_ID -> --shard i/n)
# and merges the shard lists in a job that starts only when every task has succeeded.
#   MODEL=run/models/champion.json INPUT=features.parquet LISTS=lists OUT=retention-list.csv SHARDS=4 \
#     deploy/slurm/submit.sh [extra sbatch options, e.g. --partition=batch]
# Prints the two job ids (array, merge); with WAIT=1 it waits for the merge and exits with its status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${MODEL:?}" "${INPUT:?}" "${LISTS:?}" "${OUT:?}" "${SHARDS:?}"
mkdir -p "$LISTS"
# The jobs run in the lists' folder: every path absolute.
MODEL=$(realpath "$MODEL"); INPUT=$(realpath "$INPUT"); LISTS=$(realpath "$LISTS"); OUT=$(realpath -m "$OUT")
export MODEL INPUT LISTS OUT SHARDS CHURNSCOPE="${CHURNSCOPE:-churnscope}"
array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --chdir="$LISTS" "$@" "$here/score-array.sbatch")
merge_args=(--parsable --dependency="afterok:${array%%;*}" --kill-on-invalid-dep=yes --chdir="$LISTS" "$@")
if [ "${WAIT:-0}" = 1 ]; then merge_args+=(--wait); fi
merge=$(sbatch "${merge_args[@]}" "$here/merge.sbatch")
echo "$array $merge"
