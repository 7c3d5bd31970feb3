"""The long steps of a round as background jobs (see jobs/): thin functions that call
aid.services, registered with jobs.kinds in AidConfig.ready.

Each function gets the job row and its :class:`jobs.services.Progress`, does the work
through the services (the business rules stay there) and returns what the progress page
shows at the end. Keys name the target, so a second click finds the running job.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from aid import money
from jobs import services as job_services
from jobs.kinds import register
from jobs.services import JobFailed

CHECK = "aid.check"
MERGE = "aid.merge"
SUBMISSION = "aid.submission"
DECISION_FILE = "aid.decision_file"
BANK_REPORT = "aid.bank_report"
VERIFY = "aid.verify"
REJECT = "aid.reject"
OUTCOME_XLSX = "aid.outcome_xlsx"
RETRANSFER = "aid.retransfer"


def check_key(proposal_list_id: int) -> str:
    return f"check:list:{proposal_list_id}"


def merge_key(proposal_list_id: int) -> str:
    return f"merge:list:{proposal_list_id}"


def submission_key(program_id: int) -> str:
    return f"submission:program:{program_id}"


def retransfer_key(program_id: int) -> str:
    return f"retransfer:program:{program_id}"


def imported_file_key(record) -> str:
    return f"{record._meta.model_name}:{record.pk}"


def outcome_key(proposal_list_id: int, fmt: str = "xlsx") -> str:
    suffix = "" if fmt == "xlsx" else f":{fmt}"
    return f"outcome:list:{proposal_list_id}{suffix}"


def bulk_key(kind: str, ids: list[int]) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:24]
    return f"{kind}:{digest}"


# --- check of an uploaded list --------------------------------------------------------------


def check(job, progress) -> dict:
    """Check and stage the list (aid.tasks.check_list), its phase and rows read shown as the
    job's. The list keeps its own import status; a retried or requeued job first puts a
    failed or orphaned list back in the queue."""
    from aid import services, tasks
    from aid.models import ImportStatus, ProposalList

    proposal_list = ProposalList.objects.get(pk=job.params["proposal_list_id"])
    if proposal_list.import_status == ImportStatus.FAILED or (
        proposal_list.import_status == ImportStatus.PROCESSING and job.attempt > 1
    ):
        services.proposal_list_requeue(
            proposal_list=proposal_list, by=job.started_by, orphaned=True, enqueue=False
        )

    def mirrored(checked) -> None:
        if checked.import_phase and checked.import_phase != progress.job.phase:
            progress.phase(checked.import_phase, total=checked.rows_total, done=checked.rows_read)
        else:
            progress.update(checked.rows_read, max(checked.rows_total, checked.rows_read))

    tasks.check_list(proposal_list.pk, on_progress=mirrored)
    proposal_list.refresh_from_db()
    if proposal_list.import_status == ImportStatus.FAILED:
        raise JobFailed(proposal_list.import_error)
    if proposal_list.import_status == ImportStatus.REFUSED:
        progress.message = proposal_list.import_error
    else:
        counts = proposal_list.counts or {}
        rejected = counts.get("rejected") or 0
        if isinstance(rejected, dict):
            rejected = sum(rejected.values())
        progress.update(proposal_list.rows_read, proposal_list.rows_read)
        progress.message = _(
            "%(rows)s baris diperiksa: %(accepted)s diterima, %(rejected)s ditolak."
        ) % {
            "rows": money.thousands(proposal_list.rows_read),
            "accepted": money.thousands(counts.get("accepted", 0)),
            "rejected": money.thousands(rejected),
        }
    return {
        "proposal_list_id": proposal_list.pk,
        "status": proposal_list.import_status,
        "rows": proposal_list.rows_read,
    }


def check_links(job) -> list:
    pk = job.params["proposal_list_id"]
    return [(_("Tinjau hasil pemeriksaan"), reverse("admin:aid_proposallist_import", args=[pk]))]


# --- merge ----------------------------------------------------------------------------------


def merge(job, progress) -> dict:
    from aid import services
    from aid.models import ProposalList

    proposal_list = ProposalList.objects.select_related("program").get(
        pk=job.params["proposal_list_id"]
    )
    total = (proposal_list.counts or {}).get("accepted", 0)
    progress.phase("merging", total=total)
    try:
        created = services.proposal_list_confirm(
            proposal_list=proposal_list,
            by=job.started_by,
            on_progress=lambda merged: progress.update(merged, max(total, merged)),
        )
    except IntegrityError as exc:
        # The merge commits in batches: what committed stays, the list stays "merging" (its
        # applications cannot be verified yet), and "Coba lagi" goes on after the last batch.
        raise JobFailed(
            _(
                "Penggabungan berhenti karena data berubah bersamaan (misalnya pemilik yang "
                "sama baru saja diusulkan). Bagian yang sudah tergabung tetap tersimpan; tekan "
                "Coba lagi untuk melanjutkan dari bagian berikutnya."
            )
        ) from exc
    progress.update(created, created)
    progress.message = ngettext(
        "%(n)s permohonan dibuat dari daftar ini.",
        "%(n)s permohonan dibuat dari daftar ini.",
        created,
    ) % {"n": money.thousands(created)}
    return {"merged": created, "proposal_list_id": proposal_list.pk}


def merge_links(job) -> list:
    pk = job.params["proposal_list_id"]
    return [
        (_("Halaman impor daftar ini"), reverse("admin:aid_proposallist_import", args=[pk])),
        (
            _("Lihat permohonan dari daftar ini"),
            reverse("admin:aid_application_changelist") + f"?proposal_list__id__exact={pk}",
        ),
    ]


# --- submission to the ministry -------------------------------------------------------------


def submission(job, progress) -> dict:
    from aid import services
    from aid.models import Program, ProposalList

    params = job.params
    program = Program.objects.get(pk=params["program_id"])
    proposal_list = (
        ProposalList.objects.get(pk=params["proposal_list_id"])
        if params.get("proposal_list_id")
        else None
    )
    progress.phase("submitting")
    batch = services.submission_create(
        program=program,
        proposal_list=proposal_list,
        file_format=params["file_format"],
        by=job.started_by,
        on_progress=progress.update,
    )
    progress.update(batch.rows, batch.rows)
    message = _("%(n)s permohonan diajukan ke Kementerian (%(batch)s).") % {
        "n": money.thousands(batch.rows),
        "batch": batch,
    }
    if batch.held_back:
        message += " " + _(
            "%(n)s permohonan terverifikasi tidak diajukan karena ada kemungkinan data ganda "
            "yang belum diputuskan."
        ) % {"n": money.thousands(batch.held_back)}
    progress.message = message
    return {"batch_id": batch.pk, "rows": batch.rows, "held_back": batch.held_back}


def submission_links(job) -> list:
    batch_id = job.result.get("batch_id")
    links = [
        (_("Unduh berkas pengajuan"), reverse("admin:aid_submissionbatch_file", args=[batch_id])),
        (_("Daftar pengajuan"), reverse("admin:aid_submissionbatch_changelist")),
    ]
    if job.result.get("held_back"):
        links.append(
            (
                _("Buka antrian kemungkinan data ganda"),
                reverse("admin:aid_possibleduplicate_changelist"),
            )
        )
    return links


# --- re-transfer export for the bank ------------------------------------------------------


def retransfer(job, progress) -> dict:
    from aid import services
    from aid.models import Program

    params = job.params
    progress.phase("exporting")
    batch = services.retransfer_create(
        program=Program.objects.get(pk=params["program_id"]),
        file_format=params["file_format"],
        include_repeats=params.get("include_repeats", False),
        by=job.started_by,
        on_progress=progress.update,
    )
    message = _("%(n)s transfer gagal diekspor untuk dikirim ulang (%(batch)s).") % {
        "n": money.thousands(batch.rows),
        "batch": batch,
    }
    if batch.repeated:
        message += " " + _("%(n)s di antaranya sudah pernah diekspor ke rekening yang sama.") % {
            "n": money.thousands(batch.repeated)
        }
    progress.message = message
    return {"batch_id": batch.pk, "rows": batch.rows, "repeated": batch.repeated}


def retransfer_links(job) -> list:
    batch_id = job.result.get("batch_id")
    return [
        (_("Unduh berkas untuk bank"), reverse("admin:aid_retransferbatch_file", args=[batch_id])),
        (_("Daftar kiriman ulang"), reverse("admin:aid_retransferbatch_changelist")),
    ]


# --- decision file and bank report ----------------------------------------------------------


def _imported_file(model, process):
    def run(job, progress) -> dict:
        record = model.objects.select_related("program", "uploaded_by").get(
            pk=job.params["record_id"]
        )
        progress.phase("applying")
        process(record, progress.update)
        record.refresh_from_db()
        if record.state == record.State.FAILED:
            raise JobFailed(record.error)
        # The page ends where the run's numbers went: a decision file's count the
        # applications approved and then the submitted ones not listed, rejected.
        total = max(progress.job.total, record.rows)
        progress.update(total, total)
        progress.message = _(
            "%(rows)s baris: %(applied)s diterapkan, %(unchanged)s tidak berubah, "
            "%(refused)s bermasalah."
        ) % {
            "rows": money.thousands(record.rows),
            "applied": money.thousands(record.applied),
            "unchanged": money.thousands(record.unchanged),
            "refused": money.thousands(record.refused),
        }
        not_approved = getattr(record, "not_approved", 0)
        if not_approved:
            progress.message += " " + ngettext(
                "%(n)s permohonan diajukan yang tidak tercantum ditolak.",
                "%(n)s permohonan diajukan yang tidak tercantum ditolak.",
                not_approved,
            ) % {"n": money.thousands(not_approved)}
        return {
            "record_id": record.pk,
            "rows": record.rows,
            "applied": record.applied,
            "unchanged": record.unchanged,
            "refused": record.refused,
        }

    return run


def _imported_file_links(model):
    def links(job) -> list:
        name = model._meta.model_name
        return [
            (
                _("Hasil per baris (%(what)s #%(id)s)")
                % {"what": model._meta.verbose_name, "id": job.params["record_id"]},
                reverse(f"admin:aid_{name}_change", args=[job.params["record_id"]]),
            )
        ]

    return links


# --- bulk verify / reject -------------------------------------------------------------------


def _bulk(job, progress, apply) -> dict:
    from aid.models import Application

    ids = job.params["ids"]
    progress.phase("moving", total=len(ids))
    moved, held, refused = 0, 0, {}
    # Slices of ids within every database's limit on query parameters (a selection of 68,000
    # is one IN list otherwise); the service batches its writes inside each slice.
    step = 2000
    for start in range(0, len(ids), step):
        result = apply(Application.objects.filter(pk__in=ids[start : start + step]))
        moved += result.moved
        held += len(result.held)
        for pk, reason in result.refused.items():
            if pk not in result.held and len(refused) < 20:
                refused[str(pk)] = reason
        progress.update(min(start + step, len(ids)))
    progress.message = _(
        "%(moved)s permohonan dipindahkan, %(held)s ditahan karena kemungkinan data ganda "
        "atau data berbeda dengan registry yang belum diputuskan, %(refused)s ditolak."
    ) % {
        "moved": money.thousands(moved),
        "held": money.thousands(held),
        "refused": money.thousands(len(ids) - moved - held),
    }
    return {"moved": moved, "held": held, "refused": refused}


def verify(job, progress) -> dict:
    from aid import services

    return _bulk(
        job,
        progress,
        lambda qs: services.applications_verify(
            applications=qs, by=job.started_by, source="admin: verifikasi"
        ),
    )


def reject(job, progress) -> dict:
    from aid import services

    params = job.params
    return _bulk(
        job,
        progress,
        lambda qs: services.applications_reject(
            applications=qs,
            by=job.started_by,
            reason_code=params["reason_code"],
            note=params.get("note", ""),
            source="admin: verifikasi",
        ),
    )


def bulk_links(job) -> list:
    links = [(_("Daftar permohonan"), reverse("admin:aid_application_changelist"))]
    if job.result.get("held"):
        links.append(
            (
                _("Buka antrian kemungkinan data ganda"),
                reverse("admin:aid_possibleduplicate_changelist"),
            )
        )
    return links


# --- outcome workbook of a big list ---------------------------------------------------------


# Raised when the outcome file's layout changes (2: the "Ringkasan" sheet), so that a file
# kept from before is written again.
OUTCOME_LAYOUT = 2


def outcome_fingerprint(proposal_list) -> str:
    """What the outcome file of ``proposal_list`` depends on: its status, counts, last check
    or merge, and the proposers' last correction of a row. A kept file whose fingerprint
    differs is written again."""
    from aid.models import ImportRowCorrection

    last_correction = ImportRowCorrection.objects.filter(
        row__proposal_list=proposal_list
    ).aggregate(last=Max("pk"))["last"]
    parts = [
        str(OUTCOME_LAYOUT),
        proposal_list.import_status,
        json.dumps(proposal_list.counts or {}, sort_keys=True),
        str(proposal_list.import_updated_at),
        str(proposal_list.merged_at),
        str(proposal_list.rows_total),
        str(last_correction),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


OUTCOME_FORMATS = ("xlsx", "zip")


def kept_outcome(proposal_list, fmt: str = "xlsx"):
    """The storage name of the kept outcome file of ``proposal_list`` in ``fmt`` (the
    workbook, or the ZIP of one workbook per kelurahan) if it is still current, else None."""
    from jobs.models import Job

    job = (
        Job.objects.filter(key=outcome_key(proposal_list.pk, fmt), state=Job.State.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if job is None or job.result.get("fingerprint") != outcome_fingerprint(proposal_list):
        return None
    name = job.result.get("file")
    return name if name and default_storage.exists(name) else None


def outcome_is_big(proposal_list) -> bool:
    """Whether the outcome files of ``proposal_list`` are written by a job (and kept) rather
    than in the request: past ``JOBS_OUTCOME_MIN_ROWS`` rows writing them takes seconds."""
    return (proposal_list.counts or {}).get("rows", 0) > settings.JOBS_OUTCOME_MIN_ROWS


def outcome_file(proposal_list, fmt: str, *, by):
    """The outcome file of a big list in ``fmt``, for staff and proposers alike:
    ``(name, None)`` when a current one is kept, else ``(None, job)`` with the job that writes
    it (queued now, or the one already queued)."""
    kept = kept_outcome(proposal_list, fmt)
    if kept is not None:
        return kept, None
    job, _created = job_services.start(
        kind=OUTCOME_XLSX,
        key=outcome_key(proposal_list.pk, fmt),
        params={"proposal_list_id": proposal_list.pk, "fmt": fmt},
        by=by,
        total=(proposal_list.counts or {}).get("rows", 0),
        subject=str(proposal_list),
    )
    kept = kept_outcome(proposal_list, fmt)  # the immediate backend has already written it
    return (kept, None) if kept is not None else (None, job)


def outcome_being_written(proposal_list) -> list:
    """The jobs writing an outcome file of ``proposal_list`` now (queued or running)."""
    from jobs.models import Job

    keys = [outcome_key(proposal_list.pk, fmt) for fmt in OUTCOME_FORMATS]
    return list(Job.objects.filter(key__in=keys, state__in=Job.LIVE))


def outcome_xlsx(job, progress) -> dict:
    from aid.importing import review
    from aid.models import ProposalList

    proposal_list = ProposalList.objects.get(pk=job.params["proposal_list_id"])
    fmt = job.params.get("fmt", "xlsx")
    fingerprint = outcome_fingerprint(proposal_list)
    progress.phase("writing", total=(proposal_list.counts or {}).get("rows", 0))
    if fmt == "zip":
        written = review.outcome_zip_by_kelurahan(proposal_list, on_row=progress.advance)
        suffix = "-per-kelurahan.zip"
    else:
        written = review.outcome_xlsx(proposal_list, on_row=progress.advance)
        suffix = ".xlsx"
    with written as out:
        name = default_storage.save(
            f"outcomes/hasil-pemeriksaan-daftar-{proposal_list.pk}-{fingerprint[:12]}{suffix}",
            File(out),
        )
    progress.update(progress.job.total)
    progress.message = _("Berkas hasil pemeriksaan siap diunduh.")
    return {
        "file": name,
        "fingerprint": fingerprint,
        "proposal_list_id": proposal_list.pk,
        "fmt": fmt,
    }


def outcome_links(job) -> list:
    pk = job.params["proposal_list_id"]
    fmt = job.params.get("fmt", "xlsx")
    label = _("Unduh hasil pemeriksaan (ZIP per kelurahan)") if fmt == "zip" else None
    return [
        (
            label or _("Unduh hasil pemeriksaan (Excel)"),
            reverse("admin:aid_proposallist_outcome", args=[pk, fmt]),
        ),
        (_("Halaman impor daftar ini"), reverse("admin:aid_proposallist_import", args=[pk])),
    ]


def register_all() -> None:
    from aid import services
    from aid.models import BankReport, DecisionFile, ImportPhase

    register(
        CHECK,
        run=check,
        label=_lazy("Pemeriksaan daftar usulan"),
        phases=dict(ImportPhase.choices),
        links=check_links,
        permission="aid.view_proposallist",
    )
    register(
        MERGE,
        run=merge,
        label=_lazy("Penggabungan daftar usulan"),
        phases={"merging": _lazy("Menggabungkan baris yang diterima ke registri")},
        links=merge_links,
        permission="aid.merge_proposallist",
    )
    register(
        SUBMISSION,
        run=submission,
        label=_lazy("Pengajuan ke Kementerian"),
        phases={"submitting": _lazy("Mengajukan permohonan dan menulis berkas")},
        links=submission_links,
        permission="aid.submit_application",
    )
    register(
        RETRANSFER,
        run=retransfer,
        label=_lazy("Ekspor kiriman ulang ke bank"),
        phases={"exporting": _lazy("Mencatat permohonan dan menulis berkas")},
        links=retransfer_links,
        permission="aid.add_retransferbatch",
    )
    register(
        DECISION_FILE,
        run=_imported_file(
            DecisionFile,
            lambda record, on_progress=None: services.decision_file_process(
                decision_file=record, on_progress=on_progress
            ),
        ),
        label=_lazy("Penerapan berkas keputusan Kementerian"),
        phases={"applying": _lazy("Menerapkan baris berkas")},
        links=_imported_file_links(DecisionFile),
        permission="aid.record_decision",
    )
    register(
        BANK_REPORT,
        run=_imported_file(
            BankReport,
            lambda record, on_progress=None: services.bank_report_process(
                bank_report=record, on_progress=on_progress
            ),
        ),
        label=_lazy("Penerapan laporan bank"),
        phases={"applying": _lazy("Menerapkan baris berkas")},
        links=_imported_file_links(BankReport),
        permission="aid.reconcile_disbursement",
    )
    register(
        VERIFY,
        run=verify,
        label=_lazy("Verifikasi permohonan massal"),
        phases={"moving": _lazy("Memverifikasi permohonan")},
        links=bulk_links,
        permission="aid.verify_application",
    )
    register(
        REJECT,
        run=reject,
        label=_lazy("Penolakan permohonan massal"),
        phases={"moving": _lazy("Menolak permohonan")},
        links=bulk_links,
        permission="aid.verify_application",
    )
    register(
        OUTCOME_XLSX,
        run=outcome_xlsx,
        label=_lazy("Berkas hasil pemeriksaan"),
        phases={"writing": _lazy("Menulis berkas hasil pemeriksaan")},
        links=outcome_links,
        permission="aid.view_proposallist",
    )
