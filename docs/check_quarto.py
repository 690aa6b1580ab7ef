"""nbdev's own Quarto docs path, checked as far as it goes without Quarto (which these machines cannot install):
nbs/_quarto.yml is the one nbdev uses (refresh_quarto_yml keeps it), nbdev.yml and sidebar.yml are generated with every
notebook in the sidebar, and nbdev's notebook processing for Quarto (proc_nbs: the step before `quarto render`)
handles every notebook. Run by scripts/docs_test.sh; prints PASS/FAIL per check and "N passed, N failed" last."""
import os, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    os.chdir(ROOT)
    import yaml
    from nbdev.config import get_config
    from nbdev.quarto import refresh_quarto_yml, nbdev_sidebar
    from nbdev.serve import proc_nbs
    sys.path.insert(0, str(ROOT/'docs'))
    from pal_docs import find_notebooks
    cfg = get_config(path=ROOT); nbs = Path(cfg.nbs_path)
    results = []
    def check(name, problems):
        results.append(not problems)
        print(('PASS ' if not problems else 'FAIL ') + name)
        for p in problems[:20]: print(f'       - {p}')
        sys.stdout.flush()

    qy = nbs/'_quarto.yml'
    probs = []
    if not qy.exists(): probs.append(f'{qy} is missing (nbdev would write its default one)')
    else:
        q = yaml.safe_load(qy.read_text())
        if (q.get('project') or {}).get('type') != 'website': probs.append('project.type is not website')
        css = ((q.get('format') or {}).get('html') or {}).get('css')
        if not css or not (nbs/css).exists(): probs.append(f'format.html.css {css!r} is not a file in {nbs}')
        if q.get('metadata-files') != ['nbdev.yml', 'sidebar.yml']: probs.append(f"metadata-files is {q.get('metadata-files')}, nbdev generates nbdev.yml and sidebar.yml")
    check(f'{qy.relative_to(ROOT)} is a Quarto website config with its stylesheet', probs)

    before = qy.read_bytes() if qy.exists() else b''
    refresh_quarto_yml()
    ny = yaml.safe_load((nbs/'nbdev.yml').read_text())
    probs = [] if qy.read_bytes() == before else [f'nbdev rewrote {qy} (custom_quarto_yml?)']
    if (ny.get('website') or {}).get('title') != cfg.title: probs.append(f"nbdev.yml title is {(ny.get('website') or {}).get('title')!r}")
    check('nbdev keeps nbs/_quarto.yml and generates nbs/nbdev.yml from settings.ini', probs)

    # nbdev would otherwise execute every cell that imports something, out of context (a cell that also uses a
    # variable made earlier fails, and the models load): the Quarto pages are rendered from the committed notebooks
    skips = [x.strip() for x in str(cfg.get('skip_procs', '')).split(',')]
    check('settings.ini skip_procs has exec_show_docs (Quarto pages are not executed)',
          [] if 'exec_show_docs' in skips else [f"skip_procs is {cfg.get('skip_procs', '')!r}"])

    nbdev_sidebar.__wrapped__()
    side = yaml.safe_load((nbs/'sidebar.yml').read_text())
    listed = [str(x) for x in side['website']['sidebar']['contents']]
    want = [str(p.relative_to(nbs)) for p in find_notebooks(nbs)]
    missing = [w for w in want if w not in listed]
    check(f'nbdev sidebar.yml lists every notebook ({len(want)})', [f'{m} is not in sidebar.yml' for m in missing])

    t0 = time.time()
    try:
        cache = Path(proc_nbs(nbs, n_workers=int(os.environ.get('PAL_DOCS_WORKERS', '2'))))
        probs = [f'{w}: no processed copy in {cache}' for w in want if not (cache/w).exists()]
        for f in ('_quarto.yml', 'styles.css', 'nbdev.yml', 'sidebar.yml'):
            if not (cache/f).exists(): probs.append(f'{f} was not copied into {cache}')
    except Exception as e:
        probs = [f'proc_nbs raised {type(e).__name__}: {e}']
    check(f'nbdev processes every notebook for Quarto (proc_nbs, {time.time() - t0:.0f}s)', probs)
    print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
    return 0 if all(results) else 1


if __name__ == '__main__': sys.exit(main())
