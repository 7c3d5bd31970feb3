"""The proposer's workspace (/pengusul/): upload, follow the check, fix rows, send to the
Dinas, download the outcome file. Every object is looked up through
:mod:`workspace.selectors`, so another organisation's list, row or file answers 404."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aid import jobs as aid_jobs
from aid import services
from aid.importing import review
from aid.models import ImportRow, ImportStatus, Reason
from aid.services.proposer_lists import EDITABLE, editable_columns
from umkm_portal import content_types
from umkm_portal.views import throttled_login
from workspace import selectors, sptjm
from workspace.forms import RowForm, SubmitForm, UploadForm

IN_PROGRESS = (ImportStatus.UPLOADED, ImportStatus.PROCESSING)
PROBLEMS_PER_PAGE = 20
# The problem list's filter for accepted rows flagged as possible duplicates.
FLAGGED = "ditandai"


_login_view = LoginView.as_view(
    template_name="proposers/login.html",
    redirect_authenticated_user=True,
    next_page="proposers:home",
)


@never_cache
def login(request):
    """The proposers' login, behind the same per-username ceiling as the staff's."""
    return throttled_login(request, _login_view)


def proposer_required(view):
    """Logged in as a proposer's staff member; the view gets the organisation."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("proposers:login"))
        proposer = selectors.proposer_of(request.user)
        if proposer is None:
            raise PermissionDenied
        return view(request, proposer, *args, **kwargs)

    return wrapped


@proposer_required
def home(request, proposer):
    # Lists the Dinas entered by hand (no import status, e.g. the 2020 round) show the
    # applications they hold instead of an import's counts.
    lists = (
        selectors.lists_for(proposer)
        .annotate(applications_n=Count("applications"))
        .order_by("-created_at", "-pk")[:100]
    )
    return render(request, "proposers/home.html", {"proposer": proposer, "lists": lists})


@proposer_required
def upload(request, proposer):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_list = services.proposal_list_upload(
                program=form.cleaned_data["program"],
                proposer=proposer,
                file=form.cleaned_data["upload"],
                filename=form.cleaned_data["upload"].name,
                by=request.user,
                sent_by_proposer=True,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            return redirect("proposers:detail", pk=proposal_list.pk)
    return render(request, "proposers/upload.html", {"proposer": proposer, "form": form})


@proposer_required
def detail(request, proposer, pk):
    proposal_list = get_object_or_404(selectors.lists_for(proposer), pk=pk)
    status = proposal_list.import_status
    # A list the Dinas entered by hand (no import status) was never checked.
    checked = (
        bool(status)
        and status not in IN_PROGRESS
        and status
        not in (
            ImportStatus.REFUSED,
            ImportStatus.FAILED,
            ImportStatus.CANCELLED,
        )
    )
    problems = None
    counts = proposal_list.counts or {}
    shown = request.GET.get("alasan", "")
    filters = []
    flagged = 0
    if checked:
        # What the proposer may read of its rows: no comparison with the registry, no other
        # proposer's applications (aid.importing.review's docstring).
        rows = review.problem_rows(proposal_list, for_proposer=True).order_by("row_number")
        flagged = review.flagged_for_proposer(proposal_list)
        # The problem rows by what is wrong: each refusal reason the list has, and the rows
        # accepted but flagged as possible duplicates (what the Operator sees counted).
        filters = [
            (code, label, n)
            for label, code, n in review.outcome_table(counts)
            if code in Reason.values
        ]
        if flagged:
            filters.append((FLAGGED, _("Ditandai kemungkinan data ganda"), flagged))
        if shown == FLAGGED:
            rows = rows.filter(outcome=ImportRow.Outcome.ACCEPTED)
        elif shown in Reason.values:
            rows = rows.filter(outcome=ImportRow.Outcome.REJECTED, reason_code=shown)
        else:
            shown = ""
        problems = Paginator(rows, PROBLEMS_PER_PAGE).get_page(request.GET.get("halaman"))
    return render(
        request,
        "proposers/detail.html",
        {
            "proposer": proposer,
            "proposal_list": proposal_list,
            "in_progress": status in IN_PROGRESS,
            "progress_text": review.progress_text(proposal_list),
            "outcome_jobs": aid_jobs.outcome_being_written(proposal_list) if checked else [],
            "checked": checked,
            "outcomes": review.outcome_table(counts) if checked else [],
            "flagged": flagged,
            "registry_check": review.REGISTRY_CHECK,
            "several": counts.get("several", 0),
            "filters": filters,
            "shown": shown,
            "several_kelurahan": checked and len(review.kelurahan_of_rows(proposal_list)) > 1,
            "problems": problems,
            "editable": status in EDITABLE,
            "submit_form": SubmitForm() if status in EDITABLE else None,
            "applications": selectors.applications_for(proposer)
            .filter(proposal_list=proposal_list)
            .count()
            if status in (ImportStatus.MERGED, "")
            else None,
        },
    )


@proposer_required
@require_POST
def submit(request, proposer, pk):
    proposal_list = get_object_or_404(selectors.lists_for(proposer), pk=pk)
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.proposal_list_submit(
                proposal_list=proposal_list, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                _("Daftar dikirim ke Dinas. Anda akan melihat statusnya di halaman ini."),
            )
    else:
        messages.error(
            request,
            _(
                "Centang pernyataan tanggung jawab (SPTJM) dan isi nama serta jabatan petugas "
                "yang bertanggung jawab atas data ini."
            ),
        )
    return redirect("proposers:detail", pk=proposal_list.pk)


@proposer_required
def outcome_file(request, proposer, pk, fmt):
    proposal_list = get_object_or_404(selectors.lists_for(proposer), pk=pk)
    if proposal_list.import_status in IN_PROGRESS or not proposal_list.headers:
        raise Http404
    name = f"hasil-pemeriksaan-{proposal_list.pk}"
    filenames = {"xlsx": f"{name}.xlsx", "zip": f"{name}-per-kelurahan.zip"}
    content = {"xlsx": content_types.XLSX, "zip": "application/zip"}
    if fmt in aid_jobs.OUTCOME_FORMATS and aid_jobs.outcome_is_big(proposal_list):
        # A big list's file takes seconds to write: a job writes it (once, kept until the
        # list changes, shared with the staff's download) while the list page shows progress.
        kept, job = aid_jobs.outcome_file(proposal_list, fmt, by=request.user)
        if job is not None:
            messages.info(
                request,
                _(
                    "Berkas hasil pemeriksaan sedang disiapkan. Halaman ini diperbarui sendiri; "
                    "setelah siap, klik tautan unduhnya lagi."
                ),
            )
            return redirect(reverse("proposers:detail", args=[proposal_list.pk]) + "#hasil")
        return FileResponse(
            default_storage.open(kept, "rb"),
            as_attachment=True,
            filename=filenames[fmt],
            content_type=content[fmt],
        )
    if fmt == "xlsx":
        return FileResponse(
            review.outcome_xlsx(proposal_list),
            as_attachment=True,
            filename=filenames[fmt],
            content_type=content[fmt],
        )
    if fmt == "zip":
        return FileResponse(
            review.outcome_zip_by_kelurahan(proposal_list),
            as_attachment=True,
            filename=filenames[fmt],
            content_type=content[fmt],
        )
    if fmt == "csv":
        response = StreamingHttpResponse(
            review.outcome_csv(proposal_list), content_type=content_types.CSV
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    raise Http404


@proposer_required
def sptjm_template(request, proposer, pk=None):
    """The SPTJM to print and sign, filled with the organisation's name and the officer's
    (for one list: its program too)."""
    program = ""
    if pk is not None:
        program = get_object_or_404(selectors.lists_for(proposer), pk=pk).program.name
    member = getattr(request.user, "proposer_membership", None)
    response = HttpResponse(
        sptjm.sptjm_docx(
            proposer,
            officer=request.user.get_full_name(),
            position=member.position if member else "",
            program=program,
        ),
        content_type=content_types.DOCX,
    )
    response["Content-Disposition"] = f'attachment; filename="sptjm-{slugify(proposer.name)}.docx"'
    return response


@proposer_required
def row(request, proposer, pk, row):
    proposal_list = get_object_or_404(selectors.lists_for(proposer), pk=pk)
    import_row = get_object_or_404(
        selectors.rows_for(proposer).filter(proposal_list=proposal_list), row_number=row
    )
    mapping = editable_columns(proposal_list)
    columns = list(mapping)
    cells = list(import_row.raw)
    initial = {c: cells[i] if i < len(cells) else "" for c, i in mapping.items()}
    editable = proposal_list.import_status in EDITABLE and import_row.outcome != (
        ImportRow.Outcome.REMOVED
    )
    form = RowForm(request.POST or None, columns=columns, initial=initial)
    if request.method == "POST":
        # The service checks again, under the list's lock, that the list and the row may
        # still change (another request may have sent the list or removed the row since).
        try:
            if "remove" in request.POST and "confirmed" not in request.POST:
                # Removing is asked once more, on a page of its own: nothing is removed yet.
                return redirect(reverse("proposers:row", args=[proposal_list.pk, row]) + "?hapus=1")
            if "remove" in request.POST:
                change = services.import_row_remove(row=import_row, by=request.user)
                messages.success(request, _("Baris %(n)s dihapus dari daftar.") % {"n": row})
                _tell_accepted_again(request, change.accepted_again)
                return redirect("proposers:detail", pk=proposal_list.pk)
            if form.is_valid():
                change = services.import_row_correct(
                    row=import_row, values=form.cleaned_data, by=request.user
                )
                fixed = change.row
                if fixed.outcome == ImportRow.Outcome.ACCEPTED and fixed.proposer_flags:
                    messages.warning(
                        request,
                        _("Baris %(n)s diterima, tetapi ditandai: %(flags)s")
                        % {"n": row, "flags": fixed.proposer_remarks},
                    )
                elif fixed.outcome == ImportRow.Outcome.ACCEPTED:
                    messages.success(
                        request, _("Baris %(n)s sudah benar dan diterima.") % {"n": row}
                    )
                _tell_accepted_again(request, change.accepted_again)
                if fixed.outcome == ImportRow.Outcome.ACCEPTED:
                    return redirect("proposers:detail", pk=proposal_list.pk)
                messages.error(request, _("Baris %(n)s masih bermasalah.") % {"n": row})
                return redirect("proposers:row", pk=proposal_list.pk, row=row)
            messages.error(
                request,
                _("Baris %(n)s belum disimpan: perbaiki isian yang diberi keterangan di bawah.")
                % {"n": row},
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("proposers:detail", pk=proposal_list.pk)
    headers = proposal_list.headers
    original = import_row.original_raw
    # The fields the row's check finds wrong are marked (a form sent back: its own errors).
    form.mark(review.problems_by_column(import_row) if editable and not form.is_bound else {})
    return render(
        request,
        "proposers/row.html",
        {
            "proposer": proposer,
            "proposal_list": proposal_list,
            "row": import_row,
            "form": form,
            "editable": editable,
            "confirm_remove": editable and request.method == "GET" and "hapus" in request.GET,
            "original": list(zip(headers, original, strict=False)) if original else None,
            "corrections": import_row.corrections.select_related("by"),
        },
    )


def _tell_accepted_again(request, numbers: list[int]) -> None:
    """Rows refused as copies of the NIK the changed row held, accepted now that it is gone."""
    if numbers:
        messages.info(
            request,
            _(
                "Baris %(rows)s tadinya ditolak sebagai data ganda dari NIK yang sama; baris "
                "itu sudah diperiksa lagi dan sekarang diterima."
            )
            % {"rows": ", ".join(str(n) for n in numbers)},
        )
