"""The activity's report for the SPJ the finance office files: a summary, photos (uploads
through the portal's guards, kept in private storage) and each participant's pre- and
post-test scores."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aid.importing.guards import MB, PNG, check_uploaded_photo
from development.models import Activity, ActivityPhoto, ActivityReport, Participant

MAX_SCORE = 100


@transaction.atomic
def activity_report_save(*, activity: Activity, summary: str, by=None) -> ActivityReport:
    """Write (or rewrite) the activity's summary; the history keeps the earlier ones."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(
            {"summary": _("Tulis ringkasan kegiatan: apa yang dilakukan dan hasilnya.")}
        )
    report = ActivityReport.objects.select_for_update().filter(activity=activity).first()
    report = report or ActivityReport(activity=activity)
    report.summary, report.updated_by, report.updated_at = summary, by, timezone.now()
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def activity_photo_add(*, activity: Activity, file, caption: str = "", by=None) -> ActivityPhoto:
    """Keep one photo of the activity: at most ``ACTIVITY_PHOTO_MAX_MB``, a JPEG or PNG by
    its content; stored under a name of our own (never the uploaded one) in private storage,
    0600. Refused with a ValidationError on ``photo`` otherwise, keeping nothing."""
    try:
        content_type = check_uploaded_photo(file, max_bytes=settings.ACTIVITY_PHOTO_MAX_MB * MB)
    except ValidationError as refused:
        raise ValidationError({"photo": refused.messages}) from refused
    photo = ActivityPhoto(
        activity=activity,
        content_type=content_type,
        caption=" ".join((caption or "").split())[:200],
        uploaded_by=by,
    )
    extension = ".png" if content_type == PNG else ".jpg"
    name = f"kegiatan-{activity.pk}-{timezone.now():%Y%m%d%H%M%S}-{os.urandom(4).hex()}"
    photo.file.save(name + extension, file, save=False)
    photo.save()
    return photo


def _score(value, *, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        score = int(str(value).strip())
    except ValueError:
        score = -1
    if not 0 <= score <= MAX_SCORE:
        raise ValidationError(
            _("Nilai %(name)s harus angka bulat 0 sampai 100 (tertulis: %(value)s).")
            % {"name": name, "value": value}
        )
    return score


@transaction.atomic
def participant_scores_record(*, activity: Activity, scores: dict[int, tuple], by=None) -> int:
    """Record pre- and post-test scores, ``{participant id: (pre, post)}`` (blank: none),
    0-100. Every score is checked first: one wrong score refuses them all (keyed by the
    participant id), so nothing is half-written. A participant whose scores change records
    ``by`` and the time (``scores_by``, ``scores_at``: the last to enter them). Returns the
    number of participants changed."""
    participants = {
        p.pk: p for p in Participant.objects.filter(activity=activity, pk__in=list(scores))
    }
    errors, changed, now = {}, [], timezone.now()
    for pk, (pre, post) in scores.items():
        participant = participants.get(pk)
        if participant is None:
            errors[str(pk)] = _("Peserta ini tidak terdaftar di kegiatan ini.")
            continue
        try:
            values = (_score(pre, name="pre-test"), _score(post, name="post-test"))
        except ValidationError as refused:
            errors[str(pk)] = refused.messages
            continue
        if values != (participant.pre_test_score, participant.post_test_score):
            participant.pre_test_score, participant.post_test_score = values
            participant.scores_by, participant.scores_at = by, now
            changed.append(participant)
    if errors:
        raise ValidationError(errors)
    Participant.objects.bulk_update(
        changed, ["pre_test_score", "post_test_score", "scores_by", "scores_at"]
    )
    return len(changed)
