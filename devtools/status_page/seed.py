"""Set-based fake applications for the benchmark, in a realistic mix of statuses.

Owners, businesses and applications are inserted with ``bulk_create`` in batches, with the
fake values, status paths and step dates of :mod:`aid.demo_rows` (seed_demo's mix, inside
BPUM 2020's period); statuses then move through :func:`aid.transitions.move_many` so each
move has its history record. Transfers are written in bulk too (with the snapshot of an
account), bypassing the per-row ``disbursement_record``: this is generated test data, not a
bank report. Fake owners carry no simple-history rows.
"""

from __future__ import annotations

import random
from collections import defaultdict

from django.db import transaction

from aid import demo_rows, transitions
from aid.models import Application, Disbursement, Reason, Status
from registry import fakes, identifiers
from registry.models import Business, Owner

BATCH = 5000
SOURCE = "bench_status_page"


def ensure_applications(target: int) -> int:
    """Add fake owners with one application each until the database holds ``target``
    applications in all. Returns how many were added."""
    missing = target - Application.objects.count()
    if missing <= 0:
        return 0
    program, period = demo_rows.bpum_2020()
    rng = random.Random(f"bench-{Owner.objects.count()}")
    pools = demo_rows.Pools.make(rng.random())
    kelurahan = demo_rows.kelurahan_pool()
    banks = demo_rows.bank_pool()
    added = 0
    while added < missing:
        with transaction.atomic():
            size = min(BATCH, missing - added)
            added += _batch(program, period, size, rng, pools, kelurahan, banks)
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


def _batch(program, period, size, rng, pools, kelurahan, banks) -> int:
    owners = []
    for nik in _new_niks(rng, size):
        facts = identifiers.nik_facts(nik)
        # The NIK was drawn apart, to be new in the database; its sex decides the name.
        row = demo_rows.owner_row(
            rng, pools, kelurahan=rng.choice(kelurahan) if kelurahan else None, sex=facts.sex
        )
        owners.append(Owner(**{**row, "nik": nik}, sex=facts.sex, birth_date=facts.birth_date))
    Owner.objects.bulk_create(owners, batch_size=1000)
    businesses = Business.objects.bulk_create(
        [
            Business(
                owner=o,
                kecamatan_id=o.kelurahan.parent_id if o.kelurahan else None,
                **demo_rows.business_row(rng, pools, owner_name=o.full_name, kelurahan=o.kelurahan),
            )
            for o in owners
        ],
        batch_size=1000,
    )
    proposed_at = demo_rows.office_hours(demo_rows.proposal_day(rng, period), rng)
    applications = Application.objects.bulk_create(
        [
            Application(owner_id=b.owner_id, business=b, program=program, proposed_at=proposed_at)
            for b in businesses
        ],
        batch_size=1000,
    )
    transitions.record_proposed(applications, by=None, source=SOURCE)
    holders = {o.pk: o.full_name for o in owners}
    by_final = defaultdict(list)
    for application, final in zip(
        applications, demo_rows.final_statuses(rng, len(applications)), strict=True
    ):
        by_final[final].append(application)
    for final, group in by_final.items():
        dates = demo_rows.step_dates(final, rng, period, proposed_at=proposed_at)
        _walk(group, final, dates, program, rng, banks, holders)
    return len(applications)


def _walk(applications, final, dates, program, rng, banks, holders) -> None:
    """Move ``applications`` (all ending in ``final``) along its path, a step at a time."""
    ids = [a.pk for a in applications]
    for status, at in list(dates.items())[1:]:
        if status in demo_rows.PAYING:
            Disbursement.objects.bulk_create(
                [
                    Disbursement(
                        application_id=a.pk,
                        **demo_rows.disbursement_row(
                            final=final,
                            dates=dates,
                            amount=program.amount,
                            account=demo_rows.account_row(
                                rng, banks, holder_name=holders[a.owner_id]
                            ),
                            reference=f"BENCH-{a.pk}",
                            source=SOURCE,
                        ),
                    )
                    for a in applications
                ],
                batch_size=1000,
            )
        reason = {
            Status.REJECTED: demo_rows.rejection_reason(rng),
            Status.TRANSFER_FAILED: Reason.OTHER,
        }.get(status, "")
        for start in range(0, len(ids), 900):
            transitions.move_many(
                Application.objects.filter(pk__in=ids[start : start + 900]),
                status,
                by=None,
                source=SOURCE,
                at=at,
                reason_code=reason,
            )
