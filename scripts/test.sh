#!/usr/bin/env bash
# Run every notebook's tests (set-up first, idempotent): nbdev_test on the library notebooks, every experiment notebook
# (nbs/exp_*.ipynb) through papermill with the `smoke` preset into a temporary results folder, scripts/gpu_check.sh --cpu
# and scripts/paper_tiny.sh (one count each). Prints "N passed, N failed" last (one count per notebook).
# All of it runs as one pool of PAL_TEST_WORKERS (default 2) slots, longest job first, so no core idles while a long
# job finishes: a library notebook runs in one of two persistent worker processes (as nbdev_test runs them: imports
# are paid once per worker); a papermill notebook or a script runs as its own process. scripts/paper_tiny.sh counts as
# one slot although it starts two `accelerate launch` processes: they take turns more than they run together (the
# launcher starts alone, METEOR's JVM and the evaluation run on rank 0 while rank 1 waits in a barrier; measured
# ~1.2 busy cores on average), so a second slot reserved for it would mostly idle. The experiment notebooks that share
# the smoke run registry (attn_only, delay, ensemble, final, lal_pal: the same runs, and a run is one process's at a
# time) run one after another in one slot, the later ones reusing the runs of the earlier ones. Each job prints one
# line "NAME: N secs" (or "NAME: FAILED after N secs" and its log's tail) when it ends; the logs stay in the temporary
# folder. Job lengths for the order: .cache/test_times.json from the last full run, else the table below.
# With arguments (e.g. --path nbs/04_model.ipynb), only nbdev_test with them, as before.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # 2 jobs run in parallel on 2 cores: one thread each
log=$(mktemp); t0=$SECONDS
exp_failed=()
if [[ $# -gt 0 ]]; then
  .venv/bin/nbdev_test --n_workers "${PAL_TEST_WORKERS:-2}" --timing --skip_file_re '^(_|\.|exp_)' "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
else
  tmp=$(mktemp -d)
  .venv/bin/python - "$tmp" "${PAL_TEST_WORKERS:-2}" <<'PY' 2>&1 | tee "$log"
import json, os, subprocess, sys, time
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import _keep_file, test_nb

tmp, slots = Path(sys.argv[1]), max(1, int(sys.argv[2]))
cfg = get_config(); skip_flags = cfg.tst_flags.split()
# seconds on the 2-core CI machine (CI run of 2025-12-04, scaled by the cuts measured since), for the order when
# .cache/test_times.json (this script's record of the last full run) is absent; any other job: 20
DEFAULT_SECS = {'09_cli.ipynb': 107, '10_pipeline.ipynb': 70, '00_assets.ipynb': 70, '06b_suite.ipynb': 33,
                '06_corpus.ipynb': 27, '08b_stats.ipynb': 40, '04c_gpucheck.ipynb': 33, '04_model.ipynb': 30,
                '08_eval.ipynb': 29, '02_encoders.ipynb': 27, '04b_bench.ipynb': 25, '08a_scoring.ipynb': 17,
                '12_experiments.ipynb': 12, '07_train.ipynb': 12, '08c_benchmarks.ipynb': 9, '10c_build.ipynb': 7,
                '01_audio.ipynb': 3, '11_infer.ipynb': 2, '10d_runlock.ipynb': 1, '05_data.ipynb': 1, '06a_tiny.ipynb': 1,
                '03_connectors.ipynb': 1, '03a_variants.ipynb': 1, '10b_rundata.ipynb': 1, '10a_config.ipynb': 1,
                '08d_rankbench.ipynb': 1, '03c_settings.ipynb': 1, '03b_systems.ipynb': 1, 'index.ipynb': 1,
                'exp_efficiency.ipynb (papermill, smoke)': 28, 'exp_final.ipynb (papermill, smoke)': 45,
                'exp_ensemble.ipynb (papermill, smoke)': 33, 'exp_attn_only.ipynb (papermill, smoke)': 30,
                'exp_delay.ipynb (papermill, smoke)': 24, 'exp_architecture.ipynb (papermill, smoke)': 12,
                'exp_lal_pal.ipynb (papermill, smoke)': 11, 'scripts/gpu_check.sh --cpu': 24, 'scripts/paper_tiny.sh': 150}
times_file = Path('.cache/test_times.json')
try: known = json.loads(times_file.read_text())
except (OSError, ValueError): known = {}
est = lambda name: float(known.get(name, DEFAULT_SECS.get(name, 20)))

class Step:   # a library notebook (nb) or a command (cmd, its output into log)
    def __init__(self, name, nb=None, cmd=None, log=None): self.name, self.nb, self.cmd, self.log = name, nb, cmd, log

class Unit:   # steps run one after another in one slot
    def __init__(self, steps): self.steps, self.i, self.est = steps, 0, sum(est(s.name) for s in steps)

nbs = [f.absolute() for f in sorted(nbglob(None, as_path=True, skip_file_re=r'^(_|\.|exp_)')) if _keep_file(f, '.notest')]
units = [Unit([Step(f.name, nb=f)]) for f in nbs]
def papermill(nb):
    name = Path(nb).stem
    return Step(f'{name}.ipynb (papermill, smoke)', log=tmp/f'{name}.log',
                cmd=['.venv/bin/papermill', nb, str(tmp/f'{name}.out.ipynb'), '-k', 'python3', '--cwd', 'nbs', '-p', 'preset', 'smoke',
                     '-p', 'out_dir', str(tmp/'results'), '--log-level', 'WARNING'])
exps = sorted(str(p) for p in Path('nbs').glob('exp_*.ipynb'))
chain = ['attn_only', 'delay', 'ensemble', 'final', 'lal_pal']          # one registry, the same runs: in this order
in_chain = [e for c in chain for e in exps if Path(e).stem == f'exp_{c}']
if in_chain: units.append(Unit([papermill(e) for e in in_chain]))
units += [Unit([papermill(e)]) for e in exps if e not in in_chain]
units.append(Unit([Step('scripts/gpu_check.sh --cpu', log=tmp/'gpu_check.log',
                        cmd=['bash', 'scripts/gpu_check.sh', '--cpu', '--out', str(tmp/'gpu_check')])]))
units.append(Unit([Step('scripts/paper_tiny.sh', log=tmp/'paper_tiny.log',
                        cmd=['bash', 'scripts/paper_tiny.sh', '--out', str(tmp/'paper_tiny')])]))
queue = sorted(units, key=lambda u: -u.est)                                # longest first
print(f"[test] {sum(len(u.steps) for u in units)} jobs on {slots} slots, longest first: "
      + ', '.join(f"{'+'.join(s.name.split(' ')[0] for s in u.steps)} ~{u.est:.0f}s" for u in queue), flush=True)

new_pool = lambda: ProcessPoolExecutor(slots, mp_context=mp.get_context('fork'))   # workers as nbdev_test's: forked, reused
pool = new_pool()
running, failed_nbs, failed_other, took, busy, t_start = {}, [], [], {}, 0.0, time.time()

def start(u):
    s = u.steps[u.i]; u.t0 = time.time()
    if s.nb is not None:   # nbdev.test.test_nb as nbdev_test calls it (a failing notebook's traceback goes to stderr)
        global pool
        submit = lambda: pool.submit(test_nb, s.nb, skip_flags=skip_flags, force_flags=[], basepath=cfg.config_path)
        try: u.fut = submit()
        except BrokenProcessPool: pool = new_pool(); u.fut = submit()   # a worker died (its notebook failed): a new pool
        u.proc = None
    else:
        with open(s.log, 'w') as fh: u.fut, u.proc = None, subprocess.Popen(s.cmd, stdout=fh, stderr=subprocess.STDOUT)
    running[id(u)] = u

def finished(u):   # None while running, else (ok, secs to print)
    s = u.steps[u.i]
    if s.nb is not None:
        if not u.fut.done(): return None
        try: ok, secs = u.fut.result()
        except Exception as e: print(f"{s.name}: worker failed: {e!r}", flush=True); ok, secs = False, time.time() - u.t0
        return ok, secs
    if u.proc.poll() is None: return None
    return u.proc.returncode == 0, time.time() - u.t0

try:
    while queue or running:
        while queue and len(running) < slots: start(queue.pop(0))
        time.sleep(0.2)
        for key, u in list(running.items()):
            r = finished(u)
            if r is None: continue
            ok, secs = r; s = u.steps[u.i]; wall = time.time() - u.t0
            took[s.name] = round(wall, 1); busy += wall
            if ok: print(f"{s.name}: {int(secs)} secs", flush=True)
            else:
                print(f"{s.name}: FAILED after {int(secs)} secs", flush=True)
                if s.nb is not None: failed_nbs.append(s.name)
                else:
                    failed_other.append(s.name.split(' ')[0].replace('scripts/', ''))
                    print(''.join(Path(s.log).read_text(errors='replace').splitlines(True)[-30:]), end='', flush=True)
            del running[key]
            u.i += 1
            if u.i < len(u.steps): start(u)                               # the next step of a chain, in the same slot
    pool.shutdown()
except BaseException:                                                      # interrupted: stop what still runs
    for u in running.values():
        if u.proc is not None and u.proc.poll() is None: u.proc.kill()
    for p in list((pool._processes or {}).values()): p.kill()
    raise
wall = time.time() - t_start
print(f"[test] pool of {slots}: {wall:.0f} s wall, {busy / max(wall, 1e-9) / slots:.0%} of the slots busy; logs in {tmp}", flush=True)
if failed_nbs:
    print("\nnbdev Tests Failed On The Following Notebooks:\n" + '=' * 50 + '\n\t' + '\n\t'.join(failed_nbs))
(tmp/'failed_other.txt').write_text(' '.join(failed_other))
try:                                                                       # the next run's order (an ignored cache file)
    times_file.parent.mkdir(exist_ok=True); t = times_file.with_suffix(f'.tmp{os.getpid()}')
    t.write_text(json.dumps(known | took, indent=1, sort_keys=True)); os.replace(t, times_file)
except OSError: pass
sys.exit(1 if failed_nbs or failed_other else 0)
PY
  rc=${PIPESTATUS[0]}
  read -r -a exp_failed < "$tmp/failed_other.txt" 2>/dev/null || exp_failed=()
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
