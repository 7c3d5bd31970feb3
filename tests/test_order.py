"""Tests pass in any order and on any pytest-xdist worker: what one test leaves in the process
does not reach the next (tests/conftest.py, ``_site_language``)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

# The two tests run on one worker, in this order (``./test`` distributes with loadgroup).
pytestmark = pytest.mark.xdist_group("language-reset")


@pytest.mark.django_db
def test_an_english_page_leaves_english_active_in_the_test_thread(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/cek-status/"})

    page = client.get("/cek-status/").content.decode()

    assert 'lang="en"' in page
    # Django's locale middleware does not reset the language after the response.
    assert translation.get_language() == "en"


def test_the_next_test_starts_in_the_sites_language_again():
    assert translation.get_language() == "id"
    assert gettext("Cek status") == "Cek status"
    with translation.override("en"):
        assert gettext("Cek status") == "Check status"
