#!/usr/bin/env bash
# Create or reuse the virtual environment and the offline assets. Idempotent: a second run only verifies.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1
PY=${PYTHON:-python3}
stamp_now=$(cat requirements.txt constraints.txt requirements-assets.txt setup.py settings.ini | sha256sum | cut -c1-16)
if [[ ! -x .venv/bin/python ]]; then
  echo "[setup] creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
if [[ "$(cat .venv/.pal-stamp 2>/dev/null)" != "$stamp_now" ]]; then
  # The pinned stack (torch 2.9.1 from PyPI is a CUDA build on x86_64) takes about 9 GB in .venv; pip fails half-way
  # with "No space left on device" when the disk is short, so say so before starting.
  need_kb=$((10 * 1024 * 1024))
  free_kb=$(df -Pk . | awk 'NR==2 {print $4}')
  if [[ -n "$free_kb" && "$free_kb" -lt "$need_kb" ]]; then
    echo "[setup] .venv needs about 10 GB free on the disk of $PWD; only $((free_kb / 1024)) MB is free" >&2
    exit 1
  fi
  echo "[setup] installing pinned packages (a few minutes the first time)"
  t0=$SECONDS
  .venv/bin/pip install -q -r requirements.txt -c constraints.txt 2>&1 | grep -v "is ignored: it is neither" || true
  .venv/bin/pip install -q --no-deps -r requirements-assets.txt -c constraints.txt 2>&1 | grep -v "is ignored: it is neither" || true
  .venv/bin/pip install -q --no-deps -e . 2>&1 | grep -v "is ignored: it is neither" || true
  (cd / && "$OLDPWD/.venv/bin/python" -c "import torch, torchaudio, transformers, peft, nbdev, torchcrepe, pal") \
    || { echo "[setup] the environment does not import; see the pip output above" >&2; exit 1; }
  echo "$stamp_now" > .venv/.pal-stamp
  echo "[setup] packages installed in $((SECONDS - t0))s"
else
  echo "[setup] .venv is up to date"
fi
.venv/bin/python -m pal.cli setup
