"""Prepare the pal docs site for MkDocs: execute the notebooks (optional, cached), turn each one into a Markdown page
(prose, code, outputs, figures) and write one API reference page per module of `pal`.

`bash scripts/docs.sh` runs `python docs/pal_docs.py prepare` and then `mkdocs build --strict`; see docs/README.md
for the decisions (why MkDocs, why pages are Markdown and not HTML, how execution is cached)."""
import argparse, ast, base64, fnmatch, functools, hashlib, io, json, os, re, shutil, signal, subprocess, sys, time, tokenize
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT/'.cache'/'docs'
SRC = CACHE/'src'            # mkdocs.yml's docs_dir: regenerated on every build, never edited by hand
EXECUTED = CACHE/'executed'  # executed copies of the notebooks, keyed by what they depend on
STATIC = ROOT/'docs'/'static'
MAX_STREAM_LINES = 200       # longer stdout/stderr is cut in the middle (the full text is in the executed copy)


def settings():
    "nbs_path, lib_path and the test flags from settings.ini (read with nbdev's own reader)."
    from nbdev.config import get_config
    cfg = get_config(path=ROOT)
    return Path(cfg.nbs_path), Path(cfg.lib_path), cfg.get('tst_flags', '').split('|')


def find_notebooks(nbs: Path) -> list[Path]:
    "Every notebook under `nbs` in file-name order, skipping names that start with `_` or `.` (as nbdev_test does)."
    if not nbs.is_dir(): raise SystemExit(f"[docs] notebook folder {nbs} does not exist (settings.ini nbs_path)")
    return sorted(p for p in nbs.rglob('*.ipynb')
                  if not any(part.startswith(('_', '.')) for part in p.relative_to(nbs).parts))


def read_json_nb(path: Path) -> dict:
    try: nb = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError) as e: raise SystemExit(f"[docs] {path}: not a readable notebook ({e})")
    if not isinstance(nb, dict) or 'cells' not in nb: raise SystemExit(f"[docs] {path}: not a notebook (no 'cells')")
    return nb


def src_text(x) -> str: return ''.join(x) if isinstance(x, list) else (x or '')


# ----------------------------------------------------------------------------------------------------------------
# Execution: the same in-process shell and the same skip rules as nbdev_test, with the outputs kept

def _lib_refs(text: str, pkg: str) -> set[str]:
    "Modules of the library that `text` names: `pal.x` anywhere (imports, `python -m pal.x`) and `from .x import`."
    return set(re.findall(rf'\b{pkg}\.(\w+)', text)) | set(re.findall(r'^\s*from \.(\w+) import', text, re.M))


def exec_deps(nb: Path, lib: Path) -> list[Path]:
    """The library files a notebook's outputs can depend on: the modules its code names, and everything those import,
    transitively; a notebook that imports the package root (`import pal`, `from pal import x`) depends on all of it."""
    pkg = lib.name
    files = {p.stem: p for p in lib.glob('*.py')}
    code = '\n'.join(src_text(c.get('source')) for c in read_json_nb(nb)['cells'] if c.get('cell_type') == 'code')
    imports_root = re.search(rf'^\s*(import {pkg}\s*$|from {pkg} import)', code, re.M)
    subpackages = any(p.is_dir() and (p/'__init__.py').exists() for p in lib.iterdir())
    if imports_root or subpackages: return sorted(lib.rglob('*.py'))
    m = re.search(r'^\s*#\s*\|\s*default_exp\s+(\S+)', code, re.M)
    todo = _lib_refs(code, pkg) | ({m.group(1).split('.')[0]} if m else set())
    todo |= {'__init__'}
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in files: continue
        seen.add(name)
        todo |= _lib_refs(files[name].read_text(encoding='utf-8'), pkg) - seen
    return sorted(files[n] for n in seen)


def exec_key(nb: Path, lib: Path) -> str:
    "What an executed copy depends on: the notebook, the library modules it uses (transitively) and settings.ini."
    h = hashlib.sha256(nb.read_bytes())
    for p in exec_deps(nb, lib): h.update(str(p.relative_to(lib)).encode()); h.update(p.read_bytes())
    h.update((ROOT/'settings.ini').read_bytes())
    return h.hexdigest()


def exec_one(src: Path, dst: Path, allow_errors: bool) -> int:
    "Run `src` like `nbdev_test` does (cwd = its folder, IN_TEST=1, `eval: false` and test-flag cells skipped); write it with outputs to `dst`."
    from execnb.shell import CaptureShell
    from execnb.nbio import nb2dict
    from fastcore.xtras import working_directory
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from nbdev.config import get_config
    os.environ['IN_TEST'] = '1'
    flags = set(get_config(path=ROOT).get('tst_flags', '').split('|')) - {''}
    orig = read_json_nb(src)
    fm = getattr(NBProcessor(src, procs=FrontmatterProc, process=True).nb, 'frontmatter_', {}) or {}
    run_nb = NBProcessor(src).nb  # directives removed and parsed, cells in the same order as `orig`

    def skip(cell):
        if cell.cell_type != 'code': return True
        if 'nbdev_export' + '(' in cell.source: return True
        d = getattr(cell, 'directives_', {}) or {}
        if d.get('eval:', [''])[0].lower() == 'false': return True
        return bool(flags & d.keys())

    rc = 0
    if str(fm.get('skip_exec', False)).lower() not in ('true', '1', 'yes'):
        shell = CaptureShell(src)
        try:
            with working_directory(src.parent): shell.run_all(run_nb, exc_stop=not allow_errors, preproc=skip)
        except BaseException:
            sys.stderr.write(shell.prettytb(fname=src) + '\n'); rc = 1
    ran = nb2dict(run_nb)['cells']
    if len(ran) != len(orig['cells']): raise SystemExit(f"[docs] {src}: cell count changed while executing")
    for c, r in zip(orig['cells'], ran):
        if c['cell_type'] == 'code':
            c['outputs'] = r.get('outputs', []) or []
            c['execution_count'] = r.get('execution_count')
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(orig, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return rc


def execute_all(nbs_dir: Path, lib: Path, notebooks: list[Path], mode: str, workers: int, allow_errors: bool,
                timeout: int, only: str = '') -> tuple[dict[Path, Path], dict[Path, str]]:
    """Return ({notebook: file to render}, {notebook that failed: why}). mode '1': run the notebooks whose executed
    copy is stale; 'force': run all; '0': run none (a fresh executed copy is still used, else the source, which has
    no outputs). A notebook that fails or times out is rendered from its source, and reported. `only` (file-name
    patterns, space-separated) limits execution to the notebooks it matches; the others are treated as with '0'."""
    chosen, todo = {}, []
    pats = only.split()
    for nb in notebooks:
        rel = nb.relative_to(nbs_dir)
        out, keyf = EXECUTED/rel, (EXECUTED/rel).with_suffix('.key')
        key = exec_key(nb, lib)
        fresh = out.exists() and keyf.exists() and keyf.read_text() == key
        runnable = not pats or any(fnmatch.fnmatch(nb.name, p) or fnmatch.fnmatch(nb.stem, p) for p in pats)
        if fresh and (mode != 'force' or not runnable): chosen[nb] = out
        elif mode in ('1', 'force') and runnable: todo.append((nb, out, keyf, key))
        else: chosen[nb] = nb
    if not todo:
        n_out = sum(1 for v in chosen.values() if str(v).startswith(str(EXECUTED)))
        print(f"[docs] execution: {n_out} of {len(notebooks)} notebooks from fresh executed copies, none run")
        return chosen, {}
    print(f"[docs] executing {len(todo)} notebook(s) with {workers} worker(s): {', '.join(t[0].name for t in todo)}")
    env = dict(os.environ, HF_HUB_OFFLINE='1', HF_DATASETS_OFFLINE='1', TOKENIZERS_PARALLELISM='false', MPLBACKEND='Agg')

    def run(item):
        nb, out, keyf, key = item
        t0 = time.time()
        tmp = out.with_suffix('.tmp.ipynb')
        cmd = [sys.executable, __file__, 'exec-one', str(nb), str(tmp)] + (['--allow-errors'] if allow_errors else [])
        # own process group: on a time-out the notebook's own subprocesses are stopped with it
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        try: stdout, stderr = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL); p.communicate()
            return nb, None, time.time() - t0, f"timed out after {timeout}s (PAL_DOCS_TIMEOUT)"
        if p.returncode != 0 or not tmp.exists():
            return nb, None, time.time() - t0, (stderr or stdout)[-4000:]
        tmp.replace(out); keyf.write_text(key)
        return nb, out, time.time() - t0, stderr if allow_errors else ''

    failed = {}
    with ThreadPoolExecutor(max(1, workers)) as ex:
        for nb, out, secs, err in ex.map(run, todo):
            if out is None:
                failed[nb] = err.strip().split('\n')[-1][:300]
                chosen[nb] = nb
                print(f"[docs]   FAILED {nb.name} ({secs:.0f}s):\n{err}", file=sys.stderr)
            else: chosen[nb] = out; print(f"[docs]   executed {nb.name} in {secs:.0f}s")
    return chosen, failed


# ----------------------------------------------------------------------------------------------------------------
# The symbol index of `pal` (static: nothing is imported), for API pages and for `name` links in prose

def module_index(lib: Path) -> dict:
    """{module: {'path', 'notebook', 'all': [...], 'kinds': {name: kind}, 'methods': {cls: [...]}}} from `__all__`,
    read with `ast` (no import, so the docs build needs neither torch nor the models)."""
    mods = {}
    pkg = lib.name
    for p in sorted(lib.rglob('*.py')):
        rel = p.relative_to(lib).with_suffix('')
        if any(part.startswith('_') for part in rel.parts): continue
        name = '.'.join((pkg, *rel.parts))
        text = p.read_text(encoding='utf-8')
        tree = ast.parse(text, filename=str(p))
        exported, kinds, methods = None, {}, {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == '__all__' for t in node.targets):
                exported = [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)): kinds[node.name] = 'function'
            elif isinstance(node, ast.ClassDef):
                kinds[node.name] = 'class'
                methods[node.name] = [b.name for b in node.body if isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef))
                                      and not b.name.startswith('_')]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                    if isinstance(t, ast.Name): kinds.setdefault(t.id, 'attribute')
        if not exported: continue
        m = re.search(r'File to edit: (\S+?\.ipynb)', text)
        nbpath = (p.parent/m.group(1)).resolve() if m else None
        mods[name] = dict(path=p, notebook=nbpath, all=exported, kinds={k: kinds.get(k, 'attribute') for k in exported},
                          methods={c: methods.get(c, []) for c in exported if kinds.get(c) == 'class'})
    return mods


def symbol_targets(mods: dict) -> dict[str, str]:
    "`name` -> identifier of its rendered API entry; names exported by two modules are left unlinked."
    seen, out = {}, {}
    for mod, info in mods.items():
        for n in info['all']:
            seen.setdefault(n, []).append(f'{mod}.{n}')
            for meth in info['methods'].get(n, []): seen.setdefault(f'{n}.{meth}', []).append(f'{mod}.{n}.{meth}')
        seen.setdefault(mod, []).append(mod)
    for k, v in seen.items():
        if len(v) == 1: out[k] = v[0]
    return out


def api_page(mod: str, info: dict, page_of_nb: dict) -> str:
    nb = info['notebook']
    lines = [f'# `{mod}`', '']
    if nb is not None and nb in page_of_nb:
        lines += [f'Generated from the notebook [{nb.name}](../{page_of_nb[nb]}) (read it for the reasoning, the '
                  f'examples and the tests). Everything in `__all__`:', '']
    counts = {}
    for k in info['kinds'].values(): counts[k] = counts.get(k, 0) + 1
    lines += [', '.join(f"{v} {k}{'es' if k == 'class' and v > 1 else ('s' if v > 1 else '')}"
                        for k, v in sorted(counts.items())) + '.', '']
    lines += [f'::: {mod}', '    options:', '      members:'] + [f'        - {n}' for n in info['all']] + ['']
    return '\n'.join(lines)


def api_index(mods: dict, page_of_nb: dict) -> str:
    lines = ['# API reference', '',
             'One page per module of `pal`, generated from the signatures and docstrings of the exported code '
             '(each module\'s `__all__`, which `nbdev_export` writes from the `#| export` cells).', '',
             '| module | notebook | exports |', '|---|---|---|']
    for mod, info in mods.items():
        nb = info['notebook']
        nbl = f'[{nb.name}](../{page_of_nb[nb]})' if nb in page_of_nb else ''
        lines.append(f"| [`{mod}`]({mod}.md) | {nbl} | {len(info['all'])} |")
    return '\n'.join(lines) + '\n'


# ----------------------------------------------------------------------------------------------------------------
# Notebook -> Markdown

_ansi = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07')
_fence_re = re.compile(r'^\s{0,3}(`{3,}|~{3,})')
_list_re = re.compile(r'^( *)([-*+]|\d{1,9}[.)])( +)\S')


def clean_text(s: str) -> str:
    "Strip ANSI colours and resolve carriage returns (progress bars) the way a terminal shows them."
    s = _ansi.sub('', s)
    return '\n'.join(line.rsplit('\r', 1)[-1] if '\r' in line else line for line in s.split('\n'))


def fenced(text: str, lang: str = 'text', attrs: str = '') -> str:
    "A fenced block that cannot be closed early by backticks inside `text`."
    n = max([3] + [len(m) + 1 for m in re.findall(r'`{3,}', text)])
    f = '`' * n
    head = f'{f} {{ .{lang} {attrs} }}' if attrs else f'{f}{lang}'
    return f'{head}\n{text.rstrip()}\n{f}'


def outside_fences(md: str, fn) -> str:
    "Apply `fn` to each run of lines of `md` that is not inside a fenced code block."
    out, buf, fence = [], [], None
    for line in md.split('\n'):
        m = _fence_re.match(line)
        if fence is None and m:
            if buf: out.append(fn('\n'.join(buf))); buf = []
            fence = m.group(1); out.append(line)
        elif fence is not None:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):].strip():
                fence = None
        else: buf.append(line)
    if buf: out.append(fn('\n'.join(buf)))
    return '\n'.join(out)


def normalise_blocks(md: str) -> str:
    """Jupyter renders CommonMark/GFM; Python-Markdown wants a blank line before a list or table that follows a
    paragraph, and four spaces per nesting level of a list. Rewrite those two things, nothing else."""
    lines, out = md.split('\n'), []
    stack = []  # indents of the list markers that are open
    for i, line in enumerate(lines):
        prev = out[-1] if out else ''
        m = _list_re.match(line)
        is_table = line.lstrip().startswith('|')
        if not line.strip():
            out.append(line); continue
        if m:
            ind = len(m.group(1))
            if prev.strip() and not stack and not prev.lstrip().startswith(('|', '>')) and not _list_re.match(prev):
                out.append('')
            while stack and ind < stack[-1]: stack.pop()
            if not stack or ind > stack[-1]:
                if stack and ind < stack[-1] + 2: ind = stack[-1]  # not indented enough to nest: same level
                if not stack or ind > stack[-1]: stack.append(ind)
            level = len(stack) - 1
            out.append(' ' * (4 * level) + line.lstrip(' ')); continue
        if stack:
            ind = len(line) - len(line.lstrip(' '))
            if ind == 0 and not (prev.strip()):  # a new block after a blank line ends the list
                stack = []
            elif ind > 0:
                level = sum(1 for s in stack if s < ind)
                out.append(' ' * (4 * level) + line.lstrip(' ')); continue
        if is_table and prev.strip() and not prev.lstrip().startswith('|'):
            out.append('')
        out.append(line)
    return '\n'.join(out)


_code_span = re.compile(r'(?<![\[`])`([^`\n]+)`(?![`\]])')


def link_names(md: str, targets: dict, page_links: dict, here: Path) -> str:
    """nbdev-style links: a code span that names an exported symbol (`load_audio`, `Trainer.fit`) links to its API
    entry; one that names a notebook (`00_assets`, `nbs/00_assets.ipynb`) or a module (`pal.audio`) links to its page.
    Headings are left alone."""
    def sub_line(line):
        if line.lstrip().startswith('#'): return line
        def rep(m):
            name = m.group(1).strip()
            bare = name[:-2] if name.endswith('()') else name
            if bare in page_links: return f'[`{name}`]({os.path.relpath(page_links[bare], here).replace(os.sep, "/")})'
            if bare in targets: return f'[`{name}`][{targets[bare]}]'
            return m.group(0)
        return _code_span.sub(rep, line)
    return outside_fences(md, lambda block: '\n'.join(sub_line(l) for l in block.split('\n')))


_md_link = re.compile(r'(!?\[[^\]\n]*\]\()(<[^>\n]+>|[^)\s]+)((?:\s+"[^"\n]*")?\))')
_html_src = re.compile(r'''(<(?:img|source|a)\b[^>]*?\s(?:src|href)=)(["'])([^"']+)\2''', re.I)


class Assets:
    "Files a page refers to: notebook outputs and attachments, and repository files that prose links to."
    def __init__(self, page: Path, stem: str):
        self.page, self.dir, self.n = page, page.parent/f'{stem}_files', 0

    def add(self, data: bytes, ext: str, hint: str) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n += 1
        name = f'{hint}-{self.n}.{ext}'
        (self.dir/name).write_bytes(data)
        return f'{self.dir.name}/{name}'


@functools.lru_cache(maxsize=None)
def _records() -> tuple:
    "The experiment records of results/ (pal.cli.results_records), read once per build."
    from pal.cli import results_records
    return tuple(results_records(ROOT/'results'))


def _report_owner(name: str) -> str | None:
    "The experiment whose record in results/ lists the report `name`, or None."
    return next((r['experiment'] for r in _records() if name in r['reports']), None)


def rewrite_links(md: str, nb_path: Path, nbs_dir: Path, page_dir: Path, page_of_nb: dict, assets: Assets,
                  attachments: dict) -> str:
    """Links between notebooks point at their pages; links and images that point at files of the repository outside
    the notebooks (figures in results/, say) are copied into the site; a link that resolves to nothing is left as it
    is, so that `mkdocs build --strict` reports it."""
    def target(url: str):
        if re.match(r'^[a-z][a-z0-9+.-]*:', url, re.I) or url.startswith(('#', '/')): return None
        path, _, frag = url.partition('#')
        from urllib.parse import unquote
        p = (nb_path.parent/unquote(path)).resolve()
        if p.suffix == '.ipynb' and p in page_of_nb:
            rel = os.path.relpath(SRC/page_of_nb[p], page_dir).replace(os.sep, '/')
            return rel + (f'#{frag}' if frag else '')
        if p.suffix == '.md' and p.parent == ROOT/'results' and p.is_file():   # a report: shown on its experiment's page
            exp = _report_owner(p.name)
            nbp = (nbs_dir/f'exp_{exp}.ipynb').resolve() if exp else None
            if nbp in page_of_nb: return os.path.relpath(SRC/page_of_nb[nbp], page_dir).replace(os.sep, '/') + '#committed-results'
            return None   # left as written: the strict build reports it
        if p.is_file() and ROOT in p.parents and not str(p).startswith(str(SRC)):
            dst = SRC/'_repo'/p.relative_to(ROOT)
            dst.parent.mkdir(parents=True, exist_ok=True)
            if not dst.exists() or dst.stat().st_mtime < p.stat().st_mtime: shutil.copy2(p, dst)
            return os.path.relpath(dst, page_dir).replace(os.sep, '/') + (f'#{frag}' if frag else '')
        return None

    def md_rep(m):
        url = m.group(2)
        inner = url[1:-1] if url.startswith('<') else url
        if inner.startswith('attachment:'):
            key = inner.split(':', 1)[1]
            if key in attachments: return m.group(1) + attachments[key] + m.group(3)
            return m.group(0)
        t = target(inner)
        return m.group(0) if t is None else m.group(1) + t + m.group(3)

    def html_rep(m):
        url = m.group(3)
        if url.startswith('attachment:') and url.split(':', 1)[1] in attachments:
            return f'{m.group(1)}{m.group(2)}{attachments[url.split(":", 1)[1]]}{m.group(2)}'
        t = target(url)
        return m.group(0) if t is None else f'{m.group(1)}{m.group(2)}{t}{m.group(2)}'

    return outside_fences(md, lambda b: _html_src.sub(html_rep, _md_link.sub(md_rep, b)))


def directives(cell: dict) -> tuple[dict, str]:
    "The leading `#|` directives of a code cell (parsed by nbdev's own `_directive`) and the source without them."
    from nbdev.process import _directive
    lines = src_text(cell.get('source')).split('\n')
    k = 0
    while k < len(lines) and (not lines[k].strip() or re.match(r'^\s*#\s*\|', lines[k])): k += 1
    d = dict(filter(None, (_directive(l) for l in lines[:k] if l.strip())))
    code = [l for l in lines[k:] if not re.search(r'#\s*\|\s*hide_line\s*$', l)]
    return d, '\n'.join(code).strip('\n')


def _data(v) -> str: return ''.join(v) if isinstance(v, list) else str(v)


def render_outputs(outputs: list, d: dict, assets: Assets, cell_no: int, allow_errors: bool) -> list[str]:
    parts = []
    drop = set(d.get('filter_stream', []))
    errs = [o.get('ename', '') for o in outputs if o.get('output_type') == 'error']
    if errs:  # the shell also printed the traceback to stdout: show it once, in the failure box
        outputs = [o for o in outputs if not (o.get('output_type') == 'stream' and 'Traceback' in _data(o.get('text', ''))
                                              and any(e in _data(o.get('text', '')) for e in errs))]
    caption = ' '.join(d.get('fig-cap:', []) or d.get('fig-cap', [])).strip().strip('"')
    for o in outputs:
        t = o.get('output_type')
        if t == 'stream':
            text = clean_text(_data(o.get('text', '')))
            if drop: text = '\n'.join(l for l in text.split('\n') if not any(w in l for w in drop))
            lines = text.rstrip('\n').split('\n')
            if len(lines) > MAX_STREAM_LINES:
                k = MAX_STREAM_LINES // 2
                lines = lines[:k] + [f'... ({len(lines) - 2 * k} lines not shown) ...'] + lines[-k:]
            if ''.join(lines).strip():
                parts.append(fenced('\n'.join(lines), 'text', f".nb-{o.get('name', 'stdout')}"))
        elif t in ('execute_result', 'display_data'):
            data, meta = o.get('data', {}), o.get('metadata', {})
            img = next((k for k in ('image/png', 'image/jpeg', 'image/gif', 'image/svg+xml') if k in data), None)
            if img:
                if img == 'image/svg+xml': raw, ext = _data(data[img]).encode(), 'svg'
                else: raw, ext = base64.b64decode(_data(data[img])), img.split('/')[1].replace('jpeg', 'jpg')
                rel = assets.add(raw, ext, f'cell{cell_no}')
                m = meta.get(img, {}) if isinstance(meta.get(img), dict) else {}
                width = f' width="{int(m["width"])}"' if 'width' in m else ''
                alt = caption or f'output of cell {cell_no}'
                parts.append(f'<figure class="nb-figure" markdown="span">\n![{alt}]({rel}){{ .nb-image{width} }}'
                             + (f'\n<figcaption>{caption}</figcaption>' if caption else '') + '\n</figure>')
            elif 'text/html' in data:
                html = _data(data['text/html']).strip()
                parts.append(f'<div class="nb-html" markdown="0">\n{html}\n</div>')
            elif 'text/markdown' in data:
                parts.append(f'<div class="nb-markdown" markdown="1">\n\n{_data(data["text/markdown"]).strip()}\n\n</div>')
            elif 'text/latex' in data and 'text/plain' not in data:
                parts.append(fenced(_data(data['text/latex']), 'latex'))
            elif 'text/plain' in data:
                parts.append(fenced(clean_text(_data(data['text/plain'])), 'text', '.nb-result'))
        elif t == 'error':
            tb = clean_text('\n'.join(o.get('traceback', [])) or f"{o.get('ename')}: {o.get('evalue')}")
            parts.append('!!! failure "This cell raised an error when the docs were built"\n\n'
                         + '\n'.join('    ' + l for l in fenced(tb, 'text').split('\n')))
    return parts


def committed_results(nb_src: Path, nbs_dir: Path, page: Path, page_of_nb: dict, assets: 'Assets') -> str:
    """The "Committed results" section of an experiment page `nbs/exp_<name>.ipynb`: every record
    `results/<stem>.json` whose `experiment` is `<name>` (pal.cli.results_records), with its Markdown report(s)
    inline (figures included) and any figure the record lists that no report shows. Notebooks are committed without
    outputs, so this is what shows the committed numbers and figures whether or not the docs build executed them."""
    name, res = nb_src.stem[len('exp_'):], ROOT/'results'
    recs = [r for r in _records() if r['experiment'] == name]
    out = ['## Committed results']
    if not recs:
        out.append(f'No committed results yet: `results/` holds no record (`<stem>.json`) with `"experiment": "{name}"`.')
        return '\n\n'.join(out)
    out.append(f'What this notebook wrote into `results/` in its committed runs ({len(recs)} record'
               f'{"s" if len(recs) > 1 else ""}; each `.json` there holds the configuration, versions, machine and wall '
               'time). These files, not the outputs of the docs build, are the reported results.')
    for r in recs:
        shown = set()
        out.append(f"### {r['title'] or r['stem']}\n\nPreset `{r['preset']}`, record `results/{r['json']}`"
                   + (f", reports {', '.join(f'`results/{x}`' for x in r['reports'])}." if r['reports'] else '.'))
        for k, rep in enumerate(r['reports']):
            md = (res/rep).read_text(encoding='utf-8').strip()
            if k == 0: md = re.sub(r'\A# .*\n?', '', md)   # its title is the heading above
            md = outside_fences(md, lambda b: re.sub(r'^(#{1,4}) ', lambda m: '#' * (len(m.group(1)) + 2) + ' ', b, flags=re.M))
            shown |= {Path(u).name for u in re.findall(r'!\[[^\]]*\]\(([^)\s]+)', md)}
            out.append(normalise_blocks(rewrite_links(md, res/rep, nbs_dir, page.parent, page_of_nb, assets, {})))
        for f in r['figures']:
            if f not in shown:
                out.append(rewrite_links(f'![{f}]({f})', res/f, nbs_dir, page.parent, page_of_nb, assets, {}))
    return '\n\n'.join(p.strip('\n') for p in out)



def notebook_page(nb_file: Path, nb_src: Path, nbs_dir: Path, page_rel: str, page_of_nb: dict, targets: dict,
                  page_links: dict, mod_of_nb: dict, allow_errors: bool, failed: str = '') -> str:
    "One notebook as a Markdown page. `nb_file` is what is read (maybe an executed copy), `nb_src` the notebook."
    nb = read_json_nb(nb_file)
    page = SRC/page_rel
    assets = Assets(page, Path(page_rel).stem)
    if assets.dir.exists(): shutil.rmtree(assets.dir)
    out, has_h1, exported = [], False, mod_of_nb.get(nb_src.resolve())
    for i, cell in enumerate(nb['cells']):
        ct, text = cell.get('cell_type'), src_text(cell.get('source'))
        if ct == 'markdown':
            attach = {}
            for key, bundle in (cell.get('attachments') or {}).items():
                mime = next(iter(bundle))
                raw = base64.b64decode(_data(bundle[mime])) if not mime.endswith('svg+xml') else _data(bundle[mime]).encode()
                attach[key] = assets.add(raw, mime.split('/')[1].replace('svg+xml', 'svg').replace('jpeg', 'jpg'), 'attachment')
            if '<!-- pal:' in text:   # the home page's generated sections (results/, experiment list), as in README.md
                from pal.cli import fill_sections
                text = fill_sections(text, ROOT, prefix=os.path.relpath(ROOT, nb_src.parent).replace(os.sep, '/') + '/', report_links=False)
            md = rewrite_links(text, nb_src, nbs_dir, page.parent, page_of_nb, assets, attach)
            md = link_names(normalise_blocks(md), targets, page_links, page.parent)
            if re.search(r'^# ', md, re.M): has_h1 = True
            out.append(md.strip('\n'))
        elif ct == 'raw':
            m = re.match(r'^---\s*\n(.*?)\n---\s*$', text.strip(), re.S)
            if m and not has_h1:
                import yaml
                fm = yaml.safe_load(m.group(1)) or {}
                if fm.get('title'): out.append(f"# {fm['title']}" + (f"\n\n> {fm['description']}" if fm.get('description') else '')); has_h1 = True
        elif ct == 'code':
            d, code = directives(cell)
            keys = set(d)
            if 'hide' in keys or d.get('include:', [''])[0].lower() == 'false': continue
            show_src = d.get('echo:', [''])[0].lower() != 'false' and bool(code.strip())
            show_out = d.get('output:', [''])[0].lower() != 'false'
            if show_src:
                is_exp = bool(keys & {'export', 'exports', 'exporti', 'exp', 'exps', 'expi'})
                if is_exp and exported:
                    title = exported.replace('.', '/') + '.py'
                    out.append(fenced(code, 'python', f'title="{title}"'))
                else: out.append(fenced(code, 'python'))
            if show_out:
                for part in render_outputs(cell.get('outputs') or [], d, assets, i, allow_errors):
                    out.append(part)
    if not has_h1: out.insert(0, f'# {nb_src.stem}')
    if nb_src.name.startswith('exp_'): out.append(committed_results(nb_src, nbs_dir, page, page_of_nb, assets))
    if failed:
        h1 = next((i for i, p in enumerate(out) if re.search(r'^# ', p, re.M)), 0)
        why = '\n'.join('    ' + l for l in fenced(failed, 'text').split('\n'))
        out.insert(h1 + 1, '!!! failure "This notebook failed to execute when these docs were built: its outputs are '
                   f'missing"\n\n{why}')
    return '\n\n'.join(p for p in out if p.strip()) + '\n'


# ----------------------------------------------------------------------------------------------------------------

def copy_mathjax(dst: Path) -> None:
    """MathJax 2.7 (the files of the `jupyter-server-mathjax` package, requirements-docs.txt) into the site, so math
    is typeset without a CDN. The package ships the HTML-CSS output (its jax is in the combined configuration
    TeX-AMS-MML_HTMLorMML-full.js) with STIX-Web fonts; its SVG fonts without the SVG jax are left out."""
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).parent/'static'
    if not (src/'MathJax.js').exists(): raise SystemExit(f"[docs] {src}/MathJax.js is missing: reinstall jupyter-server-mathjax")
    shutil.copytree(src, dst, ignore=lambda d, names: [n for n in names if Path(d).name == 'output' and n == 'SVG'])


def prepare(args) -> int:
    t0 = time.time()
    nbs_dir, lib, _ = settings()
    nbs_dir, lib = nbs_dir.resolve(), lib.resolve()
    notebooks = find_notebooks(nbs_dir)
    if not notebooks: raise SystemExit(f"[docs] no notebooks found in {nbs_dir}")
    mode = args.execute
    if mode not in ('0', '1', 'force'): raise SystemExit(f"[docs] PAL_DOCS_EXECUTE must be 0, 1 or force, got {mode!r}")
    render, failed = execute_all(nbs_dir, lib, notebooks, mode, args.workers, args.allow_errors, args.timeout, args.only)
    if SRC.exists(): shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    page_of_nb = {nb.resolve(): str(nb.relative_to(nbs_dir).with_suffix('.md')).replace(os.sep, '/') for nb in notebooks}
    mods = module_index(lib)
    targets = symbol_targets(mods)
    mod_of_nb = {info['notebook']: mod for mod, info in mods.items() if info['notebook'] is not None}
    # `00_assets`, `nbs/00_assets.ipynb` and `pal.assets` (the module) in prose link to pages
    page_links = {}
    for nb, rel in page_of_nb.items():
        for alias in (nb.stem, nb.name, f'{nbs_dir.name}/{nb.relative_to(nbs_dir)}'): page_links[alias] = SRC/rel
    for mod in mods: page_links[mod] = SRC/'reference'/f'{mod}.md'
    for nb in notebooks:
        rel = page_of_nb[nb.resolve()]
        (SRC/rel).parent.mkdir(parents=True, exist_ok=True)
        text = notebook_page(render[nb], nb, nbs_dir, rel, page_of_nb, targets, page_links, mod_of_nb, args.allow_errors,
                             failed.get(nb, ''))
        (SRC/rel).write_text(text, encoding='utf-8')
    if not (SRC/'index.md').exists():
        (SRC/'index.md').write_text('# pal\n\n' + '\n'.join(f'- [{Path(r).stem}]({r})' for r in page_of_nb.values()) + '\n')
    (SRC/'reference').mkdir()
    (SRC/'reference'/'index.md').write_text(api_index(mods, page_of_nb), encoding='utf-8')
    for mod, info in mods.items():
        (SRC/'reference'/f'{mod}.md').write_text(api_page(mod, info, {k: v for k, v in page_of_nb.items()}), encoding='utf-8')
    if STATIC.is_dir(): shutil.copytree(STATIC, SRC/'static')
    copy_mathjax(SRC/'static'/'mathjax')
    # what the browser test checks against: every notebook's page and every exported name's API anchor
    manifest = dict(notebooks=[dict(notebook=str(nb.relative_to(ROOT)), page=page_of_nb[nb.resolve()],
                                    executed=str(render[nb]).startswith(str(EXECUTED)), failed=failed.get(nb))
                               for nb in notebooks],
                    api={mod: dict(page=f'reference/{mod}.md', names=[f'{mod}.{n}' for n in info['all']],
                                   kinds=info['kinds']) for mod, info in mods.items()})
    (CACHE/'manifest.json').write_text(json.dumps(manifest, indent=1))
    print(f"[docs] {len(notebooks)} notebook pages and {len(mods)} API pages written to {SRC.relative_to(ROOT)} "
          f"in {time.time() - t0:.1f}s")
    if failed:
        print(f"[docs] {len(failed)} notebook(s) failed to execute and have no outputs on their page: "
              f"{', '.join(p.name for p in failed)}. bash scripts/test.sh shows the same failure; "
              "PAL_DOCS_EXECUTE=0 builds without executing.", file=sys.stderr)
        return 2
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('prepare', help='execute (optional) and convert the notebooks, write the API pages')
    p.add_argument('--execute', default=os.environ.get('PAL_DOCS_EXECUTE', '1'), help='1 (default): run stale notebooks; 0: never; force: run all')
    p.add_argument('--workers', type=int, default=int(os.environ.get('PAL_DOCS_WORKERS', '2')))
    p.add_argument('--timeout', type=int, default=int(os.environ.get('PAL_DOCS_TIMEOUT', '3600')), help='seconds per notebook')
    p.add_argument('--allow-errors', action='store_true', default=os.environ.get('PAL_DOCS_ALLOW_ERRORS', '0') == '1')
    p.add_argument('--only', default=os.environ.get('PAL_DOCS_ONLY', ''), help="execute only notebooks matching these patterns (e.g. '04_* exp_arch*')")
    e = sub.add_parser('exec-one', help='(internal) execute one notebook into a copy with outputs')
    e.add_argument('src', type=Path); e.add_argument('dst', type=Path); e.add_argument('--allow-errors', action='store_true')
    a = ap.parse_args(argv)
    if a.cmd == 'prepare': return prepare(a)
    return exec_one(a.src.resolve(), a.dst.resolve(), a.allow_errors)


if __name__ == '__main__': sys.exit(main())
