"""The English catalogue: complete, compiled, and what English and Indonesian users see.

The source strings are Bahasa Indonesia; every English string lives in the one project-level
catalogue ``locale/en/LC_MESSAGES/django.po`` (docs/translations.md).
"""

import ast
import csv
import fnmatch
import gettext
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from aid.importing.columns import COLUMNS, map_header
from aid.importing.template_file import template_csv
from aid.models import Application, ImportStatus, ProposalList, Status
from registry import identifiers
from registry.models import Owner
from umkm_portal import roles

BASE_DIR = Path(settings.BASE_DIR)
CATALOGUE = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
NOT_PROJECT = {".venv", ".git", "node_modules", "staticfiles", "var", "test-artifacts"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdif]|%[sdif]|\{\w*\}")


def _project_files(pattern: str) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(BASE_DIR):
        dirs[:] = [d for d in dirs if d not in NOT_PROJECT]
        found += [Path(root) / name for name in fnmatch.filter(files, pattern)]
    return sorted(found)


def _catalogue_id(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


def _parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgctxt/msgid/msgid_plural/msgstr/msgstr[n], flags.

    Enough of the format for catalogues written by xgettext and msgmerge; obsolete (``#~``)
    entries are skipped, as msgfmt skips them.
    """
    entries: list[dict] = []
    entry: dict | None = None
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry and "msgid" in entry and not entry.get("obsolete"):
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"flags": set()}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _space, literal = line.partition(" ")
            entry[key] = ast.literal_eval(literal)
    return entries


def _translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def _lookup_key(entry: dict) -> str:
    context = entry.get("msgctxt")
    return f"{context}\x04{entry['msgid']}" if context is not None else entry["msgid"]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_one_project_level_catalogue_holds_every_translation():
    assert settings.LOCALE_PATHS == [BASE_DIR / "locale"]
    assert _project_files("*.po") == [CATALOGUE]
    assert not _project_files("djangojs.po"), "no JavaScript catalogue: scripts show server text"


def test_the_header_declares_english_and_its_plural_forms():
    header = gettext.GNUTranslations(io.BytesIO(_mo_bytes(CATALOGUE))).info()

    assert header["language"] == "en"
    assert header["plural-forms"] == "nplurals=2; plural=(n != 1);"
    assert header["content-type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("path", _project_files("*.po"), ids=_catalogue_id)
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    entries = _parse_po(path)

    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries[1:] if not all(_translations(e))]
    assert entries[0]["msgid"] == "", "the header comes first"
    assert not fuzzy
    assert not untranslated
    assert len(entries) > 500  # every app's strings, not one app's


@pytest.mark.parametrize("path", _project_files("*.po"), ids=_catalogue_id)
def test_translations_keep_the_placeholders(path):
    wrong = []
    for entry in _parse_po(path)[1:]:
        if "msgid_plural" in entry:
            # The singular may name the number in words ("First problem row"); the plural
            # form must keep every placeholder, and neither may invent one.
            expected = set(PLACEHOLDER.findall(entry["msgid_plural"]))
            forms = [entry["msgstr[0]"], entry["msgstr[1]"]]
            if set(PLACEHOLDER.findall(forms[1])) != expected or not all(
                set(PLACEHOLDER.findall(form)) <= expected for form in forms
            ):
                wrong.append(entry["msgid"])
        elif sorted(PLACEHOLDER.findall(entry["msgid"])) != sorted(
            PLACEHOLDER.findall(entry["msgstr"])
        ):
            wrong.append(entry["msgid"])
    assert not wrong


def _mo_bytes(po_path: Path) -> bytes:
    """The compiled catalogue next to the .po, where ``compilemessages`` writes it."""
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run compilemessages and commit the .mo"
    return mo_path.read_bytes()


@pytest.mark.parametrize("path", _project_files("*.po"), ids=_catalogue_id)
def test_the_compiled_catalogue_is_up_to_date_with_its_source(path):
    compiled = gettext.GNUTranslations(io.BytesIO(_mo_bytes(path)))._catalog

    expected = {}
    for entry in _parse_po(path):
        if "fuzzy" in entry["flags"] and entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            for n, key in enumerate(k for k in entry if k.startswith("msgstr[")):
                expected[(_lookup_key(entry), n)] = entry[key]
        elif entry["msgstr"]:
            expected[_lookup_key(entry)] = entry["msgstr"]
    # msgfmt leaves POT-Creation-Date out of the compiled header (reproducible .mo files).
    expected[""] = re.sub(r"(?m)^POT-Creation-Date:.*\n", "", expected[""])
    assert compiled == expected, "the .mo is stale: run compilemessages and commit the .mo"


TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.*?)\1\s*(?:as\s+\w+\s*)?%}""")
BLOCK_TAG = re.compile(r"{%\s*blocktranslate\b([^%]*)%}(.*?){%\s*endblocktranslate\s*%}", re.S)


def _template_texts():
    """(template, msgid) of each plain ``translate`` and ``blocktranslate`` in the project's
    templates, as makemessages would extract it (``trimmed`` joins the stripped lines,
    ``{{ name }}`` becomes ``%(name)s``); tags with a context or a plural are left out."""
    for path in _project_files("*.html"):
        source = path.read_text(encoding="utf-8")
        for match in TRANSLATE_TAG.finditer(source):
            yield _catalogue_id(path), match.group(2)
        for match in BLOCK_TAG.finditer(source):
            options, body = match.groups()
            if "context" in options or "count" in options or "{% plural %}" in body:
                continue
            if "trimmed" in options:
                body = " ".join(line.strip() for line in body.splitlines() if line.strip())
            body = re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body.replace("%", "%%"))
            yield _catalogue_id(path), body


def test_every_text_of_the_templates_is_in_the_catalogue():
    """A text added to a template without running makemessages would show in Indonesian on
    the English pages; the checks above only see what is in the catalogue."""
    msgids = {entry["msgid"] for entry in _parse_po(CATALOGUE)}
    missing = sorted({(name, text) for name, text in _template_texts() if text not in msgids})
    assert not missing, missing


def test_the_template_for_proposal_lists_imports_back_in_english():
    """Its headings stay Indonesian in English, the names the importer recognises."""
    with translation.override("en"):
        headings = next(csv.reader(io.StringIO(template_csv().decode("utf-8-sig")), delimiter=";"))

    assert set(map_header(headings)) == set(COLUMNS)


def test_models_forms_and_messages_speak_english_under_override():
    with translation.override("en"):
        assert str(Owner._meta.verbose_name) == "business owner"
        assert str(ProposalList._meta.verbose_name) == "proposal list"
        assert str(Application._meta.get_field("reason_code").verbose_name) == "reason code"
        assert Status.APPROVED.label == "Named as recipient"
        assert Status.RETURNED.label == "Returned to the state treasury"
        assert identifiers.nik("12345").error == (
            "A NIK must have 16 digits; this one has 5. Check it again against the ID card."
        )
    with translation.override("id"):
        assert str(Owner._meta.verbose_name) == "pemilik usaha"
        assert Status.APPROVED.label == "Ditetapkan sebagai penerima"
        assert identifiers.nik("12345").error.startswith("NIK harus 16 digit")


def _chosen(client, language: str):
    """The client of a visitor who picked ``language`` with the switch (the language cookie);
    the browser's own Accept-Language is ignored by the portal."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ['<html lang="en">', "Check your status", "Staff login"], "Cek status usulan"),
        ("id", ['<html lang="id">', "Cek status usulan", "Masuk untuk petugas"], "Staff login"),
    ],
)
def test_landing_page_in_each_language(client, language, expected, absent):
    text = _text(_chosen(client, language).get("/"))

    for phrase in expected:
        assert phrase in text
    assert absent not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        (
            "en",
            [
                "Check the status of your grant proposal",
                "NIK (16 digits, as on your ID card)",
                "Last 4 digits of the registered mobile number",
                ">Check status</button>",
            ],
            "Masukkan NIK Anda",
        ),
        (
            "id",
            [
                "Cek status usulan bantuan",
                "NIK (16 digit, sesuai KTP)",
                "4 digit terakhir nomor HP yang didaftarkan",
            ],
            "Check the status",
        ),
    ],
)
def test_status_check_form_in_each_language(client, language, expected, absent):
    text = _text(_chosen(client, language).get("/cek-status/"))

    for phrase in expected:
        assert phrase in text
    assert absent not in text


@pytest.mark.django_db
def test_the_language_cookie_from_the_public_switch_carries_into_the_status_check(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "Check the status of your grant proposal" in _text(client.get("/cek-status/"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ["Grants", "UMKM registry", "Proposal list", "Business owner"], "Registri UMKM"),
        ("id", ["Bantuan", "Registri UMKM", "Daftar usulan", "Pemilik usaha"], "UMKM registry"),
    ],
)
def test_admin_index_names_apps_and_models_in_each_language(make_staff, language, expected, absent):
    client = Client()
    client.force_login(make_staff(roles.VERIFIKATOR))

    response = _chosen(client, language).get("/admin/")

    assert response.status_code == 200
    text = _text(response)
    for phrase in expected:
        assert phrase in text
    assert absent not in text


@pytest.mark.django_db
def test_import_progress_sends_the_script_english_text(make_staff, program):
    """static/aid/import_progress.js has no strings of its own: it shows what this sends."""
    proposal_list = ProposalList.objects.create(
        program=program,
        proposer_name="Kelurahan Jatiwaringin",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
        import_status=ImportStatus.PROCESSING,
        rows_total=100,
        rows_read=40,
    )
    client = Client()
    client.force_login(make_staff(None))

    url = f"/admin/aid/proposallist/{proposal_list.pk}/impor/status.json"
    english = _chosen(client, "en").get(url).json()
    indonesian = _chosen(client, "id").get(url).json()

    assert english["status_label"] == "Being checked"
    assert english["progress_text"].startswith("Reading and checking rows: 40 of ± 100 rows read")
    assert indonesian["status_label"] == "Sedang diperiksa"
    assert indonesian["progress_text"].startswith(
        "Membaca dan memeriksa baris: 40 dari ± 100 baris terbaca"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Page not found (404)"), ("id", "Halaman tidak ditemukan (404)")],
)
def test_error_pages_in_each_language(client, language, expected):
    response = _chosen(client, language).get("/tidak-ada/")

    assert response.status_code == 404
    assert expected in _text(response)
