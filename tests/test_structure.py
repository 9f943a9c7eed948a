"""The tree stays one a newcomer can read: no import cycle, no module over 400 lines, no folder
of more than 15 modules.

The import graph is read from the source with `ast`, so imports inside functions count (a late
import still ties the two modules together); imports under `if TYPE_CHECKING:` do not, because
they never run. `from pkg import name` is an edge to the module `pkg.name` when that module
exists, else to `pkg`, the way the import system resolves it
(https://docs.python.org/3/reference/import.html#submodules). A parent package's `__init__` is
not an edge of its own: every submodule import runs it, so counting it would make any package
that re-exports its submodules a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "leadgen"
MAX_LINES = 400
MAX_MODULES = 15
# Folders known to be over MAX_MODULES that are being split; nothing else is exempt.
PENDING_SPLIT: set[str] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of `tree`, except the bodies of `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for other in node.orelse:
                yield other
                yield from _nodes(other)
            continue
        yield node
        yield from _nodes(node)


def _base(module: str, path: Path, level: int, target: str | None) -> str:
    """The absolute module name of `from <level dots><target> import ...` in `module`."""
    if level == 0:
        return target or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{target}" if target else package


def _literal_import(node: ast.Call) -> str | None:
    """`importlib.import_module("x.y")` with a literal name: an import all the same."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name == "import_module" and node.args and isinstance(node.args[0], ast.Constant):
        value = node.args[0].value
        return value if isinstance(value, str) else None
    return None


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The leadgen modules that `module` imports (run-time imports only)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in _nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path, node.level, node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
        elif isinstance(node, ast.Call) and (target := _literal_import(node)):
            found.add(target)
    return {name for name in found if name in known and name != module}


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One concrete cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself (breadth first)."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & component):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def test_cycle_finder_reports_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_of_counts_late_and_relative_imports_not_type_checking(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for name in ("b", "c", "d", "e"):
        (pkg / f"{name}.py").write_text("")
    (pkg / "__init__.py").write_text("from pkg.a import run\n")
    (pkg / "a.py").write_text(
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg import d\n"
        "def run() -> None:\n"
        "    from . import c\n"
        "    from .b import thing\n"
        "    importlib.import_module('pkg.e')\n"
    )
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d", "pkg.e"}
    assert imports_of("pkg.a", pkg / "a.py", known) == {"pkg.b", "pkg.c", "pkg.e"}
    assert imports_of("pkg", pkg / "__init__.py", known) == {"pkg.a"}


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles (each printed from a module back to itself):\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in found
    )


def test_no_module_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): count
        for folder in (SRC, ROOT / "bench")
        for path in sorted(folder.rglob("*.py"))
        if (count := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"modules over {MAX_LINES} lines (split along a seam): {too_long}"


def module_counts() -> dict[str, int]:
    """Modules per folder of src/ (the folder's `__init__.py` not counted)."""
    counts: dict[str, int] = {}
    for path in SRC.rglob("*.py"):
        if path.name != "__init__.py":
            folder = str(path.parent.relative_to(ROOT))
            counts[folder] = counts.get(folder, 0) + 1
    return counts


def test_no_folder_over_15_modules() -> None:
    counts = module_counts()
    crowded = {
        folder: n
        for folder, n in sorted(counts.items())
        if n > MAX_MODULES and folder not in PENDING_SPLIT
    }
    assert not crowded, f"folders over {MAX_MODULES} modules (make subpackages): {crowded}"
    done = {folder for folder in PENDING_SPLIT if counts.get(folder, 0) <= MAX_MODULES}
    assert not done, f"{done} no longer over {MAX_MODULES} modules: remove from PENDING_SPLIT"


def test_routes_do_not_import_each_other() -> None:
    """What two routers share lives in leadgen.api (listing, message_versions), not in a route."""
    graph = import_graph()
    routes = {name for name in graph if name.startswith("leadgen.api.routes.")}
    reach_ins = {name: sorted(graph[name] & routes) for name in sorted(routes)}
    reach_ins = {name: targets for name, targets in reach_ins.items() if targets}
    assert not reach_ins, f"route modules importing other route modules: {reach_ins}"


# Private names another module may read: documented standard-library functions
# (https://docs.python.org/3/library/os.html#os._exit ends a process without cleanup) and the
# named-tuple API, whose methods start with an underscore so they cannot clash with a field
# (https://docs.python.org/3/library/collections.html#collections.somenamedtuple._replace).
STDLIB_PRIVATE = {"os._exit"}
NAMEDTUPLE_METHODS = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}
# Reach-ins known in packages being restructured; each entry goes when its package is split.
PENDING_REACH_INS: set[str] = set()


def private_reach_ins(path: Path) -> set[str]:
    """`obj._name` where `_name` is defined nowhere in the module itself (not on self/cls), and
    `from leadgen.x import _name`."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    defined: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leadgen"):
            found.update(
                f"from {node.module} import {alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            )
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        if node.attr.startswith("__") or node.attr in defined or node.attr in NAMEDTUPLE_METHODS:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
            continue
        if (text := ast.unparse(node)) not in STDLIB_PRIVATE:
            found.add(text)
    return found


def test_no_module_reads_another_modules_private_names() -> None:
    found = {
        f"{name}: {reach}"
        for name, path in all_modules().items()
        for reach in private_reach_ins(path)
    }
    assert found <= PENDING_REACH_INS, (
        "private names read across modules (give the owner a public function): "
        f"{sorted(found - PENDING_REACH_INS)}"
    )
    stale = PENDING_REACH_INS - found
    assert not stale, f"{sorted(stale)} is gone: remove it from PENDING_REACH_INS"
