"""The project's import graph, read from the source (no module is imported): who imports whom at module level."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "intimacy_ops",
    *settings.BUSINESS_APPS,
    "privacy",
)  # every business app: a new one is scanned at once


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else ():
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module an import names (`a.b.c` may be a module or a name inside `a.b`)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(tree: ast.Module, current: str, is_package: bool, *, deferred: bool):
    """Imports executed when the module loads (and, with `deferred`, those inside function bodies too)."""

    def walk(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not deferred:
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = current if is_package else current.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}".strip(".")
                for alias in node.names:
                    yield f"{base}.{alias.name}"
            elif isinstance(node, ast.ClassDef):
                yield from walk(node.body)
            else:
                yield from walk(ast.iter_child_nodes(node))

    yield from walk(tree.body)


def import_graph(*, deferred: bool = True) -> dict[str, set[str]]:
    """Who imports whom; by default counting imports inside functions too (a circle dodged is still one)."""
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        targets = set()
        for imported in _imports(tree, name, path.name == "__init__.py", deferred=deferred):
            target = _resolve(imported, modules)
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def deferred_imports() -> list[str]:
    """Imports of project modules written inside function bodies (how circles get dodged)."""
    found = []
    modules = project_modules()
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module and _resolve(inner.module, modules):
                        found.append(f"{name}:{inner.lineno} from {inner.module}")
    return found


if __name__ == "__main__":
    import sys

    sys.setrecursionlimit(10000)
    for component in cycles(import_graph()):
        print("circle:", " ↔ ".join(component))
    for component in cycles(import_graph(deferred=False)):
        print("circle at load time:", " ↔ ".join(component))
    print(len(deferred_imports()), "imports of project modules inside function bodies")
