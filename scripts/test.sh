#!/usr/bin/env bash
# Run every notebook's tests with nbdev_test (set-up first, idempotent). Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
log=$(mktemp)
t0=$SECONDS
.venv/bin/nbdev_test --n_workers "${PAL_TEST_WORKERS:-2}" --timing "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
.venv/bin/python - "$log" "$rc" "$((SECONDS - t0))" <<'PY'
import sys, re, pathlib
from nbdev.config import get_config
log, rc, secs = pathlib.Path(sys.argv[1]).read_text(), int(sys.argv[2]), sys.argv[3]
nbs = [p for p in sorted(get_config().nbs_path.rglob('*.ipynb')) if not p.name.startswith(('_', '.')) and '.ipynb_checkpoints' not in str(p)
       and not (p.parent/'.notest').exists()]
failed = set(re.findall(r'^\t(\S+\.ipynb)$', log.split('Tests Failed On The Following Notebooks')[-1], re.M)) if 'Tests Failed' in log else set()
if rc != 0 and not failed: failed = {'(nbdev_test crashed)'}
print(f"[test] {len(nbs)} notebooks in {secs}s; failed: {sorted(failed) or 'none'}")
print(f"{len(nbs) - len(failed & {p.name for p in nbs})} passed, {len(failed)} failed")
PY
exit $rc
