"""Files of personal data are readable by their owner only: the SQLite database, the keys,
var/, kept files (uploaded lists and everything else in the storage), whatever the umask of
whoever started the process."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from aid import services

ROOT = Path(__file__).resolve().parent.parent
LIST = (
    "NIK,Nama Lengkap,Alamat KTP,Kecamatan,Kelurahan,Nama Usaha,Bidang Usaha,No HP\n"
    "3275014708850003,Siti Aminah,Jl. Melati 5,Bekasi Timur,Arenjaya,Warung Siti,Kuliner,"
    "081234567890\n"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _development_process(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """manage.py as ./run starts it (DEBUG, no keys, SQLite in var_dir), by a user whose
    umask lets everyone read what they create."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "STATUS_LOOKUP_HASH_KEY", "DATABASE_URL")
    }
    env.update(DEBUG="true", VAR_DIR=str(var_dir))
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),
    )


def test_a_development_process_keeps_the_database_and_keys_to_its_owner(tmp_path):
    var = tmp_path / "var"
    result = _development_process(var, "check")
    assert result.returncode == 0, result.stderr

    assert _mode(var) == 0o700
    for name in ("db.sqlite3", "secret_key", "status_lookup_hash_key"):
        assert _mode(var / name) == 0o600, name


def test_a_database_and_folder_left_world_readable_by_an_older_version_are_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    (var / "db.sqlite3").touch()
    (var / "db.sqlite3").chmod(0o644)

    result = _development_process(var, "check")
    assert result.returncode == 0, result.stderr

    assert _mode(var) == 0o700
    assert _mode(var / "db.sqlite3") == 0o600


def test_whatever_a_command_writes_is_private(tmp_path):
    """manage.py sets umask 077: a command's own files (here Python writing a file the way
    an export or a log would) get no group or other bits."""
    out = tmp_path / "written-by-a-command.txt"
    result = _development_process(
        tmp_path / "var", "shell", "-c", f"open({str(out)!r}, 'w').write('NIK')"
    )
    assert result.returncode == 0, result.stderr
    assert _mode(out) == 0o600


@pytest.mark.django_db
def test_an_uploaded_list_is_kept_0600_in_0700_folders(program, make_staff):
    proposal_list = services.proposal_list_upload(
        program=program,
        proposer_name="Kelurahan Arenjaya",
        proposer_kind="kelurahan",
        file=io.BytesIO(LIST.encode()),
        filename="arenjaya.csv",
        by=make_staff(None),
        process=False,
    )

    kept = Path(proposal_list.file.path)
    assert _mode(kept) == 0o600
    root = Path(settings.PRIVATE_UPLOAD_ROOT)
    folder = kept.parent
    while folder != root:
        assert _mode(folder) == 0o700, folder
        folder = folder.parent
