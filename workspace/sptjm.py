"""The printable SPTJM (Surat Pernyataan Tanggung Jawab Mutlak) a proposer signs and sends
with its list, as a Word document (DOCX) filled with the organisation's name.

Written with the standard library (``zipfile`` and a few lines of WordprocessingML): the
document is a handful of paragraphs, and a library for it (python-docx, which brings lxml)
would be a second dependency for one page. Word, LibreOffice and Google Docs open it; the
officer prints it, signs it over a meterai and uploads the scan as PDF when sending.
"""

from __future__ import annotations

import io
import zipfile

from django.utils import translation
from django.utils.translation import gettext as _

from proposers.models import Proposer
from umkm_portal.xlsx import xml_text

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
# A4 with 2.5 cm margins (twentieths of a point); the colon of "Nama : …" at 4.5 cm.
_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" '
    'w:footer="709" w:gutter="0"/></w:sectPr>'
)
_FIELD_TAB = 2552
# Numbered points: the number, then the text indented 1 cm, wrapped lines too.
_ITEM_TAB = 567
BLANK = "…………………………………………"


def _paragraph(
    text: str = "", *, bold=False, center=False, size=24, after=120, tab=False, hanging=False
):
    # WordprocessingML wants a paragraph's properties in schema order: tabs, spacing, ind, jc.
    props = []
    if tab or hanging:
        position = _ITEM_TAB if hanging else _FIELD_TAB
        props.append(f'<w:tabs><w:tab w:val="left" w:pos="{position}"/></w:tabs>')
    props.append(f'<w:spacing w:after="{after}"/>')
    if hanging:
        props.append(f'<w:ind w:left="{_ITEM_TAB}" w:hanging="{_ITEM_TAB}"/>')
    if center:
        props.append('<w:jc w:val="center"/>')
    run_props = f'{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/>'
    runs = []
    for i, part in enumerate(text.split("\t")):
        if i:
            runs.append("<w:r><w:tab/></w:r>")
        runs.append(
            f'<w:r><w:rPr>{run_props}</w:rPr><w:t xml:space="preserve">{xml_text(part)}</w:t></w:r>'
        )
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{''.join(runs)}</w:p>"


def _body(proposer: Proposer, *, officer: str, position: str, program: str) -> list[str]:
    subject = program or _("bantuan bagi pelaku usaha mikro")
    parts = [
        _paragraph(
            _("SURAT PERNYATAAN TANGGUNG JAWAB MUTLAK"), bold=True, center=True, size=28, after=0
        ),
        _paragraph("(SPTJM)", bold=True, center=True, size=28, after=360),
        _paragraph(_("Yang bertanda tangan di bawah ini:")),
        _paragraph(f"{_('Nama')}\t: {officer or BLANK}", tab=True),
        _paragraph(f"{_('Jabatan')}\t: {position or BLANK}", tab=True),
        _paragraph(f"{_('Lembaga pengusul')}\t: {proposer.name}", tab=True),
        _paragraph(f"{_('Alamat kantor')}\t: {proposer.address or BLANK}", tab=True, after=240),
        _paragraph(_("dengan ini menyatakan dengan sesungguhnya bahwa:")),
    ]
    points = [
        _(
            "Data calon penerima %(subject)s dalam daftar usulan yang kami kirimkan kepada "
            "Dinas Koperasi dan UKM Kota Bekasi adalah benar, lengkap, dan sesuai dengan KTP "
            "serta keadaan usaha yang sebenarnya."
        )
        % {"subject": subject},
        _(
            "Setiap calon penerima adalah pelaku usaha mikro yang usahanya berada di wilayah "
            "layanan kami dan telah kami periksa kelayakannya sesuai ketentuan program."
        ),
        _(
            "Apabila di kemudian hari terdapat data yang tidak benar, kami bertanggung jawab "
            "penuh dan bersedia menerima sanksi sesuai ketentuan peraturan perundang-undangan."
        ),
    ]
    parts += [_paragraph(f"{n}.\t{text}", hanging=True) for n, text in enumerate(points, start=1)]
    parts += [
        _paragraph(
            _("Demikian surat pernyataan ini kami buat dengan sebenar-benarnya."), after=480
        ),
        _paragraph(_("Kota Bekasi, %(date)s") % {"date": BLANK}),
        _paragraph(_("Yang menyatakan,"), after=240),
        _paragraph(_("(meterai dan tanda tangan)"), size=18, after=960),
        _paragraph(f"( {officer or BLANK} )", bold=True, after=0),
        _paragraph(position or BLANK),
    ]
    return parts


def sptjm_docx(
    proposer: Proposer, *, officer: str = "", position: str = "", program: str = ""
) -> bytes:
    """The SPTJM as DOCX bytes, in Indonesian (an official letter to the Dinas), filled with
    ``proposer``'s name and office address, and the officer's name and position when known
    (blank lines to write on otherwise); ``program`` names the grant when given."""
    with translation.override("id"):
        body = "".join(_body(proposer, officer=officer, position=position, program=program))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}"><w:body>{body}{_SECTION}</w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
    return out.getvalue()
