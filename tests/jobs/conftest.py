"""Fixtures of the job tests: lists uploaded and checked as in the import tests."""

from tests.aid.importing.conftest import upload  # noqa: F401
