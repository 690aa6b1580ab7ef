#!/usr/bin/env bash
# Run every notebook's tests (set-up first, idempotent): nbdev_test on the library notebooks, and every experiment
# notebook (nbs/exp_*.ipynb) through papermill with the `smoke` preset into a temporary results folder, then
# scripts/gpu_check.sh --cpu and scripts/paper_tiny.sh (one count each). Prints "N passed, N failed" last (one count per notebook).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # 2 notebooks run in parallel on 2 cores: one thread each
log=$(mktemp); t0=$SECONDS
.venv/bin/nbdev_test --n_workers "${PAL_TEST_WORKERS:-2}" --timing --skip_file_re '^(_|\.|exp_)' "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
exp_failed=()
if [[ $# -eq 0 ]]; then
  tmp=$(mktemp -d)
  for nb in nbs/exp_*.ipynb; do
    [[ -e "$nb" ]] || continue
    name=$(basename "$nb" .ipynb); t1=$SECONDS
    if .venv/bin/papermill "$nb" "$tmp/$name.out.ipynb" -k python3 --cwd nbs -p preset smoke -p out_dir "$tmp/results" \
         --log-level WARNING > "$tmp/$name.log" 2>&1; then
      echo "$name.ipynb (papermill, smoke): $((SECONDS - t1)) secs"
    else
      echo "$name.ipynb (papermill, smoke): FAILED after $((SECONDS - t1)) secs"; tail -30 "$tmp/$name.log"
      exp_failed+=("$name.ipynb"); rc=1
    fi
  done
  t1=$SECONDS   # the GPU readiness script on the CPU (tiny shapes), into the temporary folder
  if bash scripts/gpu_check.sh --cpu --out "$tmp/gpu_check" > "$tmp/gpu_check.log" 2>&1; then
    echo "scripts/gpu_check.sh --cpu: $((SECONDS - t1)) secs"
  else
    echo "scripts/gpu_check.sh --cpu: FAILED after $((SECONDS - t1)) secs"; tail -30 "$tmp/gpu_check.log"; exp_failed+=("gpu_check.sh"); rc=1
  fi
  t1=$SECONDS   # the paper-tiny preset: 2 CPU processes under accelerate, interrupted and resumed, lal, plits, exp_lal_pal (~4 min)
  if bash scripts/paper_tiny.sh --out "$tmp/paper_tiny" > "$tmp/paper_tiny.log" 2>&1; then
    echo "scripts/paper_tiny.sh: $((SECONDS - t1)) secs"
  else
    echo "scripts/paper_tiny.sh: FAILED after $((SECONDS - t1)) secs"; tail -30 "$tmp/paper_tiny.log"; exp_failed+=("paper_tiny.sh"); rc=1
  fi
fi
.venv/bin/python - "$log" "$rc" "$((SECONDS - t0))" "${exp_failed[*]:-}" "$#" <<'PY'
import sys, re, pathlib
from nbdev.config import get_config
log, rc, secs, exp_failed, nargs = pathlib.Path(sys.argv[1]).read_text(), int(sys.argv[2]), sys.argv[3], sys.argv[4].split(), int(sys.argv[5])
nbs = [p for p in sorted(get_config().nbs_path.rglob('*.ipynb')) if not p.name.startswith(('_', '.')) and '.ipynb_checkpoints' not in str(p)
       and not (p.parent/'.notest').exists()]
if nargs: nbs = [p for p in nbs if not p.name.startswith('exp_')]
failed = set(re.findall(r'^\t(\S+\.ipynb)$', log.split('Tests Failed On The Following Notebooks')[-1], re.M)) if 'Tests Failed' in log else set()
failed |= set(exp_failed)
if rc != 0 and not failed: failed = {'(nbdev_test crashed)'}
print(f"[test] {len(nbs)} notebooks in {secs}s; failed: {sorted(failed) or 'none'}")
print(f"{len(nbs) - len(failed & {p.name for p in nbs})} passed, {len(failed)} failed")
PY
exit $rc
