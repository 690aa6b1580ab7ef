#!/usr/bin/env bash
# lmms-eval and `pal evaluate --benchmark mmau` on the same suite test items with the same checkpoint: prints both
# accuracies (lmms-eval's `acc`, pal's `acc (argmax summed log-lik)`) and exits 1 when they differ (nbs/13_lmms.ipynb).
# Installs nothing: needs the optional extra (pip install -e '.[lmms]' -c constraints.txt); exits 2 without it.
# Usage: scripts/lmms_check.sh [CHECKPOINT]   (a finished run folder or run key; default: the default checkpoint
#        results/checkpoints/pal-mini where it exists, else the committed study run results/runs/2f896f1bec9f)
# Items: the committed sample data/benchmarks/suite-test-sample (30 suite test items with their audio; pal.benchmarks.suite_sample),
# or with PAL_LMMS_LIMIT=N, N items per family drawn from the built suite (data/suite).
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
PY=${PY:-.venv/bin/python}
t0=$SECONDS
if ! "$PY" -c "import lmms_eval" 2>/dev/null; then
  echo "[lmms_check] lmms-eval is not installed; it is an optional extra: pip install -e '.[lmms]' -c constraints.txt" >&2
  exit 2
fi
if ! "$PY" -c "import sys; from importlib.metadata import entry_points; sys.exit(not [e for e in entry_points(group='lmms_eval.models') if e.name == 'pal'])"; then
  echo "[lmms_check] pal's lmms-eval entry point is not installed: pip install --no-deps -e ." >&2
  exit 2
fi
ckpt=${1:-}
if [[ -z "$ckpt" ]]; then
  if [[ -f results/checkpoints/pal-mini/config.json ]]; then ckpt=results/checkpoints/pal-mini; else ckpt=results/runs/2f896f1bec9f; fi
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [[ -n "${PAL_LMMS_LIMIT:-}" ]]; then   # items drawn from the built suite (data/suite, python -m pal.suite)
  echo "[lmms_check] checkpoint $ckpt, at most $PAL_LMMS_LIMIT suite test items per family (data/suite)"
  "$PY" -m pal.lmms data --limit "$PAL_LMMS_LIMIT" --out "$tmp/suite.json"
else                                      # the committed sample: 5 suite test items per family with their audio
  echo "[lmms_check] checkpoint $ckpt, the committed suite sample data/benchmarks/suite-test-sample (5 test items per family)"
  cp data/benchmarks/suite-test-sample/items.json "$tmp/suite.json"; ln -s "$PWD/data/benchmarks/suite-test-sample/audio" "$tmp/audio"
fi
tasks=$("$PY" -m pal.lmms tasks)
echo "[lmms_check] PAL_LMMS_DATA=$tmp/suite.json python -m lmms_eval --model pal --model_args checkpoint=$ckpt --tasks pal_suite --include_path $tasks --batch_size 1 --output_path $tmp/lmms"
t1=$SECONDS
PAL_LMMS_DATA="$tmp/suite.json" "$PY" -m lmms_eval --model pal --model_args "checkpoint=$ckpt" --tasks pal_suite \
  --include_path "$tasks" --batch_size 1 --output_path "$tmp/lmms"
echo "[lmms_check] lmms-eval: $((SECONDS - t1))s"
t1=$SECONDS
"$PY" -m pal.cli evaluate --run "$ckpt" --benchmark mmau --root "$tmp/suite.json" --out "$tmp/pal" --records
echo "[lmms_check] pal evaluate: $((SECONDS - t1))s"
recs=("$tmp"/pal/eval_*_mmau_*.jsonl)
rc=0
"$PY" -m pal.lmms compare "$tmp/lmms" "${recs[0]}" || rc=$?
echo "[lmms_check] total $((SECONDS - t0))s"
exit $rc
