"""Set-based fake applications for the benchmark, in a realistic mix of statuses.

Owners, businesses and applications are inserted with ``bulk_create`` in batches; statuses
then move through :func:`aid.transitions.move_many` so each move has its history record.
Transfers are written in bulk too (with the snapshot of an account), bypassing the per-row
``disbursement_record``: this is generated test data, not a bank report. Fake owners carry no
simple-history rows.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from aid import services, transitions
from aid.models import Application, Disbursement, Program, Reason, Status
from registry import fakes, identifiers
from registry.models import Business, Owner, Region

BATCH = 5000
SOURCE = "bench_status_page"


def ensure_applications(target: int) -> int:
    """Add fake owners with one application each until the database holds ``target``
    applications in all. Returns how many were added."""
    missing = target - Application.objects.count()
    if missing <= 0:
        return 0
    program = services.program_ensure_bpum_2020()
    kelurahan = list(
        Region.objects.filter(level=Region.Level.KELURAHAN).values_list("pk", flat=True)
    )
    rng = random.Random(f"bench-{Owner.objects.count()}")
    fake = Faker("id_ID")
    fake.seed_instance(rng.random())
    added = 0
    while added < missing:
        with transaction.atomic():
            added += _batch(program, min(BATCH, missing - added), rng, fake, kelurahan)
    return added


def _new_niks(rng: random.Random, count: int) -> list[str]:
    wanted: set[str] = set()
    while len(wanted) < count:
        wanted.update(fakes.nik(rng, serial=rng.randint(1, 9999)) for _ in range(count))
    candidates = list(wanted)[: count * 2]
    existing = set()
    for start in range(0, len(candidates), 900):  # SQLite's bound-variable limit
        chunk = candidates[start : start + 900]
        existing.update(Owner.objects.filter(nik__in=chunk).values_list("nik", flat=True))
    return [nik for nik in candidates if nik not in existing][:count]


def _batch(program, size, rng, fake, kelurahan) -> int:
    owners = []
    for nik in _new_niks(rng, size):
        facts = identifiers.nik_facts(nik)
        owners.append(
            Owner(
                nik=nik,
                full_name=fake.name(),
                sex=facts.sex,
                birth_date=facts.birth_date,
                phone="+62" + fakes.mobile(rng)[1:],
                ktp_address=fake.street_address(),
                kelurahan_id=rng.choice(kelurahan) if kelurahan else None,
            )
        )
    Owner.objects.bulk_create(owners, batch_size=1000)
    businesses = Business.objects.bulk_create(
        [
            Business(owner=o, name=f"Usaha {o.full_name.split()[0]}", sector="Kuliner")
            for o in owners
        ],
        batch_size=1000,
    )
    proposed_at = timezone.now() - datetime.timedelta(days=rng.randint(30, 400))
    applications = Application.objects.bulk_create(
        [
            Application(owner_id=b.owner_id, business=b, program=program, proposed_at=proposed_at)
            for b in businesses
        ],
        batch_size=1000,
    )
    transitions.record_proposed(applications, by=None, source=SOURCE)
    _walk([a.pk for a in applications], program, rng, proposed_at)
    return len(applications)


def _share(ids: list[int], fraction: float) -> list[int]:
    return ids[: int(len(ids) * fraction)]


def _move(ids: list[int], status: str, at, **kwargs) -> None:
    for start in range(0, len(ids), 900):
        transitions.move_many(
            Application.objects.filter(pk__in=ids[start : start + 900]),
            status,
            by=None,
            source=SOURCE,
            at=at,
            **kwargs,
        )


def _walk(ids: list[int], program: Program, rng: random.Random, start) -> None:
    """About 10% rejected, 60% verified, 30% submitted, 21% approved, 15% transferred,
    7% withdrawn: roughly the shape of a BPUM year."""
    rng.shuffle(ids)
    rejected, rest = _share(ids, 0.1), ids[int(len(ids) * 0.1) :]
    day = datetime.timedelta(days=1)
    _move(rejected, Status.REJECTED, start + 3 * day, reason_code=Reason.INCOMPLETE)
    verified = _share(rest, 0.66)
    _move(verified, Status.VERIFIED, start + 5 * day)
    submitted = _share(verified, 0.5)
    _move(submitted, Status.SUBMITTED, start + 9 * day)
    approved = _share(submitted, 0.7)
    _move(approved, Status.APPROVED, start + 20 * day)
    transferred = _share(approved, 0.7)
    paid_at = start + 30 * day
    Disbursement.objects.bulk_create(
        [
            Disbursement(
                application_id=pk,
                amount=program.amount,
                bank_code="002",
                account_number=fakes.account_number(rng, "002"),
                holder_name="-",
                transferred_at=paid_at,
                bank_reference=f"BENCH-{pk}",
                outcome=Disbursement.Outcome.SUCCESS,
                source=SOURCE,
            )
            for pk in transferred
        ],
        batch_size=1000,
    )
    _move(transferred, Status.TRANSFERRED, paid_at)
    withdrawn = _share(transferred, 0.5)
    _move(withdrawn, Status.WITHDRAWN, paid_at + 7 * day)
    for start_at in range(0, len(withdrawn), 900):
        Disbursement.objects.filter(application_id__in=withdrawn[start_at : start_at + 900]).update(
            withdrawn_at=paid_at + 7 * day
        )
