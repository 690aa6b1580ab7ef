#!/usr/bin/env bash
# Build the docs site into _docs/ (open _docs/index.html, or serve the folder): every notebook in nbs/ as a page
# (prose, code, outputs, figures) in file-name order, plus an API reference page per module of pal. Offline.
#
#   bash scripts/docs.sh                      execute the notebooks whose cached executed copy is stale, then build
#   PAL_DOCS_EXECUTE=0 bash scripts/docs.sh   fast build: execute nothing (fresh cached outputs are still shown)
#   PAL_DOCS_EXECUTE=force bash scripts/docs.sh   execute every notebook again
#   PAL_DOCS_ONLY='04_model exp_*' bash scripts/docs.sh   execute only these notebooks (others as with 0)
# More switches: PAL_DOCS_WORKERS (notebooks run at once, default 2), PAL_DOCS_TIMEOUT (seconds per notebook,
# default 3600), PAL_DOCS_ALLOW_ERRORS=1 (render a failing notebook with its traceback instead of failing).
# A broken internal link, image or API reference fails the build (mkdocs --strict). See docs/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg NO_MKDOCS_2_WARNING=1 \
       PIP_DISABLE_PIP_VERSION_CHECK=1
mode=${PAL_DOCS_EXECUTE:-1}
t0=$SECONDS
# executing the notebooks needs the full set-up (models, audio); a fast build only needs the venv
if [[ ! -x .venv/bin/python || "$mode" != "0" ]]; then bash scripts/setup.sh; fi
stamp=$(cat requirements-docs.txt constraints.txt | sha256sum | cut -c1-16)
if [[ "$(cat .venv/.pal-docs-stamp 2>/dev/null)" != "$stamp" ]]; then
  echo "[docs] installing the pinned docs tools (requirements-docs.txt)"
  .venv/bin/pip install -q -r requirements-docs.txt -c constraints.txt 2>&1 | grep -v "is ignored: it is neither" || true
  .venv/bin/python -c "import mkdocs, material, mkdocstrings_handlers.python, playwright, jupyter_server_mathjax" \
    || { echo "[docs] the docs tools did not install; see the pip output above" >&2; exit 1; }
  echo "$stamp" > .venv/.pal-docs-stamp
fi
t1=$SECONDS
prep=0
.venv/bin/python docs/pal_docs.py prepare --execute "$mode" || prep=$?
[[ $prep -eq 0 || $prep -eq 2 ]] || { echo "[docs] FAILED: preparing the pages (see above)" >&2; exit 1; }
t2=$SECONDS
log=$(mktemp); rc=0
.venv/bin/mkdocs build --strict --clean >"$log" 2>&1 || rc=$?
grep -v "^INFO    -  \(Cleaning site\|Building documentation\)" "$log" || true; rm -f "$log"
if [[ $rc -ne 0 ]]; then
  echo "[docs] FAILED: mkdocs build --strict (a warning above names a broken link, anchor, image or reference)" >&2; exit 1
fi
if [[ $prep -eq 2 ]]; then
  echo "[docs] FAILED: the site in _docs/ was built, but some notebooks did not execute (named above)" >&2; exit 1
fi
echo "[docs] site in _docs/ ($(find _docs -name '*.html' | wc -l) pages): set-up $((t1 - t0))s, notebooks $((t2 - t1))s," \
     "mkdocs $((SECONDS - t2))s, total $((SECONDS - t0))s"
