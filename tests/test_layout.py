"""The layout the folders promise: routers only in handlers/, imports flowing one way, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# lowest first: a package may import from its own layer and the ones before it, never from a later one
LAYERS: list[set[str]] = [
    {"extraction", "fetching"},
    {"db"},
    {"shared_state"},
    {"feeds"},
    {"views"},
    {"intake"},
    {"app"},
    {"alerts"},
    {"handlers"},
    {"web"},
    {"bot"},
]
RANK = {pkg: n for n, layer in enumerate(LAYERS) for pkg in layer}
PACKAGES = sorted(p for p in RANK if p != "bot")
SPLIT_LATER: set[str] = set()


def _modules() -> dict[str, Path]:
    found = {"bot": ROOT / "bot.py"}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, at the top or inside a function, TYPE_CHECKING included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _top(name: str) -> str:
    return name.split(".")[0]


def test_imports_flow_one_way() -> None:
    wrong = sorted(
        f"{a} imports {b}"
        for a, deps in GRAPH.items()
        for b in deps
        if RANK[_top(b)] > RANK[_top(a)]
    )
    assert not wrong, wrong


def test_no_import_cycle() -> None:
    # Tarjan's strongly connected components; a package's __init__ importing its own modules is no cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []

    def edges(v: str) -> list[str]:
        return [w for w in GRAPH[v] if not (MODULES[v].name == "__init__.py" and w.startswith(v + "."))]

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_handlers_hold_routers_only() -> None:
    for path in sorted((ROOT / "handlers").glob("*.py")):
        if path.name == "__init__.py":
            continue
        assert "\nrouter = Router(" in path.read_text(encoding="utf-8"), f"{path.name} is not a router module"


@pytest.mark.parametrize("pkg", sorted(set(PACKAGES) - SPLIT_LATER))
def test_each_package_says_its_job_and_stays_small(pkg: str) -> None:
    for folder in [ROOT / pkg, *(p.parent for p in (ROOT / pkg).rglob("__init__.py"))]:
        if "migrations" in folder.parts:
            continue
        init = folder / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{init} has no docstring"
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 16, f"{folder} has {len(modules)} modules at one level"
