"""The house's shape: every package is a layer cake, and nothing imports in a circle.

- No module of ``simulator`` imports, directly or through others, a module that
  imports it back — type-only imports and imports inside functions included.
- No module imports at its bottom (after its code), the usual way a circle is
  hidden.
- T-Server, Web Services and traffic are layered as the tables below say: state
  at the bottom, the operations on the state above it, the dispatcher on top. A
  module imports only from layers below its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "simulator"

LAYERS: dict[str, list[set[str]]] = {  # bottom first
    "tserver": [
        {"model"},
        {"states", "pool"},
        {"switch"},  # the switch's state and the primitives operations use
        {"routing", "userdata"},
        {"agents"},
        {"calls"},
        {"transfers"},
        {"handlers"},  # request name → operation
        {"server"},  # TServer: the dispatcher
        {"__init__"},
    ],
    "gws": [
        {"status", "view"},
        {"bodies", "capabilities", "messages"},
        {"state"},  # users, views of calls, pending requests
        {"session", "operations", "disposition"},
        {"service"},  # WebServices: the HTTP routes
        {"__init__"},
    ],
    "traffic": [
        {"draws"},
        {"arrivals", "breaks", "transfers"},
        {"source"},
        {"__init__"},
    ],
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules ``path`` imports, wherever in the file (type-only imports included)."""
    name = _module_name(path)
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            target = ".".join(base + (node.module.split(".") if node.module else []))
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.add(f"{target}.{alias.name}")
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: _imports(path, set(files)) for name, path in files.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def late_imports(path: Path) -> list[int]:
    """Lines of module-level imports that come after the module's code began."""
    late, code_began = [], False
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if code_began:
                late.append(node.lineno)
        elif isinstance(node, ast.If) or (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            continue  # ``if TYPE_CHECKING:`` and the docstring
        else:
            code_began = True
    return late


def test_the_checks_see_a_circle_and_a_late_import(tmp_path: Path) -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
    late = tmp_path / "late.py"
    late.write_text('"""doc"""\nimport os\n\nX = 1\n\nfrom json import dumps  # noqa: E402\n')
    assert late_imports(late) == [6]


def test_no_module_imports_in_a_circle() -> None:
    graph = import_graph()
    assert len(graph) > 90, "the walk found the package's modules"
    assert circles(graph) == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_at_its_bottom(path: Path) -> None:
    assert late_imports(path) == []


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_module_imports_only_from_the_layers_below_it(package: str) -> None:
    layers = LAYERS[package]
    level = {module: depth for depth, members in enumerate(layers) for module in members}
    files = sorted((PACKAGE / package).glob("*.py"))
    assert {path.stem for path in files} == set(level), "every module of the package has its layer"
    graph = import_graph()
    prefix = f"simulator.{package}"
    wrong = []
    for path in files:
        name = _module_name(path)
        for imported in graph[name]:
            if imported.startswith(prefix + "."):
                other = imported.rsplit(".", 1)[1]
                if level[other] >= level[path.stem]:
                    wrong.append(f"{path.stem} (layer {level[path.stem]}) imports {other} (layer {level[other]})")
    assert wrong == []
