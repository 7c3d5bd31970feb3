"""The printable SPTJM: a Word document filled with the proposer's name, linked from the
upload page and from a list's "send to the Dinas" form."""

import io
import zipfile
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from aid.models import ProposalList
from tests.lists import as_csv
from tests.proposers.conftest import upload_file
from tests.proposers.test_workspace import GOOD

pytestmark = pytest.mark.django_db

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(
            archive.namelist()
        )
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def test_the_upload_page_links_an_sptjm_filled_with_the_proposer(aren, aren_client, officer):
    aren.address = "Jl. Arenjaya Raya 1"
    aren.save()
    officer.first_name, officer.last_name = "Sri", "Wahyuni"
    officer.save()
    url = reverse("proposers:sptjm")
    assert url in aren_client.get(reverse("proposers:upload")).content.decode()

    response = aren_client.get(url)

    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="sptjm-kelurahan-arenjaya.docx"' in response["Content-Disposition"]
    text = _text(response.content)
    assert "SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK" in text
    assert "Lembaga pengusul: Kelurahan Arenjaya" in text.replace("\t", "").replace(" :", ":")
    assert "Jl. Arenjaya Raya 1" in text and "( Sri Wahyuni )" in text and "Kasi" in text


def test_a_lists_sptjm_names_its_program_and_stays_in_the_organisation(
    aren_client, program, client, other_officer
):
    upload_file(aren_client, program, as_csv(*GOOD))
    proposal_list = ProposalList.objects.get()
    url = reverse("proposers:sptjm_for_list", args=[proposal_list.pk])
    detail = aren_client.get(reverse("proposers:detail", args=[proposal_list.pk]))
    assert url in detail.content.decode()

    assert program.name in _text(aren_client.get(url).content)

    client.force_login(other_officer)
    assert client.get(url).status_code == 404


def test_a_control_character_in_a_name_still_gives_a_document_word_opens(
    aren, aren_client, officer
):
    """Names are typed by staff and officers; a stray control character (pasted from another
    program) must not make the XML, and so the DOCX, unreadable."""
    aren.address = "Jl. Arenjaya\x0b Raya 1"
    aren.save()
    officer.first_name = "Sri\x1f"
    officer.save()

    text = _text(aren_client.get(reverse("proposers:sptjm")).content)

    assert "Jl. Arenjaya Raya 1" in text and "Sri" in text
