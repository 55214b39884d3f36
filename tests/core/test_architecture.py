"""The house plan (issue 14, docs/architecture.md), held against the code's own imports.

Walks every import in app/ (ast, no code run) and fails on an arrow the plan forbids:
- a feature imports another feature only through the shared pieces: `auth.models` and `groups.models`
  (users and organisations are core data) and `mailing.sources` (the bulletin plug-in point);
- `main`, `staff` and `reports` aggregate and may import any feature, as may the composition root
  (`app/__init__.py`, which registers FEATURES, and `app/cli.py`);
- core (every other module in app/, and the outbox in app/mail/) imports no feature but the shared models;
- no import circles. A blueprint package's `__init__` imports its routes at the bottom to register them:
  that is registration, not use, so a package's imports of its own modules are not arrows. A package
  whose `__init__` only hands names on (a "face") stands for the modules it imports.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
FEATURES = {"auth", "groups", "mailing", "events", "toolkits", "actionplan"}
AGGREGATORS = {"main", "staff", "reports"}
COMPOSITION_ROOT = {"app", "app.cli"}
SHARED = {"app.auth.models", "app.groups.models", "app.mailing.sources"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.Module):
    """Import nodes, leaving out `if TYPE_CHECKING:` blocks (no import happens at run time)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in skip]


def _is_face(tree: ast.Module) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):  # the docstring
            continue
        if isinstance(stmt, ast.Assign) and all(getattr(t, "id", "") == "__all__" for t in stmt.targets):
            continue
        return False
    return True


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(arrows, faces): module -> modules it imports; face package -> the modules it hands on."""
    files = {_module_name(p): p for p in APP.rglob("*.py")}
    raw: dict[str, set[str]] = defaultdict(set)
    faces: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text())
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in _runtime_imports(tree):
            for target in _targets(node, package, files):
                if target != name:
                    raw[name].add(target)
        if path.name == "__init__.py" and _is_face(tree):
            faces[name] = {t for t in raw[name] if t.startswith(name + ".")}
    arrows: dict[str, set[str]] = defaultdict(set)
    for source, targets in raw.items():
        for target in targets:
            if target.startswith(source + ".") and files[source].name == "__init__.py":
                continue  # a package registering or handing on its own modules
            arrows[source].update(faces.get(target, {target}))
    return arrows, faces


def _targets(node, package: str, files) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
    found = []
    for name in names:
        while name and name not in files:
            name = name.rpartition(".")[0]
        if name.startswith("app"):
            found.append(name)
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    if module in COMPOSITION_ROOT:
        return "root"
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES | AGGREGATORS else "core"


def forbidden_arrows(arrows: dict[str, set[str]]) -> list[str]:
    wrong = []
    for source, targets in sorted(arrows.items()):
        here = layer(source)
        if here in AGGREGATORS or here == "root":
            continue
        for target in sorted(targets):
            there = layer(target)
            if there in (here, "core") or target in SHARED:
                continue
            wrong.append(f"{source} -> {target} ({here} may not import {there})")
    return wrong


def circles(arrows: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(arrows):
        if root in index:
            continue
        work = [(root, iter(sorted(arrows.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(arrows.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_features_import_only_core_their_own_package_and_the_shared_pieces():
    arrows, _ = import_graph()
    wrong = forbidden_arrows(arrows)
    assert not wrong, "Arrows the house plan forbids (docs/architecture.md):\n  " + "\n  ".join(wrong)


def test_there_are_no_import_circles():
    arrows, _ = import_graph()
    found = circles(arrows)
    assert not found, "Import circles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_walk_sees_a_forbidden_arrow_and_a_circle():
    """The checks themselves: a made-up feature-to-feature arrow and a two-module circle are reported."""
    arrows = {
        "app.events.routes": {"app.toolkits.services", "app.groups.models", "app.db"},
        "app.db": {"app.events.models"},
        "app.events.models": {"app.db"},
    }
    assert forbidden_arrows(arrows) == [
        "app.db -> app.events.models (core may not import events)",
        "app.events.routes -> app.toolkits.services (events may not import toolkits)",
    ]
    assert circles(arrows) == [["app.db", "app.events.models"]]
    real, faces = import_graph()
    assert "app.toolkits.question_types" in faces  # a face stands for the type modules it hands on
    assert "app.events.routes" in real and len(real) > 100
