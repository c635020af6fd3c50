#!/usr/bin/env python3
"""Fails if a crate's modules depend on each other in a cycle, or if a source file is over 800 lines.

A module is a file (`foo.rs`, or `foo/mod.rs` for `foo`). Module A depends on module B when A names B by path:
`crate::b::...`, `super::...` (resolved to the module it names), `self::b::...`, or `b::...` for a child module `b`
of A (a parent that calls into its child depends on it, so a child that uses its parent's items makes a cycle). Edges to the crate root
(`lib.rs`, `main.rs`) are not counted: the root declares the modules and re-exports what they define, so every
module "depends" on it. Inline modules (`mod tests { ... }`) belong to their file.

Usage: python3 .ci/module_cycles.py [crate src dirs...]   (default: every crates/*/src, xtask/src)
"""

import re
import sys
from pathlib import Path

MAX_LINES = 800
# Generated data, not code anyone reads line by line.
GENERATED = {"crates/marketplace-iam-model/src/catalog/data.rs"}


def modules(src: Path) -> dict[tuple[str, ...], Path]:
    out = {}
    for f in src.rglob("*.rs"):
        rel = f.relative_to(src).with_suffix("")
        parts = rel.parts
        if parts[-1] == "mod":
            parts = parts[:-1]
        if parts in (("lib",), ("main",)):
            parts = ()
        out[tuple(parts)] = f
    return out


PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*|::\{)+)")


def without_generated_code(code: str) -> str:
    """The code less the bodies of `quote!`/`quote_spanned!` invocations: paths in them are generated code's."""
    out = []
    i = 0
    for m in re.finditer(r"\bquote(?:_spanned)?!\s*([({\[])", code):
        if m.start() < i:
            continue
        out.append(code[i : m.end()])
        depth = 0
        j = m.end() - 1
        while j < len(code):
            c = code[j]
            if c in "({[":
                depth += 1
            elif c in ")}]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j
    out.append(code[i:])
    return "".join(out)


def resolve(mods, here, anchor, rest):
    if anchor == "crate":
        base = []
    elif anchor == "self":
        base = list(here)
    else:  # super (possibly repeated)
        base = list(here[:-1])
        while rest.startswith("::super"):
            rest = rest[len("::super"):]
            base = base[:-1]
    names = [n for n in rest.split("::") if n and n != "{"]
    best = tuple(base)
    for n in names:
        cand = best + (n,)
        if cand in mods:
            best = cand
        else:
            break
    return best


def main(dirs):
    failures = []
    for src in dirs:
        mods = modules(src)
        if not mods:
            failures.append(f"{src}: no Rust files")
            continue
        edges = {m: set() for m in mods}
        for m, f in mods.items():
            text = f.read_text()
            lines = text.count("\n") + (0 if text.endswith("\n") else 1)
            if lines > MAX_LINES and f.as_posix() not in GENERATED and not any(
                f.as_posix().endswith(g) for g in GENERATED
            ):
                failures.append(f"{f}: {lines} lines, more than {MAX_LINES}")
            # Strip comments, so a path in a doc comment is not a dependency.
            code = without_generated_code(re.sub(r"//[^\n]*", "", text))
            for child in re.findall(r"(?<![:\w])([a-z_][a-z0-9_]*)::", code):
                if m + (child,) in mods:
                    edges[m].add(m + (child,))
            for anchor, rest in PATH.findall(code):
                target = resolve(mods, m, anchor, rest)
                if target not in (m, ()):
                    edges[m].add(target)
        # Cycles: depth-first search.
        state = {}
        stack = []

        def visit(m):
            state[m] = 1
            stack.append(m)
            for n in sorted(edges[m]):
                if state.get(n) == 1:
                    cycle = stack[stack.index(n):] + [n]
                    failures.append(
                        f"{src}: module cycle " + " -> ".join("::".join(c) or "crate" for c in cycle)
                    )
                elif n not in state:
                    visit(n)
            stack.pop()
            state[m] = 2

        for m in sorted(mods):
            if m not in state:
                visit(m)
        print(f"{src}: {len(mods)} modules, {sum(len(e) for e in edges.values())} dependencies")
    for f in failures:
        print(f"error: {f}")
    return 1 if failures else 0


def self_test():
    """The check finds a cycle of siblings, a child using its parent, and a long file; and passes a clean tree."""
    import contextlib
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        (src / "p").mkdir(parents=True)
        (src / "lib.rs").write_text("mod a;\nmod b;\nmod p;\n")
        (src / "a.rs").write_text("use crate::b::x;\n")
        (src / "b.rs").write_text("pub fn x() { quote!(crate::a::y); }\n")
        (src / "p" / "mod.rs").write_text("mod c;\npub fn f() { c::g() }\n")
        (src / "p" / "c.rs").write_text("pub fn g() {}\n")
        quiet = contextlib.redirect_stdout(io.StringIO())
        with quiet:
            assert main([src]) == 0, "a clean tree (the quote! body is not a dependency)"
        (src / "b.rs").write_text("use crate::a::y;\n")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([src]) == 1, "a -> b -> a"
        (src / "b.rs").write_text("\n")
        (src / "p" / "c.rs").write_text("use super::f;\n")
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([src]) == 1, "p -> p::c -> p"
        (src / "p" / "c.rs").write_text("\n" * (MAX_LINES + 1))
        with contextlib.redirect_stdout(io.StringIO()):
            assert main([src]) == 1, "a long file"


if __name__ == "__main__":
    self_test()
    args = [Path(a) for a in sys.argv[1:]]
    if not args:
        args = sorted(Path("crates").glob("*/src")) + [Path("xtask/src")]
    sys.exit(main(args))
