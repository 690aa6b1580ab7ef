#!/usr/bin/env bash
# JupyterLab on nbs/ with the project's kernel: `pal`, the .venv python (registered with --sys-prefix, so it lives in
# .venv and nowhere else), with HF_HUB_OFFLINE=1 and friends set as in the tests. It is the only kernel offered, so a
# notebook whose metadata names `python3` starts on `pal` (JupyterLab picks the one kernel of the notebook's language).
#   bash scripts/lab.sh                         opens a browser tab
#   bash scripts/lab.sh --no-browser --port 8899   any other argument goes to `jupyter lab`
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x .venv/bin/python ]] || bash scripts/setup.sh
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
.venv/bin/python -m ipykernel install --sys-prefix --name pal \
  --display-name "pal (.venv, Python $(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])'))" \
  --env HF_HUB_OFFLINE 1 --env HF_DATASETS_OFFLINE 1 --env TOKENIZERS_PARALLELISM false >/dev/null
# JupyterLab defaults for this venv (user settings still win): start the preferred kernel without asking (a
# notebook that names python3 gets `pal`, the default and only kernel), and never fetch news from the internet
mkdir -p .venv/share/jupyter/lab/settings
cat > .venv/share/jupyter/lab/settings/overrides.json <<'JSON'
{
  "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": true},
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}
}
JSON
root=(); [[ $(id -u) -ne 0 ]] || root=(--allow-root)   # CI and these machines run as root
# offline: no update check and no news feed (both would reach out to the internet)
exec .venv/bin/jupyter lab --ServerApp.root_dir="$PWD/nbs" "${root[@]}" \
  --KernelSpecManager.ensure_native_kernel=False --KernelSpecManager.allowed_kernelspecs=pal \
  --MappingKernelManager.default_kernel_name=pal \
  --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.news_url=None "$@"
