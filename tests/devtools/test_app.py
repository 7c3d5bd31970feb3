"""The dev-only app: listed under DEBUG or DEVTOOLS=true, never in production, and the one home
of the benchmarks, load tools and seeders."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [
    "bench_dashboard",
    "bench_import",
    "bench_load",
    "bench_status_page",
    "panduan_screenshots",
    "seed_demo",
    "seed_scale",
]
# Folders of the tree that are not Python packages of the portal.
NOT_CODE = {"tests", "docs", "locale", "static", "templates", "scripts", "var", "node_modules"}


def _commands(**env_overrides) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEVTOOLS")}
    env.update(env_overrides)
    done = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize(
    ("environment", "listed"),
    [
        ({"DEBUG": "false"}, False),
        ({"DEBUG": "false", "DEVTOOLS": "true"}, True),
        ({"DEBUG": "true"}, True),
        ({"DEBUG": "true", "DEVTOOLS": "false"}, False),
    ],
)
def test_the_tools_are_commands_only_in_development_or_when_asked_for(environment, listed):
    commands = _commands(**environment)

    assert "migrate" in commands
    assert {name for name in COMMANDS if name in commands} == (set(COMMANDS) if listed else set())


def _packages() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.iterdir())
        if (path / "__init__.py").exists() and path.name not in NOT_CODE | {"devtools"}
    ]


def test_no_module_of_the_portal_imports_the_tools():
    importers = []
    for package in _packages():
        for module in package.rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text(), str(module))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                if any(name == "devtools" or name.startswith("devtools.") for name in names):
                    importers.append(str(module.relative_to(ROOT)))
    assert importers == []


def test_no_benchmark_module_is_left_inside_an_app():
    left = [
        str(path.relative_to(ROOT))
        for package in _packages()
        for path in package.rglob("*")
        if path.name.startswith(("bench_", "benchmark")) and "migrations" not in path.parts
    ]
    assert left == []
