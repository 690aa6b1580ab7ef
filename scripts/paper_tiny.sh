#!/usr/bin/env bash
# The paper-tiny preset end to end on the CPU (issue 19, item 1): the paper's structure with tiny random models and a
# synthetic OpenAQA corpus, no model hub, no GPU. Two CPU processes under `accelerate launch --multi_gpu --num_processes 2`
# (torchrun; `--cpu` would start one process; pal.pipeline joins CPU processes into one gloo group; CUDA is hidden):
#   1. variant pal: train, interrupted in stage 'closed' (`--stop-after closed:1`, a non-zero exit status), then the same
#      command again resumes from the checkpoint, trains the rest and evaluates every system;
#   2. variants lal and plits: train and evaluate;
# then 3. nbs/exp_lal_pal.ipynb through papermill with `-p preset paper-tiny` (the study protocol, one process).
# Everything goes to a new temporary folder (or --out DIR): PAL_CACHE (the tiny checkpoints, the corpus, features) and
# PAL_RUNS (the registry) point there, so no tracked file changes. Prints each step's wall time; exit status 0 only
# when every step passed (a failing step prints its log's tail). About 3-4 minutes on 2 CPU cores.
set -uo pipefail
cd "$(dirname "$0")/.."
out=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "paper_tiny.sh: unknown argument $1 (--out DIR, --help)" >&2; exit 2 ;;
  esac
done
tmp=${out:-$(mktemp -d -t pal_paper_tiny.XXXXXX)}; mkdir -p "$tmp"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg OMP_NUM_THREADS=1
export PAL_CACHE="$tmp/cache" PAL_RUNS="$tmp/runs" CUDA_VISIBLE_DEVICES=
port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
launch=(.venv/bin/accelerate launch --multi_gpu --num_processes 2 --num_machines 1 --mixed_precision no --dynamo_backend no
        --main_process_port "$port" -m pal.pipeline --preset paper-tiny --root "$PAL_RUNS" --cache "$PAL_CACHE/features")
t0=$SECONDS; failed=()

step() {   # step NAME EXPECTED COMMAND...: run it into $tmp/NAME.log, print its time, check its exit status (0 or 'nonzero')
  local name=$1 want=$2; shift 2; local t1=$SECONDS
  "$@" > "$tmp/$name.log" 2>&1; local rc=$?
  if [[ $rc -eq 0 && $want == 0 ]] || [[ $rc -ne 0 && $want == nonzero ]]; then echo "[paper-tiny] $name: $((SECONDS - t1)) s"; return 0; fi
  echo "[paper-tiny] $name: FAILED (exit status $rc, expected $want) after $((SECONDS - t1)) s; log $tmp/$name.log:"
  tail -30 "$tmp/$name.log"; failed+=("$name"); return 1
}

check() {   # check NAME PYTHON: assertions on the run records (stdin of python), counted like a step
  local name=$1
  if .venv/bin/python - > "$tmp/$name.log" 2>&1; then echo "[paper-tiny] $name: ok"; cat "$tmp/$name.log"
  else echo "[paper-tiny] $name: FAILED"; tail -30 "$tmp/$name.log"; failed+=("$name"); fi
}

# 1. pal: interrupted after the first optimizer step of stage 'closed' (each process exits with status 3; the launcher
#    reports the failure with its own status), then resumed by the same command
if step pal-interrupted nonzero "${launch[@]}" --variant pal --stop-after closed:1 &&
   { grep -q "stopped in stage 'closed' at step 1/" "$tmp/pal-interrupted.log" ||
     { echo "[paper-tiny] pal-interrupted: FAILED, not the simulated interruption:"; tail -30 "$tmp/pal-interrupted.log"; failed+=(pal-interrupted); false; }; }; then
  step pal-resumed 0 "${launch[@]}" --variant pal
  check pal-records <<PY
import json
from pathlib import Path
from pal.config import make_run_config, run_key
d = Path('$PAL_RUNS')/run_key(make_run_config('paper-tiny', 'pal'))
log = Path('$tmp/pal-resumed.log').read_text()
assert f'run {d.name} (trained closed, open)' in log, 'the rerun did not resume at stage closed'
assert (d/'DONE').exists(), f'{d}: no DONE'
tm, st = json.loads((d/'timings.json').read_text()), json.loads((d/'status.json').read_text())
assert st['trained'] == ['align', 'closed', 'open'], st['trained']
assert all(s['steps'] == s['total_steps'] for s in tm['stages'].values()), tm['stages']
assert tm['machine']['processes'] == 2, tm['machine']
rep = tm['corpus_report']
assert (rep['train']['missing'], rep['test']['missing']) == (2, 2) and rep['train']['records'] > 0, rep
assert sorted(p.stem for p in (d/'eval').glob('*.csv')) == ['align', 'closed', 'open', 'prior', 'text_only', 'untrained']
print(f"  run {d.name}: stages {[(n, s['steps']) for n, s in tm['stages'].items()]}, 2 processes, resumed in 'closed'; "
      f"missing audio counted: train {rep['train']['missing']}, test {rep['test']['missing']}")
PY
fi

# 2. lal and plits
for v in lal plits; do step "$v" 0 "${launch[@]}" --variant "$v"; done

# 3. the experiment notebook at paper-tiny (seeds: pal.experiments.STUDY_SEEDS['paper-tiny'])
step exp_lal_pal 0 .venv/bin/papermill nbs/exp_lal_pal.ipynb "$tmp/exp_lal_pal.out.ipynb" -k python3 --cwd nbs \
  -p preset paper-tiny -p out_dir "$tmp/results" --log-level WARNING

echo "[paper-tiny] total: $((SECONDS - t0)) s; folder $tmp; failed: ${failed[*]:-none}"
[[ ${#failed[@]} -eq 0 ]]
