"""Upload guards: what a file must be before anything reads it.

Every uploaded file (proposal lists, the ministry's decision files, the bank's reports) comes
in through :func:`check_uploaded_file`, then is read by :mod:`aid.importing.read`. Refusals are
:class:`ListRefused` (a ``ValidationError``) with an Indonesian message that says what is
wrong and what to do; forms show it on the file field, commands print it.
"""

from __future__ import annotations

import os
import re
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

CSV, XLSX = "csv", "xlsx"
MB = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Control bytes other than tab, CR, LF: text files (CSV) do not contain them.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class ListRefused(ValidationError):
    """The whole list is refused, before anything is staged."""


def _not_excel() -> str:
    return _("Berkas ini bukan berkas Excel (.xlsx) yang utuh. Simpan ulang dari Excel.")


def _size(f: IO[bytes]) -> int:
    size = getattr(f, "size", None)
    if size is None:
        position = f.tell()
        size = f.seek(0, 2)
        f.seek(position)
    return size


def check_uploaded_file(f: IO[bytes], *, filename: str = "") -> str:
    """The one entry for every uploaded file: :func:`check_upload` with the portal's size cap
    (``IMPORT_MAX_UPLOAD_MB``), and a name that agrees with the content (another extension
    than .csv/.txt/.xlsx is refused, a .xlsx must be a workbook); returns CSV or XLSX.

    ``aid.services.proposal_list_upload`` calls :func:`check_upload` with the same cap itself
    (its commands may lift the cap); its forms (``aid.forms.clean_list_upload``) come
    through here.
    """
    name = os.path.basename(filename or "").lower()
    # A name without an extension is judged by its content alone.
    if os.path.splitext(name)[1] not in ("", ".csv", ".txt", ".xlsx"):
        raise ListRefused(_("Berkas harus berformat CSV atau XLSX."))
    kind = check_upload(f, max_bytes=settings.IMPORT_MAX_UPLOAD_MB * MB)
    if name.endswith(".xlsx") and kind != XLSX:
        raise ListRefused(_not_excel())
    return kind


def check_upload(f: IO[bytes], *, max_bytes: int | None) -> str:
    """Refuse an upload that is empty, too large or not really CSV/XLSX; return its kind.

    The kind comes from the content, never the file name: a zip with the parts of a workbook
    is XLSX, text is CSV, anything else is refused.
    """
    size = _size(f)
    if size == 0:
        raise ListRefused(_("Berkas kosong. Unggah berkas CSV atau Excel yang berisi data."))
    if max_bytes is not None and size > max_bytes:
        raise ListRefused(
            _(
                "Berkas terlalu besar (%(size)s MB; batasnya %(max)s MB). Bagi daftar menjadi "
                "beberapa berkas."
            )
            % _sizes(size, max_bytes)
        )
    f.seek(0)
    head = f.read(64 * 1024)
    f.seek(0)
    if head.startswith(_ZIP_MAGIC):
        check_xlsx(f)
        return XLSX
    if head.startswith(_OLE2_MAGIC):
        raise ListRefused(
            _(
                "Berkas ini format Excel lama (.xls). Buka di Excel lalu simpan sebagai "
                "Excel Workbook (.xlsx) atau CSV."
            )
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ListRefused(
            _(
                "Berkas ini teks Unicode (UTF-16). Simpan ulang dari Excel sebagai "
                '"CSV UTF-8 (Comma delimited)".'
            )
        )
    if len(_CONTROL.findall(head)) > max(2, len(head) // 1000):
        raise ListRefused(
            _(
                "Berkas ini bukan CSV maupun Excel (isinya bukan teks). Unggah berkas .csv atau "
                ".xlsx hasil ekspor daftar usulan."
            )
        )
    return CSV


def check_xlsx(f: IO[bytes]) -> None:
    """Refuse a zip that is not a workbook, a zip bomb, or XML that declares entities."""
    not_excel = _not_excel()
    try:
        archive = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ListRefused(not_excel) from exc
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if not all(part in names for part in _XLSX_PARTS):
            raise ListRefused(not_excel)
        limit = settings.IMPORT_MAX_UNCOMPRESSED_MB * MB
        ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
        total = sum(info.file_size for info in infos)
        if total > limit or any(
            info.file_size > MB and info.file_size > ratio * max(info.compress_size, 1)
            for info in infos
        ):
            raise ListRefused(
                _(
                    "Isi berkas Excel ini jauh lebih besar daripada berkasnya (lebih dari %(max)d MB "
                    "setelah dibuka). Berkas seperti ini ditolak demi keamanan; ekspor ulang "
                    "daftar sebagai CSV."
                )
                % {"max": settings.IMPORT_MAX_UNCOMPRESSED_MB}
            )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, info):
                raise ListRefused(
                    _(
                        "Berkas Excel ini memuat deklarasi XML (DOCTYPE/ENTITY) yang tidak "
                        "dipakai Excel dan ditolak demi keamanan. Simpan ulang dari Excel."
                    )
                )


def _declares_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the part has a DOCTYPE or ENTITY declaration, or is not 8-bit XML."""
    tail = b""
    with archive.open(info) as part:
        first = True
        while chunk := part.read(1024 * 1024):
            if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
                return True  # UTF-16 XML would hide a DOCTYPE from a byte scan
            first = False
            if _DTD.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG, PNG = "image/jpeg", "image/png"


def _sizes(size: int, max_bytes: int) -> dict[str, str]:
    """A file's size and the limit in MB, written the reader's way ("11,0" in Indonesian)."""
    return {
        "size": number_format(size / MB, 1),
        "max": number_format(max_bytes / MB, 0),
    }


def check_uploaded_photo(f: IO[bytes], *, max_bytes: int) -> str:
    """A photo (an activity's report): not empty, at most ``max_bytes``, and really a JPEG
    or PNG by its content (never its name); returns its content type."""
    size = _size(f)
    if size == 0:
        raise ListRefused(_("Berkas foto kosong. Pilih foto JPG atau PNG."))
    if size > max_bytes:
        raise ListRefused(
            _(
                "Foto terlalu besar (%(size)s MB; batasnya %(max)s MB). Perkecil ukuran "
                "foto lalu unggah lagi."
            )
            % _sizes(size, max_bytes)
        )
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    if head.startswith(_JPEG_MAGIC):
        return JPEG
    if head.startswith(_PNG_MAGIC):
        return PNG
    raise ListRefused(_("Berkas ini bukan foto JPG atau PNG. Unggah foto berformat JPG atau PNG."))
