"""Demo data for pembinaan UMKM, called by ``seed_demo``: two cooperatives (one proposing
lists), activities from 2021 to next month, attendance, memberships, capital referrals and
business reports, dated in order after the BPUM 2020 transfers. Idempotent."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from aid.transitions import RECEIVED_STATUSES
from development import services, transitions
from development.models import (
    Activity,
    Attendance,
    Cooperative,
    PartnerOrganisation,
    Referral,
    ReferralStatus,
    YearlyTarget,
)
from proposers.models import Proposer
from registry.models import Bank, Business, Region

COOPERATIVES = [
    ("Koperasi Mitra Usaha Bekasi", "AHU-0004512.AH.01.26.TAHUN 2018"),
    ("Koperasi Wanita Sejahtera Bekasi", "518/BH/XVIII.3/2012"),
]
ACTIVITIES = [
    (Activity.Kind.TRAINING, "Pembukuan sederhana untuk usaha mikro", datetime.date(2021, 3, 15)),
    (Activity.Kind.MENTORING, "Pendampingan pengurusan NIB lewat OSS", datetime.date(2021, 9, 6)),
    (
        Activity.Kind.MATCHING,
        "Temu usaha dengan pengelola ritel modern",
        datetime.date(2022, 5, 19),
    ),
    (Activity.Kind.MARKETING, "Bazar UMKM Hari Jadi Kota Bekasi", datetime.date(2023, 3, 10)),
]
# The demo's yearly targets (years of the demo activities): coached, naik kelas, KUR
# referred, KUR disbursed, rupiah disbursed.
TARGETS = {
    2021: (40, 3, 4, 2, 50_000_000),
    2022: (30, 4, 4, 3, 75_000_000),
    2023: (30, 5, 3, 2, 50_000_000),
}


def seed_targets() -> None:
    """The demo's yearly targets, each year once (also on a demo seeded before targets)."""
    for year, (coached, naik_kelas, referred, disbursed, amount) in TARGETS.items():
        if not YearlyTarget.objects.filter(year=year).exists():
            services.yearly_target_save(
                year=year,
                coached=coached,
                naik_kelas=naik_kelas,
                kur_referred=referred,
                kur_disbursed=disbursed,
                kur_disbursed_amount=amount,
                note="Data demo",
            )


def seed_development(stdout=None) -> None:
    """Add the demo's pembinaan data once; a second run finds it there and adds nothing."""
    seed_targets()
    if Activity.objects.exists():
        return
    rng = random.Random(2021)
    kecamatan = list(Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code"))
    proposer = Proposer.objects.filter(kind=Proposer.Kind.KOPERASI, cooperative=None).first()
    cooperatives = [
        Cooperative.objects.filter(name=name).first()
        or services.cooperative_create(
            name=name,
            legal_number=number,
            kecamatan=kecamatan[i] if kecamatan else None,
            proposer=proposer if i == 0 else None,
        )
        for i, (name, number) in enumerate(COOPERATIVES)
    ]
    paid = list(
        Business.objects.filter(applications__status__in=RECEIVED_STATUSES)
        .select_related("owner")
        .order_by("pk")
        .distinct()[:40]
    )
    others = list(
        Business.objects.exclude(pk__in=[b.pk for b in paid]).select_related("owner")[:20]
    )
    coop_partner = services.partner_organisation_save(
        name=cooperatives[0].name,
        kind=PartnerOrganisation.Kind.COOPERATIVE,
        cooperative=cooperatives[0],
    )
    sponsors = [
        services.partner_organisation_save(name=name, kind=kind)
        for name, kind in (
            ("Bank BRI Kantor Cabang Bekasi", PartnerOrganisation.Kind.BANK),
            ("PT Pertamina (Persero) — Program UMK Binaan", PartnerOrganisation.Kind.BUMN),
        )
    ]
    activities = [
        services.activity_create(
            kind=kind,
            topic=topic,
            starts_on=day,
            kecamatan=rng.choice(kecamatan) if kecamatan else None,
            venue="Aula Dinas Koperasi dan UKM",
            starts_at=datetime.time(9),
            organisers=[coop_partner] if kind == Activity.Kind.MATCHING else [],
            partners=sponsors if kind == Activity.Kind.MATCHING else [],
            capacity=40,
        )
        for kind, topic, day in ACTIVITIES
    ]
    upcoming = services.activity_create(
        kind=Activity.Kind.TRAINING,
        topic="Foto produk dan jualan daring",
        starts_on=timezone.localdate() + datetime.timedelta(days=21),
        kecamatan=kecamatan[0] if kecamatan else None,
        venue="Aula Kecamatan",
        capacity=30,
        registration_open=True,
    )
    for activity in activities:
        at = timezone.make_aware(datetime.datetime.combine(activity.starts_on, datetime.time(9)))
        for business in rng.sample(paid + others, min(15, len(paid + others))):
            attendance = rng.choices(Attendance.values, weights=[8, 1, 1])[0]
            services.attendance_take(
                activity=activity, owner=business.owner, attendance=attendance, by=None, at=at
            )
    for business in others[:5]:
        services.participant_register(activity=upcoming, owner=business.owner)
    for i, business in enumerate(paid[:12]):
        services.membership_add(
            cooperative=cooperatives[i % 2],
            owner=business.owner,
            since=datetime.date(2021, 6, 1) + datetime.timedelta(days=7 * i),
        )
    matching = next(a for a in activities if a.kind == Activity.Kind.MATCHING)
    _referrals(rng, paid[:10], cooperatives, matching)
    _reports(rng, paid[:20])
    if stdout is not None:
        stdout.write(
            f"Pembinaan: {Activity.objects.count()} kegiatan, {len(cooperatives)} koperasi, "
            f"{Referral.objects.count()} rujukan permodalan."
        )


def _referrals(rng, businesses, cooperatives, matching) -> None:
    bank = Bank.objects.filter(code="002").first()
    for i, business in enumerate(businesses):
        channel = [Referral.Channel.KUR, Referral.Channel.COOPERATIVE, Referral.Channel.REVOLVING][
            i % 3
        ]
        if channel == Referral.Channel.KUR and bank is None:
            continue
        day = datetime.date(2022, 1, 10) + datetime.timedelta(days=9 * i)
        referral = services.referral_create(
            business=business,
            channel=channel,
            bank=bank,
            cooperative=cooperatives[0],
            amount_asked=rng.choice([10, 25, 50, 100]) * 1_000_000,
            referred_on=day,
            # Referrals made after the temu usaha came from it.
            activity=matching if day >= matching.starts_on else None,
        )
        path = transitions.PATH[1 : 1 + i % 4]
        if i % 5 == 4:
            path = (ReferralStatus.PROCESSING, ReferralStatus.REJECTED)
        for step, status in enumerate(path, start=1):
            at = timezone.make_aware(
                datetime.datetime.combine(
                    day + datetime.timedelta(days=14 * step), datetime.time(10)
                )
            )
            note = (
                "Riwayat kredit belum memenuhi syarat" if status == ReferralStatus.REJECTED else ""
            )
            transitions.move(referral, status, by=None, at=at, note=note)


def _reports(rng, businesses) -> None:
    for i, business in enumerate(businesses):
        sales = rng.randint(150, 900) * 1_000_000
        services.business_report_add(
            business=business,
            reported_on=datetime.date(2021, 12, 31),
            capital=rng.randint(20, 300) * 1_000_000,
            annual_sales=sales,
            workers=rng.randint(1, 4),
        )
        # A few grow past Rp2 miliar of sales a year: naik kelas to kecil.
        grown = sales * (4 if i % 4 == 0 else 1) + rng.randint(0, 200) * 1_000_000
        services.business_report_add(
            business=business,
            reported_on=datetime.date(2023, 12, 31),
            capital=rng.randint(50, 600) * 1_000_000,
            annual_sales=grown,
            workers=rng.randint(1, 9),
            nib=f"91203{i:08d}" if i % 2 == 0 else "",
            kbli="56102" if i % 3 == 0 else "",
        )
