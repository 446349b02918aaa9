#!/usr/bin/env bash
# Debian's Jupyter, whose Python runs the tslab kernel for `npm run notebooks`.
set -euo pipefail
if [ ! -x /usr/bin/jupyter ] || ! /usr/bin/python3 -c 'import nbconvert, ipykernel' 2>/dev/null; then
  apt-get update -qq
  apt-get install -y -qq jupyter-notebook python3-nbconvert jupyter-nbconvert python3-ipykernel jupyter-client >/dev/null
fi
