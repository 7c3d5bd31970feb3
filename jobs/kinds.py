"""The registry of job kinds: which function runs a kind, its name and phases for staff.

Apps above ``jobs`` register their kinds in their ``AppConfig.ready`` (``jobs`` never imports
them)::

    from jobs.kinds import register
    register("aid.merge", run=merge_job, label=_("Penggabungan daftar usulan"),
             phases={"merging": _("Menggabungkan baris")}, links=merge_links,
             permission="aid.merge_proposallist")

``run(job, progress)`` does the work through the app's services and returns the result (a
JSON-able dict, kept on the job; ``progress.message`` may say in a sentence what happened).
It raises :class:`jobs.services.JobFailed` (or a ``ValidationError``) with an Indonesian
reason for a job that cannot be done. ``links(job)`` gives (label, url) pairs shown on the
progress page once the job is done (the result, the file); ``permission`` is what a member
of staff needs to retry the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import capfirst


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[..., dict | None]
    label: Any
    phases: dict = field(default_factory=dict)
    links: Callable[..., list[tuple[str, str]]] | None = None
    permission: str = ""
    # Whether a running job of this kind may be cancelled (its work stops at the next
    # progress write and the function's open transaction rolls back).
    cancellable: bool = False


_KINDS: dict[str, Kind] = {}


def register(name: str, *, run, label, **options) -> Kind:
    kind = Kind(name=name, run=run, label=label, **options)
    if name in _KINDS and _origin(_KINDS[name].run) != _origin(run):
        raise ValueError(f"Job kind {name} is registered already.")
    _KINDS[name] = kind
    return kind


def _origin(run) -> tuple[str, str]:
    """Where a kind's function is defined: registering the same kind again (an app's
    ready() run twice, e.g. when a test changes INSTALLED_APPS) is not a clash."""
    return (getattr(run, "__module__", ""), getattr(run, "__qualname__", repr(run)))


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def kind_label(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind else name


def phase_label(name: str, phase: str) -> str:
    """The phase ``phase`` of kind ``name`` in words, capitalised alike for every kind (the
    kinds' own labels are written either way, some to sit inside a sentence)."""
    kind = _KINDS.get(name)
    if kind and phase in kind.phases:
        return capfirst(str(kind.phases[phase]))
    return phase


def registered() -> list[Kind]:
    return list(_KINDS.values())
