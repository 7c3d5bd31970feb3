"""The project as a newcomer and a deployment meet it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_system_check_is_clean():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_mode_refuses_to_start_without_secret_key():
    result = _manage("check", env_overrides={"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_mode_starts_with_a_generated_key():
    result = _manage("check", env_overrides={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_pages_are_indonesian_whatever_the_browser_language_until_english_is_chosen(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    page = client.get("/cek-status/", **english_browser).content.decode()
    assert 'lang="id"' in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/cek-status/"})
    page = client.get("/cek-status/", **english_browser).content.decode()
    assert 'lang="en"' in page
