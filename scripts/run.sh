#!/usr/bin/env bash
# The main job on the embedded mini default: set up (idempotent), then PAL itself: the committed default checkpoint
# pal-mini answers questions about three bundled clips (data/demo), and H2 is regenerated from its committed records
# (`pal demo`; `pal demo --cascade` adds the Whisper -> SmolLM2 cascade as a labelled comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash scripts/setup.sh
echo "[run] set-up: $((SECONDS - t0)) s"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
t1=$SECONDS
.venv/bin/python -m pal.cli demo "$@"
echo "[run] main job: $((SECONDS - t1)) s"
