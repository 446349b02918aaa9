#!/usr/bin/env bash
# Executes every notebook headless under the tslab kernel; fails on any cell error.
# Executed copies and HTML exports go to notebooks/out/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
JUPYTER=/usr/bin/jupyter
command -v "$JUPYTER" >/dev/null || { echo "notebooks: $JUPYTER not found; install Debian's jupyter packages (scripts/notebook-deps.sh)" >&2; exit 1; }

# Committed notebooks carry no outputs.
python3 - <<'PY'
import glob, json, sys
bad = [f for f in sorted(glob.glob('notebooks/*.ipynb'))
       if any(c.get('outputs') or c.get('execution_count') for c in json.load(open(f))['cells'] if c['cell_type'] == 'code')]
if bad:
    sys.exit('notebooks: committed notebooks must carry no outputs: ' + ', '.join(bad))
PY

npm run build --silent
# What only the notebooks need (tslab, danfojs-node) installs here, not with the tool: notebooks/package.json.
(cd notebooks && npm ci --no-audit --no-fund --loglevel=error)
# tslab type-checks cells inside notebooks/: resolve 'churnscope' there to this package.
ln -sfn ../.. notebooks/node_modules/churnscope
TSLAB="$PWD/notebooks/node_modules/.bin/tslab"
"$TSLAB" install --python=/usr/bin/python3 --binary "$TSLAB" >/dev/null

mkdir -p notebooks/out
for nb in notebooks/*.ipynb; do
  name=$(basename "$nb")
  start=$(date +%s)
  (cd notebooks && "$JUPYTER" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --ExecutePreprocessor.kernel_name=tslab --output-dir out "$name" --log-level WARN)
  "$JUPYTER" nbconvert --to html --output-dir notebooks/out "notebooks/out/$name" --log-level WARN
  echo "notebooks: $name ran in $(( $(date +%s) - start )) s"
done
