"""Load, before gunicorn forks its workers, what Django otherwise loads on a worker's first
requests: every URLconf and view module, and the project's compiled templates.

gunicorn imports the application once in its master process (``preload_app``, gunicorn.conf.py)
and forks the workers from it; it also replaces each worker after ``max_requests`` requests.
Django imports the URLconf, and with it every view module, on the first request a process
serves, and compiles each template the first time it is rendered. Done in each new worker, that
work fell on the requests it served first: on the status page benchmark (docs/performance.md)
recycling workers every 2,000 requests cost the status check about 40% of its throughput and
pushed its p99 from about 130 ms to 600 ms. Done here, once in the master, every worker starts
with it (and shares those pages of memory with the master until they are written).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver


def warm_up() -> int:
    """Import the URLconf and compile every template of the project's own apps and
    ``templates/`` folder; returns the number of templates compiled."""
    get_resolver().url_patterns  # noqa: B018  (importing every URLconf and view module)
    engine = engines["django"].engine
    compiled = 0
    for folder in _project_template_dirs(engine):
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
            compiled += 1
    return compiled


def _project_template_dirs(engine) -> list[Path]:
    """Template folders inside the project (not those of installed third-party packages,
    whose templates the cached loader compiles when they are first used)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = []
    for loader in engine.template_loaders:
        for folder in loader.get_dirs() if hasattr(loader, "get_dirs") else []:
            folder = Path(folder).resolve()
            if folder.is_dir() and folder.is_relative_to(base) and ".venv" not in folder.parts:
                folders.append(folder)
    return folders
