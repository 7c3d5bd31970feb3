"""Pages of pembinaan UMKM.

Public (no personal data): upcoming activities at /kegiatan/ and registration for an open
one, rate-limited like the status check and answering the same for an unknown NIK as for a
wrong phone number. Staff: the phone page for taking attendance at the door, the attendance
list import, and one timeline per business (page, CSV, XLSX).
"""

from __future__ import annotations

import re
from functools import wraps

import tablib
from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from aid.importing.guards import ListRefused
from development import ratelimits, selectors, services, spj, tables
from development.forms import (
    ActivityPhotoForm,
    ActivitySummaryForm,
    AttendanceImportForm,
    DoorSearchForm,
    RegistrationForm,
)
from development.models import Activity, ActivityPhoto, ActivityReport, Attendance
from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from public.services import nik_digest
from registry.models import Business, Owner
from umkm_portal import content_types
from umkm_portal.client_address import client_ip
from umkm_portal.spreadsheets import safe_cell

DOOR_PERMISSION = "development.change_participant"
TIMELINE_PERMISSION = "registry.view_business"

# --- public ------------------------------------------------------------------------------


def activities(request):
    return render(
        request,
        "development/activities.html",
        {"activities": selectors.upcoming_activities()},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def register(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    if not selectors.open_for_registration(activity):
        return render(request, "development/register_closed.html", {"activity": activity})
    if request.method != "POST":
        return _register_page(request, activity, RegistrationForm())
    try:
        return _registered(request, activity)
    except ratelimits.CountersUnavailable:
        return render(request, "public/unavailable.html", status=503)


def _registered(request, activity):
    if ratelimits.ip_over_limit(request):
        return render(request, "public/rate_limited.html", status=429)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        return _register_page(request, activity, form)
    data = form.cleaned_data
    nik_hash = nik_digest(data["nik"])
    if ratelimits.nik_blocked(request, nik_hash):
        return render(request, "public/rate_limited.html", status=429)
    try:
        outcome = services.public_registration(
            activity=activity,
            client_ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **data,
        )
    except services.RegistrationRefused:
        ratelimits.nik_failed(request, nik_hash)
        # What was typed stays in the fields, NIK too: it is the visitor's own input, sent
        # back only to the browser that typed it (never cached, never stored), and the page
        # reads the same for a known and an unknown NIK.
        return _register_page(request, activity, form, refused=True)
    except ValidationError as error:
        if getattr(error, "code", "") in ("full", "closed"):
            return render(request, "development/register_closed.html", {"activity": activity})
        return _register_page(request, activity, form, details_wrong=True)
    if outcome.pending is not None:
        # An unknown NIK and a known one with another number: the same claim, the same
        # page, and the same count against the NIK.
        ratelimits.nik_failed(request, nik_hash)
        return render(request, "development/registration_pending.html", {"activity": activity})
    return render(request, "development/registered.html", {"activity": activity})


def _register_page(request, activity, form, **flags):
    return render(
        request, "development/register.html", {"activity": activity, "form": form, **flags}
    )


# --- staff -------------------------------------------------------------------------------


def staff_view(permission: str):
    """Logged in through the admin login, holding ``permission``; 403 otherwise."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(admin_site.admin_view(checked))

    return decorate


@staff_view(DOOR_PERMISSION)
def door_activities(request):
    return render(
        request, "development/door_activities.html", {"activities": selectors.door_activities()}
    )


@staff_view(DOOR_PERMISSION)
def door(request, pk: int):
    """Search, tap, next: the matches for the search, each with three buttons."""
    activity = get_object_or_404(Activity, pk=pk)
    form = DoorSearchForm(request.GET or None)
    term = form.cleaned_data["q"] if form.is_valid() else ""
    matches = selectors.door_matches(activity, term) if term else []
    for match in matches:
        match.nik_shown = masking.nik_for(request.user, match.owner.nik)
    # Claims from the public page waiting for this activity: confirmed here, KTP in hand.
    pending = selectors.door_pending(activity, term) if term else []
    for claim in pending:
        claim.nik_shown = masking.nik_for(request.user, claim.nik)
    return render(
        request,
        "development/door.html",
        {
            "activity": activity,
            "form": form,
            "term": term,
            "searched": bool(term),
            "matches": matches,
            "pending": pending,
            "can_decide": request.user.has_perm("development.decide_pendingregistration"),
            "counts": selectors.attendance_counts(activity),
            "choices": Attendance.choices,
        },
    )


@require_POST
@staff_view(DOOR_PERMISSION)
def door_record(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    owner = get_object_or_404(Owner, pk=request.POST.get("owner"))
    attendance = request.POST.get("attendance", "")
    if attendance not in Attendance.values:
        raise Http404
    try:
        services.attendance_take(
            activity=activity, owner=owner, attendance=attendance, by=request.user
        )
    except ValidationError as refused:
        # E.g. "Hadir" before the activity's day: said on the page, nothing recorded.
        messages.error(request, " ".join(refused.messages))
        return redirect(reverse("development:door", args=[activity.pk]))
    messages.success(
        request,
        _("%(name)s: %(attendance)s.")
        % {"name": owner.full_name, "attendance": Attendance(attendance).label},
    )
    return redirect(reverse("development:door", args=[activity.pk]))


@staff_view(DOOR_PERMISSION)
def attendance_import(request, pk: int):
    activity = get_object_or_404(Activity, pk=pk)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.attendance_import(
                activity=activity, file=form.cleaned_data["upload"], by=request.user
            )
        except ListRefused as refused:
            form.add_error("upload", refused.messages)
    return render(
        request,
        "development/attendance_import.html",
        {"activity": activity, "form": form, "outcome": outcome},
    )


def _timeline_context(request, pk: int):
    business = get_object_or_404(Business.objects.select_related("owner", "kecamatan"), pk=pk)
    with_grants = request.user.has_perm("aid.view_statuschange")
    entries = selectors.business_timeline(business, with_grants=with_grants)
    for entry in entries:
        # Notes are free text: a number quoted in one (a NIK, an account) is masked too.
        entry.detail = masking.text_for(request.user, entry.detail)
    return business, entries


@staff_view(TIMELINE_PERMISSION)
def timeline(request, pk: int):
    business, entries = _timeline_context(request, pk)
    return render(
        request,
        "development/timeline.html",
        {
            **admin_site.each_context(request),
            "title": _("Linimasa usaha: %(name)s") % {"name": business.name},
            "business": business,
            "nik": masking.nik_for(request.user, business.owner.nik),
            "entries": entries,
            "formats": list(content_types.BY_EXTENSION),
        },
    )


@staff_view(TIMELINE_PERMISSION)
def timeline_download(request, pk: int, fmt: str):
    if fmt not in content_types.BY_EXTENSION:
        raise Http404
    business, entries = _timeline_context(request, pk)
    full = masking.can_view_full_identity(request.user)
    data = tablib.Dataset(
        headers=[_("Tanggal"), _("Jenis"), _("Peristiwa"), _("Keterangan")],
        title=_("Linimasa")[:31],
    )
    for entry in entries:
        data.append(
            [safe_cell(v) for v in (entry.day, entry.kind_label, entry.title, entry.detail)]
        )
    meta = tablib.Dataset(headers=[_("Data"), _("Isi")], title=_("Usaha")[:31])
    meta.append([_("Usaha"), safe_cell(business.name)])
    meta.append([_("Pemilik"), safe_cell(business.owner.full_name)])
    meta.append([_("NIK"), masking.nik_for(request.user, business.owner.nik)])
    meta.append([_("NIB"), business.nib])
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        subject="development.timeline",
        object_id=business.pk,
        rows=len(entries),
        full_identity=full,
    )
    if fmt == "csv":
        # The owner's lines first, then the timeline; a BOM so Excel reads UTF-8.
        body = "\ufeff" + meta.export("csv") + "\r\n" + data.export("csv")
    else:
        body = tablib.Databook([data, meta]).export("xlsx")
    response = HttpResponse(body, content_type=content_types.BY_EXTENSION[fmt])
    name = f"linimasa-usaha-{business.pk}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view("development.view_participant")
def attendance_sheet(request, pk: int):
    """The activity's daftar hadir to print and sign, for the SPJ (XLSX); the download of
    participants' names is recorded in the access log."""
    activity = get_object_or_404(Activity, pk=pk)
    content = spj.attendance_sheet_xlsx(activity)
    access_log_record(
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        subject="development.activity.attendance_sheet",
        object_id=activity.pk,
        rows=activity.participants.count(),
    )
    response = HttpResponse(content, content_type=content_types.XLSX)
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{activity.pk}.xlsx"'
    return response


YEARLY_REPORT_PERMISSION = "development.view_yearlytarget"


@staff_view(YEARLY_REPORT_PERMISSION)
def yearly_report(request, year: int):
    """The year's targets and figures (by activity kind, kecamatan and sex) as one XLSX, a
    sheet per table, for the annual performance report (LKjIP / IKU). Aggregates only, no
    personal data (like the dashboard's downloads, not written to the access log)."""
    if not 2000 <= year <= 2100:
        raise Http404
    sheets = []
    for table in tables.year_tables(year):
        sheet = table.dataset()
        # The sheet is named as the table is headed (without the year, which the file's name
        # has), not by its key; Excel allows 31 characters, none of them []:*?/ or backslash.
        heading = re.sub(r"\s*\d{4}$", "", str(table.title))
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", heading)[:31].strip()
        sheets.append(sheet)
    book = tablib.Databook(sheets)
    response = HttpResponse(book.export("xlsx"), content_type=content_types.XLSX)
    name = f"capaian-pembinaan-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_view("development.view_participant")
def participants_download(request, pk: int):
    """The activity's participants (XLSX): NIK and phone in full only for a role that may
    export identities; the export is recorded in the access log."""
    activity = get_object_or_404(Activity, pk=pk)
    full = masking.can_export_full_identity(request.user)
    content, rows = spj.participants_xlsx(activity, full_identity=full)
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        subject="development.activity.participants",
        object_id=activity.pk,
        rows=rows,
        full_identity=full,
    )
    response = HttpResponse(content, content_type=content_types.XLSX)
    response["Content-Disposition"] = f'attachment; filename="peserta-kegiatan-{activity.pk}.xlsx"'
    return response


REPORT_PERMISSION = "development.view_activityreport"
REPORT_CHANGE_PERMISSIONS = (
    "development.add_activityreport",
    "development.change_activityreport",
    "development.add_activityphoto",
    "development.change_participant",
)


def _scores_posted(request, participants) -> dict[int, tuple[str, str]]:
    return {
        p.pk: (
            request.POST.get(f"pre-{p.pk}", "").strip(),
            request.POST.get(f"post-{p.pk}", "").strip(),
        )
        for p in participants
    }


@staff_view(REPORT_PERMISSION)
def activity_report(request, pk: int):
    """The activity's report for the SPJ: the summary, photos and each participant's pre/post
    test scores (with the averages), and the report's download."""
    activity = get_object_or_404(Activity, pk=pk)
    report = ActivityReport.objects.filter(activity=activity).first()
    can_change = all(request.user.has_perm(p) for p in REPORT_CHANGE_PERMISSIONS)
    participants = list(
        activity.participants.select_related("owner", "business", "scores_by").order_by(
            "owner__full_name", "pk"
        )
    )
    summary_form = ActivitySummaryForm(initial={"summary": report.summary if report else ""})
    photo_form = ActivityPhotoForm()
    score_errors: dict[str, list[str]] = {}
    posted_scores: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        part = request.POST.get("part")
        try:
            if part == "summary":
                summary_form = ActivitySummaryForm(request.POST)
                if summary_form.is_valid():
                    services.activity_report_save(
                        activity=activity,
                        summary=summary_form.cleaned_data["summary"],
                        by=request.user,
                    )
                    messages.success(request, _("Ringkasan kegiatan disimpan."))
                    return redirect(request.path)
            elif part == "photo":
                photo_form = ActivityPhotoForm(request.POST, request.FILES)
                if photo_form.is_valid():
                    services.activity_photo_add(
                        activity=activity,
                        file=photo_form.cleaned_data["photo"],
                        caption=photo_form.cleaned_data["caption"],
                        by=request.user,
                    )
                    messages.success(request, _("Foto disimpan."))
                    return redirect(request.path)
            elif part == "scores":
                posted_scores = _scores_posted(request, participants)
                changed = services.participant_scores_record(
                    activity=activity, scores=posted_scores, by=request.user
                )
                messages.success(
                    request, _("Nilai %(count)d peserta disimpan.") % {"count": changed}
                )
                return redirect(request.path)
        except ValidationError as refused:
            if part == "scores":
                score_errors = refused.message_dict
            elif part == "photo":
                photo_form.add_error("photo", refused.message_dict.get("photo", refused.messages))
            else:
                summary_form.add_error(None, refused.messages)
    for participant in participants:
        pre, post = posted_scores.get(
            participant.pk, (participant.pre_test_score, participant.post_test_score)
        )
        participant.pre_shown = "" if pre is None else pre
        participant.post_shown = "" if post is None else post
        participant.score_errors = score_errors.get(str(participant.pk), [])
    return render(
        request,
        "development/activity_report.html",
        {
            **admin_site.each_context(request),
            "title": _("Laporan kegiatan: %(topic)s") % {"topic": activity.topic},
            "activity": activity,
            "facts": spj.activity_facts(activity),
            "report": report,
            "figures": spj.score_summary(activity),
            "participants": participants,
            "photos": activity.photos.all(),
            "summary_form": summary_form,
            "photo_form": photo_form,
            "score_errors": bool(score_errors),
            "can_change": can_change,
        },
    )


@staff_view(REPORT_PERMISSION)
def activity_report_download(request, pk: int):
    """The report as an XLSX to print and file (participants' names, no NIK): logged."""
    activity = get_object_or_404(Activity.objects.select_related("report"), pk=pk)
    content = spj.activity_report_xlsx(activity)
    access_log_record(
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        subject="development.activity.report",
        object_id=activity.pk,
        rows=activity.participants.count(),
    )
    response = HttpResponse(content, content_type=content_types.XLSX)
    response["Content-Disposition"] = f'attachment; filename="laporan-kegiatan-{activity.pk}.xlsx"'
    return response


@staff_view("development.view_activityphoto")
def activity_photo(request, pk: int, photo_pk: int):
    """One photo of the activity, from private storage (never a public URL). The people in
    it are personal data: each view is recorded in the access log, like the kept files
    (privacy.admin.file_response) and the participants' export."""
    photo = get_object_or_404(ActivityPhoto, pk=photo_pk, activity_id=pk)
    access_log_record(
        user=request.user,
        action=AccessLog.Action.DOWNLOAD,
        subject="development.activityphoto",
        object_id=photo.pk,
        detail=photo.file.name,
    )
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = f'inline; filename="{photo.file.name.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
