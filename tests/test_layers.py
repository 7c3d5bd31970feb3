"""Dependencies between the project's apps point one way: from the core to the periphery.

The import graph is built from the source itself (the AST of every ``.py`` file of every app,
migrations and tests left out), so a new import that climbs a layer or closes a cycle fails
here with the file and line that added it. The order is written once, below, and explained in
docs/architecture.md ("Layers"). The core tells the periphery what happened through the
events of ``umkm_portal/events.py``, never by importing it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

# Above aid: what reads the core and hears its events.
PERIPHERY = (
    "public",
    "complaints",
    "payment_checks",
    "development",
    "dashboard",
    "notifications",
    "workspace",
    "exports",
)

# Lowest first. An app may import apps of its own layer or of a lower one, never a higher one;
# within a layer, imports must not form a cycle.
LAYERS: list[tuple[str, ...]] = [
    # settings, base admin, roles, the state machine, the events, neutral helpers
    ("umkm_portal",),
    # background jobs: the job row, its state machine, progress page, runner (kinds are
    # registered by the apps above)
    ("jobs",),
    # masking, the access log, masked exports
    ("privacy",),
    # who and what: owners, businesses, accounts, regions
    ("registry",),
    # the proposer organisations (the Proposer model, proposer_resolve)
    ("proposers",),
    # programs, lists, applications, money
    ("aid",),
    # the periphery: reads the core, hears its events
    PERIPHERY,
    # dev-only tools (benchmarks, seeders): may import anything, nothing imports them
    ("devtools",),
]

# Modules the "tools" pass is moving into devtools/ (seeders and benchmarks import every app
# by nature); skipped until they have moved.
_TOOLS_IN_TRANSIT = ("bench_", "seed_", "panduan_screenshots")

# Edges allowed for now, each with the reason; none may be added.
ALLOWED_FOR_NOW = {
    # The registry reads aid's applications and transfers by name (apps.get_model): the
    # owner's identity page, and the rules that lock a NIK once an owner has applications
    # (owner_update, NIK corrections). Debt: to move above aid (aid's admin contributing
    # to the owner's page; aid vetoing a NIK change) in a next pass.
    ("registry/selectors.py", "aid"),
    ("registry/services.py", "aid"),
    ("registry/nik_corrections.py", "aid"),
}


def _project_apps() -> list[str]:
    """The project's own apps (those whose package sits in the repository)."""
    names = [app.split(".")[0] for app in settings.INSTALLED_APPS]
    return [n for n in dict.fromkeys(names) if (ROOT / n / "__init__.py").exists()]


def _skipped(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if "migrations" in parts or "benchmark" in parts:
        return True
    return "commands" in parts and path.stem.startswith(_TOOLS_IN_TRANSIT)


def _imports(path: Path):
    """Yield (line, imported module) for every absolute import in ``path``, and for every
    model looked up by name (``apps.get_model("aid", "Application")``): a dependency
    all the same, only hidden from the import statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value.split(".")[0] + ".models"


def import_graph(apps: list[str]) -> dict[tuple[str, str], list[str]]:
    """{(importing app, imported app): ["path:line module", ...]} between distinct apps."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if _skipped(path):
                continue
            relative = path.relative_to(ROOT).as_posix()
            for line, module in _imports(path):
                target = module.split(".")[0]
                if target in apps and target != app:
                    if (relative, target) in ALLOWED_FOR_NOW:
                        continue
                    edges[(app, target)].append(f"{relative}:{line} imports {module}")
    return dict(edges)


def _layer_of() -> dict[str, int]:
    return {app: i for i, layer in enumerate(LAYERS) for app in layer}


def _cycles(nodes: list[str], edges) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    successors = defaultdict(set)
    for a, b in edges:
        successors[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(successors[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_every_app_has_a_layer():
    unplaced = [app for app in _project_apps() if app not in _layer_of()]
    assert not unplaced, f"Place these apps in tests/test_layers.py LAYERS: {unplaced}"


def test_no_app_imports_a_higher_layer():
    apps = _project_apps()
    layer = _layer_of()
    upward = {
        (a, b): where
        for (a, b), where in import_graph(apps).items()
        if layer.get(a, 0) < layer.get(b, 0)
    }
    report = "\n".join(
        f"{a} (layer {layer[a]}) -> {b} (layer {layer[b]}):\n    " + "\n    ".join(where)
        for (a, b), where in sorted(upward.items())
    )
    assert not upward, (
        "A lower app imports a higher one; announce an event (umkm_portal/events.py) or "
        "move the shared piece down:\n" + report
    )


def test_the_core_imports_no_peripheral_app():
    """registry and aid announce events instead (umkm_portal/events.py)."""
    edges = import_graph(_project_apps())
    from_core = {
        (a, b): where
        for (a, b), where in edges.items()
        if a in ("registry", "aid") and b in PERIPHERY
    }
    assert not from_core


def test_no_import_cycle_between_apps():
    apps = _project_apps()
    edges = import_graph(apps)
    cycles = _cycles(apps, edges)
    report = "\n".join(
        ", ".join(cycle)
        + ":\n    "
        + "\n    ".join(
            f"{a} -> {b}: {where[0]}"
            for (a, b), where in sorted(edges.items())
            if {a, b} <= set(cycle)
        )
        for cycle in cycles
    )
    assert not cycles, "Apps import each other in a cycle:\n" + report


def test_the_graph_sees_late_imports_and_models_looked_up_by_name(tmp_path):
    """A late import (inside a function, to dodge a circular import) and a model looked up by
    name are edges too; a relative import stays inside its app."""
    module = tmp_path / "m.py"
    module.write_text(
        "import aid.models as m\n"
        "from . import sibling\n"
        "def f():\n"
        "    from public.services import nik_digest\n"
        "    return apps.get_model('dashboard', 'SummaryRefresh')\n",
        encoding="utf-8",
    )
    assert list(_imports(module)) == [
        (1, "aid.models"),
        (4, "public.services"),
        (5, "dashboard.models"),
    ]


def test_events_are_declared_in_one_list():
    """A reader finds every event in umkm_portal/events.py; no app declares its own."""
    elsewhere = []
    for app in _project_apps():
        for path in sorted((ROOT / app).rglob("*.py")):
            if _skipped(path) or path == ROOT / "umkm_portal" / "events.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            elsewhere += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "Signal"
            ]
    assert not elsewhere, f"Declare events in umkm_portal/events.py: {elsewhere}"
