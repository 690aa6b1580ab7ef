#!/usr/bin/env bash
# GPU readiness (issue 19, item 4): every variant of pal.variants trains a few dozen steps with the loss falling, cached
# generation equals uncached, batched LAL equals per-layer LAL, and the efficiency bench runs at batch 32. On a CUDA
# machine: SmolLM2-135M and Llama-3.2-1B shapes with random weights in bf16, no model hub, under 10 minutes; results in
# results/gpu_check_<GPU name>.md/.json. With --cpu, or without CUDA: tiny shapes in float32 (~30 s on 2 cores), results
# in a new temporary folder (or --out DIR), so CI changes no tracked file. Exit code 0 when every check passed.
# The logic is pal.gpucheck (nbs/04c_gpucheck.ipynb); `bash scripts/gpu_check.sh --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec .venv/bin/python -m pal.gpucheck "$@"
