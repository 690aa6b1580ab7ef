"""A griffe extension for nbdev's docments: the trailing comment of an attribute (`sr: int  # sample rate`, as in
the config dataclasses) becomes its docstring, and trailing comments on the parameters of a function signature
become a parameter table appended to the function's docstring. Static: reads the source, imports nothing."""
import ast, io, re, tokenize

import griffe

_ref = re.compile(r'(?<!\\)\[([^\]\n]*)\]( ?)\[([^\]\n]*)\]')
_ident = re.compile(r'^[A-Za-z_][\w.]*$')


def escape_false_refs(text: str) -> str:
    """`[--root DIR] [--cache DIR]` in a usage line is Markdown for a reference link whose target is "--cache DIR";
    escape such pairs unless the target is a dotted name (a real cross-reference like `[Trainer][pal.train.Trainer]`)."""
    def rep(m):
        if _ident.match(m.group(3)) or (m.group(3) == '' and _ident.match(m.group(1))): return m.group(0)
        return f'\\[{m.group(1)}\\]{m.group(2)}\\[{m.group(3)}\\]'
    parts = re.split(r'(`+[^`]*`+)', text)  # code spans are left alone
    return ''.join(p if i % 2 else _ref.sub(rep, p) for i, p in enumerate(parts))


def _comments(src: str) -> list[tuple[int, str]]:
    "(line number, text) of every comment in `src` (1-based lines); [] when `src` does not tokenize on its own."
    try: return [(t.start[0], t.string.lstrip('#').strip()) for t in tokenize.generate_tokens(io.StringIO(src).readline)
                 if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError): return []


def _lines(obj) -> list[str]:
    "The whole source file of `obj`, so that AST line numbers index it directly."
    try: return list(obj.module.lines)
    except Exception: return []


class Docments(griffe.Extension):
    def on_object(self, *, obj, **kwargs):
        if obj.docstring is not None: obj.docstring.value = escape_false_refs(obj.docstring.value)

    def on_attribute_instance(self, *, node, attr, agent, **kwargs):
        if attr.docstring is not None or not isinstance(node, (ast.Assign, ast.AnnAssign)): return
        lines = _lines(attr)
        end = getattr(node, 'end_lineno', node.lineno)
        if not lines or end > len(lines): return
        found = [c for ln, c in _comments(lines[end - 1].strip() + '\n') if c and not c.startswith('|')]
        if found: attr.docstring = griffe.Docstring(found[0], lineno=end, endlineno=end, parent=attr)

    def on_function_instance(self, *, node, func, agent, **kwargs):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.body: return
        lines = _lines(func)
        first, body = node.lineno, node.body[0].lineno
        if not lines or body <= first + 0 or body > len(lines) + 1: return
        header = '\n'.join(lines[first - 1:body - 1])
        if '#' not in header: return
        # map each comment to the parameter defined on its line (or the closest one above it)
        params = [a for a in (node.args.posonlyargs + node.args.args + [node.args.vararg] + node.args.kwonlyargs
                              + [node.args.kwarg]) if a is not None]
        by_line = {}
        for a in params: by_line.setdefault(a.lineno, a.arg)
        try: toks = list(tokenize.generate_tokens(io.StringIO(header + '\n    pass\n').readline))
        except (tokenize.TokenError, IndentationError, SyntaxError): return
        docs, depth = {}, 0
        for t in toks:
            if t.type == tokenize.OP and t.string in '([{': depth += 1
            elif t.type == tokenize.OP and t.string in ')]}': depth -= 1
            elif t.type == tokenize.COMMENT:
                ln = first + t.start[0] - 1
                text = t.string.lstrip('#').strip()
                if not text or text.startswith('|'): continue
                if depth >= 1:  # inside the parentheses: the parameter on this line, or the closest one above
                    name = by_line.get(ln) or next((by_line[k] for k in sorted(by_line, reverse=True) if k <= ln), None)
                else:           # after them: the last parameter when it is on this line (`b=2):  # ...`), else the result
                    name = by_line.get(ln, 'return')
                if name: docs[name] = (docs.get(name, '') + ' ' + text).strip()
        returns = docs.pop('return', None)
        if not docs and not returns: return
        rows = ['| name | type | default | description |', '|---|---|---|---|']
        for p in func.parameters:
            if p.name not in docs: continue
            esc = lambda s: str(s).replace('|', '\\|')
            ann = f'`{esc(p.annotation)}`' if p.annotation is not None else ''
            default = f'`{esc(p.default)}`' if p.default is not None else ''
            rows.append(f'| `{p.name}` | {ann} | {default} | {esc(docs[p.name])} |')
        table = '\n\n'.join(x for x in ('**Parameters**\n\n' + '\n'.join(rows) if docs else '',
                                          f'**Returns**: {returns}' if returns else '') if x)
        if func.docstring is None: func.docstring = griffe.Docstring(table, parent=func)
        else: func.docstring.value = func.docstring.value.rstrip() + '\n\n' + table
