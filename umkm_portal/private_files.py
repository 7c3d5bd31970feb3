"""Files of personal data and keys: readable by their owner only (0600 in 0700 folders).

Imported by the settings, so nothing here may import Django's settings or any app. The
entry points (manage.py, umkm_portal/wsgi.py) call :func:`restrict_umask` first, so that
whatever a process creates (the SQLite database and its WAL files, kept files, outcome files,
exports) is private even where no mode is given; ./run and scripts/ set ``umask 077`` too.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600


def restrict_umask() -> None:
    """New files of this process are its user's only (group and others get nothing)."""
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) 0700, or take group and other bits away from
    an existing one that we own (a folder made by an older version was 0755)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists; tighten it if it does."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def read_or_create_key(path: Path) -> str:
    """The key kept in ``path``, created once (random, 0600 in a 0700 folder) if missing.

    Safe when several processes start at once (./run starts the web server, the worker and
    commands together): the key is written to a temporary file and linked into place, which
    fails if another process got there first; everyone then reads the one that won.
    """
    private_dir(path.parent)
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    _tighten(path, FILE_MODE)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new key created")
    return key


def _tighten(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & 0o077:
            path.chmod(current & mode)
    except PermissionError:
        # Not ours (e.g. a folder given by the operator): leave it as it is.
        pass
