"""The status page's NIK digests have their own key: rotating SECRET_KEY changes nothing, and
rotating STATUS_LOOKUP_HASH_KEY with its command keeps refused owners, opt-outs and pengaduan
found."""

import io
import re

import pytest
from django.core.management import call_command

from aid.models import ImportRow
from notifications.models import OptOut
from notifications.services import opt_out
from public.models import RefusedProposal
from public.services import nik_digest
from tests.public.conftest import check
from tests.public.test_refused_proposals import REFUSED_NIK, merged_list, proposer  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("merged_list")]

NEW_KEY = "a-new-status-lookup-key-after-rotation-0123456789"
FOUND = "Usulan dari Kelurahan Arenjaya"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _rotate(monkeypatch, settings) -> str:
    """Rotate from the tests' key to NEW_KEY, as the operator would: the previous key in
    PREVIOUS_STATUS_LOOKUP_HASH_KEY, the new one in the settings."""
    if settings.STATUS_LOOKUP_HASH_KEY != NEW_KEY:
        monkeypatch.setenv("PREVIOUS_STATUS_LOOKUP_HASH_KEY", settings.STATUS_LOOKUP_HASH_KEY)
        settings.STATUS_LOOKUP_HASH_KEY = NEW_KEY
    out = io.StringIO()
    call_command("rotate_status_lookup_key", stdout=out)
    return out.getvalue()


def test_rotating_the_secret_key_changes_nothing_on_the_status_page(client, settings):
    settings.SECRET_KEY = "a-rotated-secret-key-that-signs-sessions-and-nothing-else"

    assert FOUND in _text(check(client, REFUSED_NIK, "5432"))


def test_a_new_lookup_key_alone_loses_the_refused_owner(client, settings):
    settings.STATUS_LOOKUP_HASH_KEY = NEW_KEY

    assert FOUND not in _text(check(client, REFUSED_NIK, "5432"))


def test_the_rotation_command_keeps_refused_owners_and_opt_outs_found(
    client, settings, monkeypatch, owner
):
    opt_out(source=OptOut.Source.STATUS_PAGE, nik_hash=nik_digest(owner.nik))

    out = _rotate(monkeypatch, settings)

    assert FOUND in _text(check(client, REFUSED_NIK, "5432"))
    assert OptOut.objects.get().nik_hash == nik_digest(owner.nik, key=NEW_KEY)
    assert "public.RefusedProposal.nik_hash: 1 moved to the new key, 0 not recomputable" in out
    assert "every digest is under the new key" in out
    # Again: nothing more to move, nothing lost.
    assert "RefusedProposal.nik_hash: 0 moved to the new key, 0 not recomputable" in _rotate(
        monkeypatch, settings
    )


def test_a_refusal_whose_list_rows_were_purged_cannot_be_recomputed_and_is_reported(
    client, settings, monkeypatch
):
    ImportRow.objects.all().delete()  # purged with the list's file

    out = _rotate(monkeypatch, settings)

    assert "public.RefusedProposal.nik_hash: 0 moved to the new key, 1 not recomputable" in out
    assert "whose list file was purged" in out
    assert FOUND not in _text(check(client, REFUSED_NIK, "5432"))


def test_the_first_key_of_a_deployment_takes_over_digests_keyed_by_the_secret_key(
    client, settings, monkeypatch
):
    settings.STATUS_LOOKUP_HASH_KEY = ""  # digests written under SECRET_KEY, as before
    RefusedProposal.objects.update(nik_hash=nik_digest(REFUSED_NIK))
    settings.STATUS_LOOKUP_HASH_KEY = NEW_KEY

    call_command("rotate_status_lookup_key", "--previous-is-secret-key", stdout=io.StringIO())

    assert FOUND in _text(check(client, REFUSED_NIK, "5432"))
