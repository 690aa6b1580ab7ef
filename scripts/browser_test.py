"""Check what a person sees, in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser is
downloaded). Run by scripts/docs_test.sh after the site is built.

  site: serve _docs/ on localhost, open every page, check every link (HTTP 200 for each target on the site, the
        anchor exists on the target page), every <img> (loaded, naturalWidth > 0), no request leaves localhost, no
        script error; every notebook has a page and every exported function and class of pal has an entry on its API
        page; every experiment page shows the figures of its committed results/ records; screenshots of the home page,
        a notebook page and an experiment page (top, and its committed results) in _docs/screenshots/. A self-check first proves the
        checker catches a broken link, a missing anchor, a broken image and an outside request on a throwaway page.
  lab:  start JupyterLab through scripts/lab.sh (headless, free port, no token), open nbs/00_assets.ipynb, check its
        cells render and the kernel shown is the project's `pal` kernel, screenshot it, shut it down, and check the
        notebook file was not changed.

Prints PASS/FAIL per check and a last line "N passed, N failed"; exits 1 on any failure."""
import argparse, ast, hashlib, html.parser, json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('PAL_CHROMIUM', '/usr/bin/chromium')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']
LOCAL = {'127.0.0.1', 'localhost', '::1'}
VIEWPORT = {'width': 1280, 'height': 900}


class Report:
    def __init__(self): self.passed, self.failed = [], []

    def check(self, name: str, problems: list[str], detail: str = ''):
        if problems:
            self.failed.append(name)
            print(f'FAIL {name}')
            for p in problems[:25]: print(f'       - {p}')
            if len(problems) > 25: print(f'       ... and {len(problems) - 25} more')
        else:
            self.passed.append(name)
            print(f'PASS {name}' + (f'  ({detail})' if detail else ''))
        sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):  # the browser cancelled a load
            super().handle_error(request, client_address)


def serve(root: Path):
    "A static server for `root` on 127.0.0.1 (a free port), in a thread. Returns (server, base url)."
    srv = _Server(('127.0.0.1', 0), partial(_Quiet, directory=str(root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'


def launch(p, profile: Path):
    "Debian's Chromium with the flags the project uses and a fresh profile directory."
    if not Path(CHROMIUM).exists():
        raise SystemExit(f'{CHROMIUM} is missing: install Debian\'s chromium (apt-get install -y chromium) or set PAL_CHROMIUM')
    return p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                viewport=VIEWPORT)


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if (k == 'id' or (k == 'name' and tag == 'a')) and v: self.ids.add(v)


_PAGE_JS = """async () => {
  const imgs = [...document.images];
  for (const i of imgs) if (i.loading === 'lazy') i.loading = 'eager';
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 10000); })));
  return {
    images: imgs.map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id]')].map(e => e.id).concat([...document.querySelectorAll('a[name]')].map(a => a.name)),
  };
}"""


def crawl(ctx, base: str, root: Path, pages: list[str]) -> dict:
    """Open each page; return {page: problems} plus counters. Internal link targets that are not pages are fetched
    over HTTP; anchors are checked against the ids of the target page as the browser built it."""
    host = urlparse(base).netloc
    outside = []

    def is_outside(url: str) -> bool:
        u = urlparse(url)
        return u.scheme in ('http', 'https', 'ws', 'wss') and u.hostname not in LOCAL

    def block(route):
        outside.append(route.request.url); route.abort()

    ctx.route(is_outside, block)
    seen, problems = {}, {}
    n_links = n_imgs = n_external = 0
    for rel in pages:
        url = base + rel
        probs, bad_resp = [], []
        pg = ctx.new_page()
        pg.on('pageerror', lambda e, probs=probs: probs.append(f'script error: {e}'))
        pg.on('console', lambda m, probs=probs: probs.append(f'console error: {m.text}')
              if m.type == 'error' and 'Failed to load resource' not in m.text else None)
        pg.on('response', lambda r, bad=bad_resp: bad.append(f'HTTP {r.status} for {r.url}')
              if r.status >= 400 and urlparse(r.url).netloc == host else None)
        n_out = len(outside)
        try:
            resp = pg.goto(url, wait_until='load', timeout=30000)
            if resp is None or resp.status != 200: probs.append(f'page answered HTTP {resp.status if resp else "nothing"}')
            info = pg.evaluate(_PAGE_JS)
        except Exception as e:  # a page that cannot be opened is a failure of that page, not of the run
            probs.append(f'could not open: {e}'); info = {'images': [], 'links': [], 'ids': []}
        pg.close()
        probs += bad_resp
        probs += [f'request outside the site: {u}' for u in outside[n_out:]]
        for im in info['images']:
            n_imgs += 1
            if not im['ok']: probs.append(f"image did not load (naturalWidth={im['w']}): {im['src']}")
        seen[url] = dict(ids=set(info['ids']), links=info['links'])
        problems[rel] = probs
    status_cache, ids_cache = {}, {}

    def status(u: str) -> int:
        if u in seen: return 200
        if u not in status_cache:
            try:
                with urllib.request.urlopen(u, timeout=10) as r: status_cache[u] = r.status; body = r.read()
                if u.endswith('.html') or u.endswith('/'):
                    p = _Ids(); p.feed(body.decode('utf-8', 'replace')); ids_cache[u] = p.ids
            except urllib.error.HTTPError as e: status_cache[u] = e.code
            except Exception: status_cache[u] = -1
        return status_cache[u]

    for rel in pages:
        url = base + rel
        for href in seen[url]['links']:
            u = urlparse(href)
            if u.scheme not in ('http', 'https'):  # mailto:, javascript:, data:
                continue
            if u.netloc != host:
                n_external += 1; continue
            n_links += 1
            target, frag = urldefrag(href)
            code = status(target)
            if code != 200:
                problems[rel].append(f'broken link (HTTP {code}): {href}'); continue
            if frag:
                ids = seen[target]['ids'] if target in seen else ids_cache.get(target)
                if ids is not None and unquote(frag) not in ids and frag not in ids:
                    problems[rel].append(f'missing anchor #{frag} on {target[len(base):] or "/"}: {href}')
    return dict(problems=problems, links=n_links, images=n_imgs, external=n_external)


SELF_CHECK_PAGE = """<!doctype html><html><body><h1 id="top">throwaway</h1>
<a href="ok.html">good link</a> <a href="ok.html#here">good anchor</a> <a href="#top">own anchor</a>
<a href="missing.html">BROKEN LINK</a> <a href="ok.html#nowhere">BROKEN ANCHOR</a>
<img src="ok.png" alt="good"> <img src="missing.png" alt="BROKEN IMAGE">
<img src="http://pal-outside.invalid/x.png" alt="OUTSIDE"> <a href="https://example.org/">outside link (not loaded)</a>
</body></html>"""
PNG_1PX = bytes.fromhex('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
                        '1f15c4890000000d49444154789c63f8cfc0f01f0005000201b3c6dc2b0000000049454e44ae426082')


def self_check(ctx, rep: Report):
    "The checker must catch what it is for: a throwaway site with one broken thing of each kind, and good ones."
    d = Path(tempfile.mkdtemp(prefix='pal-selfcheck-'))
    (d/'index.html').write_text(SELF_CHECK_PAGE)
    (d/'ok.html').write_text('<!doctype html><html><body><h2 id="here">here</h2><a href="index.html">back</a></body></html>')
    (d/'ok.png').write_bytes(PNG_1PX)
    srv, base = serve(d)
    try: res = crawl(ctx, base, d, ['index.html', 'ok.html'])
    finally: srv.shutdown(); shutil.rmtree(d, ignore_errors=True)
    got = res['problems']['index.html']
    want = {'broken link': lambda p: p.startswith('broken link (HTTP 404)') and 'missing.html' in p,
            'missing anchor': lambda p: p.startswith('missing anchor #nowhere'),
            'broken image': lambda p: p.startswith('image did not load') and 'missing.png' in p,
            'outside request': lambda p: p.startswith('request outside the site') and 'pal-outside.invalid' in p}
    probs = [f'the checker missed the deliberate {k}' for k, f in want.items() if not any(f(p) for p in got)]
    # the deliberate missing.png and outside image also show up as an HTTP 404 and an image that did not load
    extra = [p for p in got if not any(f(p) for f in want.values()) and 'missing.png' not in p and 'pal-outside.invalid' not in p]
    probs += [f'false alarm on a good link/image: {p}' for p in extra + res['problems']['ok.html']]
    rep.check('self-check: a throwaway page with a broken link, anchor, image and outside request is caught', probs,
              f"{len(got)} problems found on it, as expected")


def expected_pages(nbs: Path) -> list[str]:
    "A page per notebook, by the rule nbdev_test uses to find notebooks (names starting with _ or . are skipped)."
    return sorted(str(p.relative_to(nbs).with_suffix('.html')) for p in nbs.rglob('*.ipynb')
                  if not any(part.startswith(('_', '.')) for part in p.relative_to(nbs).parts))


def exported(lib: Path) -> dict[str, list[str]]:
    "{module: [functions and classes in __all__]}, read statically from the exported modules."
    out = {}
    for p in sorted(lib.rglob('*.py')):
        rel = p.relative_to(lib).with_suffix('')
        if any(part.startswith('_') for part in rel.parts): continue
        tree = ast.parse(p.read_text(encoding='utf-8'))
        names = next((([e.value for e in n.value.elts if isinstance(e, ast.Constant)]) for n in tree.body
                      if isinstance(n, ast.Assign) and any(getattr(t, 'id', '') == '__all__' for t in n.targets)), [])
        defs = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        mod = '.'.join((lib.name, *rel.parts))
        if names: out[mod] = [n for n in names if n in defs]
    return out


def wait_math(pg, timeout_ms: int = 20000) -> tuple[int, int]:
    "Wait until MathJax has typeset the page's formulas; (formulas, typeset ones)."
    js_n = "document.querySelectorAll('.arithmatex').length"
    js_done = "[...document.querySelectorAll('.arithmatex')].filter(e => e.querySelector('.MathJax, .MathJax_Display')).length"
    n = pg.evaluate(js_n)
    if not n: return 0, 0
    try: pg.wait_for_function(f"() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && ({js_done}) === ({js_n})", timeout=timeout_ms)
    except Exception: pass
    return n, pg.evaluate(js_done)


def committed_records(experiment: str) -> list[dict]:
    "The experiment records in results/ for `experiment` (pal.cli.results_records: what the page must show)."
    sys.path.insert(0, str(ROOT))
    from pal.cli import results_records
    return [r for r in results_records(ROOT/'results') if r['experiment'] == experiment]


def run_site(args, rep: Report):
    from playwright.sync_api import sync_playwright
    site = (ROOT/args.site).resolve()
    if not (site/'index.html').exists():
        rep.check('site built', [f'{site}/index.html does not exist: run bash scripts/docs.sh']); return
    shots = site/'screenshots'; shots.mkdir(exist_ok=True)
    pages = sorted(str(p.relative_to(site)).replace(os.sep, '/') for p in site.rglob('*.html')
                   if 'screenshots' not in p.relative_to(site).parts)
    t0 = time.time()
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix='pal-chromium-') as prof:
        ctx = launch(p, Path(prof))
        self_check(ctx, rep)
        srv, base = serve(site)
        try:
            res = crawl(ctx, base, site, pages)
            for rel in pages:
                rep.check(f'page {rel}', res['problems'][rel])
            # coverage: a page per notebook, an API entry per exported function and class
            nb_pages = expected_pages(ROOT/'nbs')
            rep.check(f'every notebook has a page ({len(nb_pages)})', [f'no page {q}' for q in nb_pages if q not in pages])
            missing = []
            api = exported(ROOT/'pal')
            for mod, names in api.items():
                page = f'reference/{mod}.html'
                ids = None
                if page in pages:
                    with open(site/page, encoding='utf-8') as f: parser = _Ids(); parser.feed(f.read()); ids = parser.ids
                missing += [f'{mod}.{n}: no entry on {page}' for n in names if ids is None or f'{mod}.{n}' not in ids]
            rep.check(f'every exported function and class has an API entry ({sum(map(len, api.values()))} in {len(api)} modules)', missing)
            # search runs in the browser, from the site's own index (no server behind it)
            pg = ctx.new_page()
            pg.goto(base + 'index.html', wait_until='networkidle')
            try:
                box = pg.locator('input.md-search__input').first
                box.click(force=True)
                # the index is built in a web worker; a query typed before it is ready is dropped ("Type to start
                # searching"), so type it again until results appear (at most 60 s: slow on a loaded machine)
                hits, t_end = 0, time.time() + 60
                while not hits and time.time() < t_end:
                    box.fill(''); box.type('whisper', delay=20)
                    try: pg.wait_for_selector('.md-search-result__item', timeout=5000)
                    except Exception: pass
                    hits = pg.locator('.md-search-result__item').count()
                rep.check('search finds "whisper"', [] if hits else ['no search results'], f'{hits} results listed')
            except Exception as e:
                rep.check('search finds "whisper"', [f'search did not answer: {e}'])
            # math: pymdownx.arithmatex marks it, the site's own MathJax (static/mathjax) typesets it
            math_pages = [q for q in pages if 'class="arithmatex"' in (site/q).read_text(encoding='utf-8')]
            if math_pages:
                q = 'exp_efficiency.html' if 'exp_efficiency.html' in math_pages else math_pages[0]
                pg.goto(base + q, wait_until='networkidle')
                n, done = wait_math(pg)
                rep.check(f'math is typeset by the site\'s own MathJax ({len(math_pages)} pages with math; {q})',
                          [] if n and done == n else [f'{q}: {done} of {n} formulas typeset'], f'{done} formulas')
            # screenshots: the home page, and a notebook page (the first with a figure, else the first)
            pg.goto(base + 'index.html', wait_until='networkidle'); pg.screenshot(path=str(shots/'home.png'))
            with_fig = [q for q in nb_pages if q != 'index.html' and (site/q).exists() and 'nb-figure' in (site/q).read_text(encoding='utf-8')]
            nbp = (with_fig or [q for q in nb_pages if q != 'index.html'] or ['index.html'])[0]
            pg.goto(base + nbp, wait_until='networkidle'); pg.screenshot(path=str(shots/'notebook.png'))
            made = ['home.png', 'notebook.png']
            if with_fig:
                pg.locator('.nb-figure').first.scroll_into_view_if_needed(); pg.wait_for_timeout(300)
                pg.screenshot(path=str(shots/'notebook-figure.png')); made.append('notebook-figure.png')
            # experiment pages: each shows the committed results of its notebook (results/<stem>.json records whose
            # `experiment` is its name) with their figures loaded; screenshots of the first one, top and results
            exp_pages = [q for q in nb_pages if Path(q).name.startswith('exp_') and q in pages]
            probs = []
            for q in exp_pages:
                recs = committed_records(Path(q).stem[len('exp_'):])
                pg.goto(base + q, wait_until='networkidle')
                if not pg.locator('#committed-results').count(): probs.append(f'{q}: no "Committed results" section'); continue
                imgs = pg.evaluate('''() => { const h = document.getElementById('committed-results'); const out = [];
                    for (const img of document.querySelectorAll('article img'))
                      if (h.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING) out.push([img.getAttribute('src'), img.complete && img.naturalWidth > 0]);
                    return out; }''')
                want = sorted({f for r in recs for f in r['figures']})
                shown = {Path(src).name for src, ok in imgs if ok}
                probs += [f'{q}: figure results/{f} is not shown under "Committed results"' for f in want if f not in shown]
            rep.check(f'every experiment page shows its committed results/ figures ({len(exp_pages)} pages)', probs)
            if exp_pages:
                q = exp_pages[-1] if 'exp_efficiency.html' not in exp_pages else 'exp_efficiency.html'
                pg.goto(base + q, wait_until='networkidle'); wait_math(pg); pg.screenshot(path=str(shots/'experiment.png'))
                made.append('experiment.png')
                if pg.locator('#committed-results').count():
                    pg.locator('#committed-results').scroll_into_view_if_needed()
                    pg.evaluate("document.getElementById('committed-results').scrollIntoView({block: 'start'}); window.scrollBy(0, -64)")
                    pg.wait_for_timeout(300)   # (64 px: the height of the fixed header)
                    pg.screenshot(path=str(shots/'experiment-results.png')); made.append('experiment-results.png')
            pg.close()
            bad = [f'{m} is empty' for m in made if not (shots/m).exists() or (shots/m).stat().st_size < 1000]
            rep.check(f'screenshots in {shots.relative_to(ROOT)}: {", ".join(made)} (notebook page: {nbp})', bad)
        finally:
            srv.shutdown(); ctx.close()
    print(f"[browser] site: {len(pages)} pages, {res['links']} internal links, {res['images']} images, "
          f"{res['external']} links to other sites (not followed), in {time.time() - t0:.1f}s")


def _get(url: str, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r: return r.status, r.read()


def run_lab(args, rep: Report):
    from playwright.sync_api import sync_playwright
    nb = ROOT/args.notebook
    if not nb.exists(): rep.check('lab', [f'{nb} does not exist']); return
    shots = (ROOT/args.site/'screenshots'); shots.mkdir(parents=True, exist_ok=True)
    before = hashlib.sha256(nb.read_bytes()).hexdigest()
    ckpt = nb.parent/'.ipynb_checkpoints'; ckpt_existed = ckpt.exists()
    n_cells = len(json.loads(nb.read_text(encoding='utf-8'))['cells'])
    tmp = Path(tempfile.mkdtemp(prefix='pal-lab-'))
    settings = tmp/'settings'
    (settings/'@jupyterlab'/'docmanager-extension').mkdir(parents=True)
    (settings/'@jupyterlab'/'docmanager-extension'/'plugin.jupyterlab-settings').write_text('{"autosave": false}')
    # every cell in the DOM (JupyterLab otherwise attaches only the cells near the viewport), so all can be counted
    (settings/'@jupyterlab'/'notebook-extension').mkdir(parents=True)
    (settings/'@jupyterlab'/'notebook-extension'/'tracker.jupyterlab-settings').write_text('{"windowingMode": "none"}')
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(tmp/'workspaces'),
               JUPYTER_RUNTIME_DIR=str(tmp/'runtime'))
    port = free_port()
    base = f'http://127.0.0.1:{port}'
    log = open(tmp/'lab.log', 'w')
    t0 = time.time()
    proc = subprocess.Popen(['bash', str(ROOT/'scripts'/'lab.sh'), '--no-browser', f'--port={port}', '--ServerApp.port_retries=0',
                             '--ServerApp.ip=127.0.0.1', '--IdentityProvider.token=', '--ServerApp.password='],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    probs, detail = [], ''
    try:
        while True:
            try:
                if _get(base + '/api/status')[0] == 200: break
            except Exception: pass
            if proc.poll() is not None or time.time() - t0 > 120:
                log.flush()
                raise RuntimeError(f'JupyterLab did not start (exit {proc.poll()}):\n' + (tmp/'lab.log').read_text()[-3000:])
            time.sleep(0.5)
        t_start = time.time() - t0
        specs = json.loads(_get(base + '/api/kernelspecs')[1])
        pal = specs['kernelspecs'].get('pal')
        if pal is None: raise RuntimeError(f"no 'pal' kernel spec; the server offers {sorted(specs['kernelspecs'])}")
        display = pal['spec']['display_name']
        argv0 = Path(pal['spec']['argv'][0])
        if argv0.resolve() != (ROOT/'.venv'/'bin'/'python').resolve() and not str(argv0).startswith(str(ROOT/'.venv')):
            probs.append(f"the pal kernel runs {argv0}, not the project's .venv python")
        others = sorted(set(specs['kernelspecs']) - {'pal'})
        if others: probs.append(f'other kernels are offered besides pal: {others}')
        with sync_playwright() as p, tempfile.TemporaryDirectory(prefix='pal-chromium-') as prof:
            ctx = launch(p, Path(prof))
            outside = []
            ctx.route(lambda u: urlparse(u).scheme in ('http', 'https', 'ws', 'wss') and urlparse(u).hostname not in LOCAL,
                      lambda route: (outside.append(route.request.url), route.abort()))
            pg = ctx.new_page()
            errors = []
            pg.on('pageerror', lambda e: errors.append(str(e)))
            pg.goto(f'{base}/lab/tree/{nb.relative_to(ROOT/"nbs").as_posix()}', wait_until='load', timeout=60000)
            pg.wait_for_selector('.jp-NotebookPanel .jp-Cell', timeout=60000)
            kernel = pg.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="kernelName"]').first
            t_k = time.time()
            shown = ''
            while time.time() - t_k < 60:
                shown = kernel.inner_text().strip()
                if shown == display: break
                pg.wait_for_timeout(500)
            cells = pg.locator('.jp-NotebookPanel .jp-Cell').count()
            h1 = pg.locator('.jp-NotebookPanel .jp-MarkdownOutput h1').first.inner_text(timeout=10000).strip()
            first_code = pg.locator('.jp-NotebookPanel .jp-CodeCell .cm-content').first.inner_text(timeout=10000)
            state = ''
            while time.time() - t_k < 90:  # the kernel process really started and answers
                ks = [s['kernel'] for s in json.loads(_get(base + '/api/sessions')[1]) if s.get('path', '').endswith(nb.name)]
                state = ks[0].get('execution_state', '') if ks else ''
                if state == 'idle': break
                pg.wait_for_timeout(500)
            if state != 'idle': probs.append(f'the kernel did not become idle (state {state!r})')
            pg.wait_for_timeout(500)
            pg.screenshot(path=str(shots/'lab-00_assets.png'))
            sessions = json.loads(_get(base + '/api/sessions')[1])
            if shown != display: probs.append(f'kernel shown in the toolbar is {shown!r}, expected the project kernel {display!r}')
            if cells != n_cells: probs.append(f'{cells} cells rendered, the notebook has {n_cells}')
            if not h1: probs.append('no rendered markdown heading')
            if 'default_exp' not in first_code: probs.append(f'first code cell does not show its source: {first_code[:80]!r}')
            ks = [s['kernel']['name'] for s in sessions if s.get('path', '').endswith(nb.name)]
            if ks != ['pal']: probs.append(f'the session for {nb.name} runs kernel(s) {ks}, expected [\'pal\']')
            if errors: probs.append(f'script errors: {errors[:3]}')
            if outside: probs.append(f'requests outside localhost: {outside[:3]}')
            # shut the server down the way the UI does (POST /api/shutdown with the XSRF cookie)
            xsrf = next((c['value'] for c in ctx.cookies() if c['name'] == '_xsrf'), '')
            try: ctx.request.post(base + '/api/shutdown', headers={'X-XSRFToken': xsrf}, timeout=10000)
            except Exception: pass
            ctx.close()
            detail = (f'kernel {shown!r}, {cells} cells, title {h1!r}; server up in {t_start:.1f}s, '
                      f'kernel idle after {time.time() - t_k:.1f}s')
    except Exception as e:
        probs.append(str(e))
    finally:
        try: proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try: proc.wait(timeout=10)
            except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
            probs.append('JupyterLab did not stop on /api/shutdown; it was terminated')
        log.close()
        if not ckpt_existed and ckpt.exists(): shutil.rmtree(ckpt, ignore_errors=True)
    if hashlib.sha256(nb.read_bytes()).hexdigest() != before: probs.append(f'{nb.name} was modified by opening it')
    if not (shots/'lab-00_assets.png').exists(): probs.append('no screenshot')
    rep.check(f'JupyterLab opens {nb.relative_to(ROOT)} with the pal kernel (screenshot {(shots/"lab-00_assets.png").relative_to(ROOT)})',
              probs, detail)
    print(f'[browser] lab: {time.time() - t0:.1f}s')
    shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description='Browser checks for the docs site and JupyterLab')
    ap.add_argument('what', nargs='*', help='which checks: site, lab (default: both)')
    ap.add_argument('--site', default='_docs', help='built site folder, relative to the repo root')
    ap.add_argument('--notebook', default='nbs/00_assets.ipynb', help='notebook to open in JupyterLab')
    a = ap.parse_args(argv)
    a.what = a.what or ['site', 'lab']
    if set(a.what) - {'site', 'lab'}: ap.error(f"unknown check(s) {sorted(set(a.what) - {'site', 'lab'})}: use site and/or lab")
    rep = Report()
    if 'site' in a.what: run_site(a, rep)
    if 'lab' in a.what: run_lab(a, rep)
    ok = not rep.failed
    print(f"[browser] {'PASSED' if ok else 'FAILED: ' + '; '.join(rep.failed)}")
    print(f'{len(rep.passed)} passed, {len(rep.failed)} failed')
    return 0 if ok else 1


if __name__ == '__main__': sys.exit(main())
