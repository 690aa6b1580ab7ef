#!/usr/bin/env bash
# Test the docs as a person sees them: unit-test the notebook converter, build the site (scripts/docs.sh), then in
# headless Chromium open every page, check every internal link (HTTP 200, anchor present) and every image, take
# screenshots into _docs/screenshots/, prove with a throwaway page that a broken link is caught, open
# nbs/00_assets.ipynb in JupyterLab (scripts/lab.sh) with the project's kernel, and check nbdev's own Quarto
# configuration as far as it goes without Quarto (docs/check_quarto.py). Installs Debian's chromium when it is
# missing (apt-get; CI and these machines run as root).
#   bash scripts/docs_test.sh                       build (executing stale notebooks) + all checks
#   PAL_DOCS_EXECUTE=0 bash scripts/docs_test.sh    build without executing notebooks (fast)
#   bash scripts/docs_test.sh site                  only the site checks (or: lab)
# The last line is "N passed, N failed"; the exit code is 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
t0=$SECONDS
passed=0; failed=0
source scripts/counts.sh
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "[docs-test] FAILED: /usr/bin/chromium is missing; as root run: apt-get install -y chromium" >&2
    echo "0 passed, 1 failed"; exit 1
  fi
  echo "[docs-test] installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; then
    echo "[docs-test] FAILED: apt-get install chromium did not work" >&2; echo "0 passed, 1 failed"; exit 1
  fi
fi
echo "[docs-test] $(/usr/bin/chromium --version 2>/dev/null | head -1)"
log=$(mktemp)
if bash scripts/docs.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "[docs-test] FAIL site build"; fi
t1=$SECONDS
.venv/bin/python docs/test_pal_docs.py 2>&1 | tee "$log"; add_count "$log"
if [[ $# -eq 0 ]]; then   # nbdev's own Quarto path, as far as it goes without Quarto
  .venv/bin/python -W ignore::UserWarning docs/check_quarto.py 2>&1 | tee "$log"; add_count "$log"
fi
if [[ -f _docs/index.html ]]; then
  .venv/bin/python scripts/browser_test.py "$@" 2>&1 | tee "$log"; add_count "$log"
else
  echo "[docs-test] FAIL no site to check (_docs/index.html is missing)"; failed=$((failed + 1))
fi
rm -f "$log"
echo "[docs-test] site build $((t1 - t0))s, converter + browser checks $((SECONDS - t1))s, total $((SECONDS - t0))s"
[[ $failed -eq 0 ]] && echo "[docs-test] PASSED" || echo "[docs-test] FAILED"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
