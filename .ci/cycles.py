#!/usr/bin/env python3
"""No import cycles between the modules of a crate (issue 17).

Usage: python3 .ci/cycles.py [CRATE_SRC_DIR ...]   (default: src app/src server/src store/src,
whichever exist, relative to the repository root). Exits 1 if any crate has a cycle.

Every .rs file under a crate's source dir is one module: `lib.rs`/`main.rs` is the crate root,
`a/mod.rs` is `a`, `a/b.rs` is `a::b`. Inline `mod x { ... }` blocks belong to their file's module.

An edge A -> B means a file of module A names a path into module B of the same crate: a `use`
(grouped ones included, `use crate::{a, b::{c, d}}`) or a path in code (`crate::api::ssr::state()`),
starting with `crate::`, `super::` or `self::`. `super`/`self` are resolved from where they stand,
inline modules included. A path belongs to the longest prefix of it that is a module file
(`crate::api::ssr::flash::encode` -> `api::ssr` when `api/ssr.rs` exists). Comments (doc comments
too), strings and char literals are blanked out first, so examples in docs do not count; code in
`#[cfg(test)]` modules does count. A module reached through a name brought in by `use`
(`use crate::a; a::b::f()`) counts as a reference to `a` only.

A reference between a module and one of its ancestors or descendants is not an edge: a parent
declares its children (`mod b;`) and often re-exports them, and children use their parent's
items through `super::`. That nesting is how Rust modules work and is not a cycle. Only edges
between modules where neither contains the other count; a cycle among those means two parts of
the crate each need the other, which is what this check forbids.
"""
import os
import re
import sys
import tomllib
from pathlib import Path

# Comments, strings and char literals. `/*` is followed by hand (block comments nest).
LITERAL = re.compile(r'''//[^\n]*|/\*|(?<![\w])b?r(\#*)".*?"\1|"(?:\\.|[^"\\])*"'''
                     r"""|'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F_]*\}|.)|[^\\'\n])'""", re.S)
# What the scan stops at: an inline module, a brace, the start of a crate-relative path.
SCAN = re.compile(r'\bmod\s+(?:r#)?(\w+)\s*\{|[{}]|(?<![\w$:])(crate|super|self)\s*::')
SEG = re.compile(r'\s*(\{|\*|(?:r#)?[A-Za-z_]\w*)')
SEP = re.compile(r'\s*::(?!\s*<)')  # not a turbofish
NEXT = re.compile(r'(?:\s+as\s+\w+)?\s*([,}])')


def strip(src):
    """`src` with comments, strings and char literals blanked out (newlines and offsets kept)."""
    out, i = list(src), 0
    while m := LITERAL.search(src, i):
        start, end = m.start(), m.end()
        if m.group() == '/*':
            depth = 1
            while end < len(src) and depth:
                step = src[end:end + 2]
                depth += (step == '/*') - (step == '*/')
                end += 2 if step in ('/*', '*/') else 1
        for k in range(start, end):
            if out[k] != '\n':
                out[k] = ' '
        i = end
    return ''.join(out)


def tree(text, i, prefix):
    """Parse `a::b`, `a::*` or `a::{b, c::{d}}` at `i` after `prefix`: (full paths, end)."""
    path = list(prefix)
    while m := SEG.match(text, i):
        i = m.end()
        if m.group(1) == '{':
            paths = []
            while True:
                sub, i = tree(text, i, path)
                paths += [p for p in sub if len(p) > len(path)]  # not the `{a,}` after a comma
                if not (n := NEXT.match(text, i)) or n.group(1) == '}':
                    return paths, (n.end() if n else i)
                i = n.end()
        if m.group(1) == '*':
            break
        path.append(m.group(1))
        if not (s := SEP.match(text, i)):
            break
        i = s.end()
    return [path], i


def resolve(path, here, modules):
    """The module (longest module-file prefix) that `path`, standing in `here`, points into."""
    full = list(here) if path[0] in ('self', 'super') else []
    for seg in path[1:] if path[0] != 'super' else path:
        if seg == 'super':
            full = full[:-1]
        elif seg != 'self':
            full.append(seg.removeprefix('r#'))
    prefixes = (tuple(full[:k]) for k in range(len(full), -1, -1))
    return next((p for p in prefixes if p in modules), ())


def module_of(rel):
    parts = list(rel.with_suffix('').parts)
    if parts[-1] == 'mod' or (len(parts) == 1 and parts[0] in ('lib', 'main')):
        parts.pop()
    return tuple(parts)


def edges_of(crate_dir):
    """{module: file} and {(from, to): (file, line, text)} of one crate, first reference each."""
    # `main.rs` beside `lib.rs` hides it: both are the root, which never has an edge anyway.
    files = {module_of(p.relative_to(crate_dir)): p for p in sorted(crate_dir.rglob('*.rs'))}
    edges = {}
    for module, file in files.items():
        source = file.read_text(encoding='utf-8')
        text, i, depth, inline = strip(source), 0, 0, []
        while m := SCAN.search(text, i):
            i = m.end()
            if m.group(1):  # `mod x {`
                depth += 1
                inline.append((m.group(1), depth))
            elif m.group() == '{':
                depth += 1
            elif m.group() == '}':
                if inline and inline[-1][1] == depth:
                    inline.pop()
                depth -= 1
            else:
                paths, i = tree(text, m.end(), [m.group(2)])
                here = module + tuple(name for name, _ in inline)
                for path in paths:
                    to = resolve(path, here, files)
                    if to[:len(module)] != module and module[:len(to)] != to:
                        line = text.count('\n', 0, m.start()) + 1
                        said = source.split('\n')[line - 1].strip()
                        said = said if len(said) <= 72 else said[:69] + '...'
                        edges.setdefault((module, to), (file, line, said))
    return files, edges


def cycles(nodes, edges):
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    succ = {n: sorted(b for a, b in edges if a == n) for n in nodes}
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return found


def crate_name(crate_dir):
    try:
        return tomllib.loads((crate_dir.parent / 'Cargo.toml').read_text())['package']['name']
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return crate_dir.parent.name


def main(argv):
    given = [Path(d).resolve() for d in argv]  # before the cd, so relative to the caller
    os.chdir(Path(__file__).resolve().parent.parent)
    dirs = [Path(os.path.relpath(d)) for d in given] or [
        d for d in map(Path, ('src', 'app/src', 'server/src', 'store/src')) if d.is_dir()]
    if missing := [str(d) for d in dirs if not d.is_dir()]:
        sys.exit(f'cycles.py: no such crate source dir: {", ".join(missing)}')
    sys.setrecursionlimit(10000)
    name = lambda m: '::'.join(m) or 'crate'
    total, bad = 0, 0
    for crate_dir in dirs:
        files, edges = edges_of(crate_dir)
        total += len(files)
        crate = crate_name(crate_dir)
        for component in sorted(cycles(files, edges), key=sorted):
            bad += 1
            print(f'{crate}: import cycle among {", ".join(sorted(map(name, component)))}')
            for (a, b), (file, line, said) in sorted(edges.items()):
                if a in component and b in component:
                    print(f'  {crate}: {name(a)} -> {name(b)} ({file}:{line} {said})')
    if bad:
        print(f'{bad} import cycle(s): break each by moving the shared items to one side')
        return 1
    print(f'no import cycles in {total} modules of {len(dirs)} crate{"s" * (len(dirs) != 1)}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
