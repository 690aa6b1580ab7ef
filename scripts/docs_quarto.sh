#!/usr/bin/env bash
# nbdev's own docs path, for people who have Quarto installed (this project's machines cannot install it; the offline
# site that CI builds and tests is the MkDocs one: bash scripts/docs.sh). Config: nbs/_quarto.yml + nbs/styles.css;
# nbdev writes nbs/nbdev.yml and nbs/sidebar.yml from settings.ini (git-ignored).
#   bash scripts/docs_quarto.sh              nbdev_docs: the Quarto site in _docs/ (replacing the MkDocs one there)
#   bash scripts/docs_quarto.sh preview      nbdev_preview: a live preview server (README.md is not touched)
# nbdev_docs also runs nbdev_readme, which would write README.md with Quarto and without the sections that
# `pal readme` generates from results/ and nbs/exp_*.ipynb; README.md is regenerated with `pal readme` afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v quarto >/dev/null; then
  echo "[docs-quarto] quarto is not on PATH: install it from quarto.org, or build the offline site with bash scripts/docs.sh" >&2
  exit 1
fi
[[ -x .venv/bin/python ]] || bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false MPLBACKEND=Agg
if [[ ${1:-} == preview ]]; then shift; exec .venv/bin/nbdev_preview "$@"; fi
trap '.venv/bin/python -m pal.cli readme' EXIT
.venv/bin/nbdev_docs "$@"
