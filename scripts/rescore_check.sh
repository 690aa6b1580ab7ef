#!/usr/bin/env bash
# Rescore a committed run from its committed float16 parameters in a scratch registry and compare every scored file
# with the committed one, byte for byte. Usage: bash scripts/rescore_check.sh KEY [OUT.md]  (default: print only).
# Exit status 1 when any file differs. About the run's own evaluation time (timings.json, "eval"); one thread.
set -euo pipefail
cd "$(dirname "$0")/.."
key=${1:?usage: bash scripts/rescore_check.sh KEY [OUT.md]}; out=${2:-}
src=results/runs/$key
[[ -f $src/DONE ]] || { echo "$src: not a finished run folder" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1
.venv/bin/python -c "import sys, pathlib; from pal.experiments import _records_copy; _records_copy(*map(pathlib.Path, sys.argv[1:]))" \
  "$src" "$tmp/$key"                                         # only what is committed: records and params.safetensors
t0=$SECONDS
.venv/bin/python -m pal.pipeline --rescore "$tmp/$key" --threads 1 > "$tmp/rescore.log" 2>&1 \
  || { tail -20 "$tmp/rescore.log" >&2; exit 2; }
.venv/bin/python - "$src" "$tmp/$key" "$((SECONDS - t0))" "$out" <<'PY'
import hashlib, sys, pathlib
a, b, secs, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4]
files = sorted(str(p.relative_to(a)) for p in a.glob('eval/*')) + ['ranks.csv', 'summary.csv', 'verdict.csv']
h = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()[:16] if p.exists() else 'missing'
rows = [(f, h(a/f), h(b/f)) for f in files]
md = [f"# Rescore check: run `{a.name}`", "",
      f"`bash scripts/rescore_check.sh {a.name}`: the committed run copied to a scratch registry without `weights/`, scored "
      f"again from its committed `params.safetensors` (`python -m pal.pipeline --rescore`, {secs} s), every scored file "
      "compared with the committed one (sha256, first 16 hex digits).", "",
      "| file | committed | rescored | same |", "|---|---|---|---|"]
md += [f"| {f} | {x} | {y} | {'yes' if x == y else 'NO'} |" for f, x, y in rows]
same = all(x == y for _, x, y in rows)
md += ["", f"**{'Identical' if same else 'DIFFERENT'}**: {sum(x == y for _, x, y in rows)} of {len(rows)} files."]
text = '\n'.join(md) + '\n'; print(text)
if out: pathlib.Path(out).write_text(text)
sys.exit(0 if same else 1)
PY
