"""Load demo data: the BPUM 2020 program, a few hundred owners in every status, staff logins.

Idempotent: running it again adds nothing that is already there. Passwords are random and
printed once; ``--reset-passwords`` gives the demo users new ones.
"""

import datetime
import random
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from faker import Faker

from aid import services
from aid.models import Application, Program, ProposalList, Reason, Status
from registry import fakes
from registry import services as registry_services
from registry.models import Bank, Region
from umkm_portal import roles

SECTORS = [
    "Kuliner",
    "Warung sembako",
    "Konveksi dan jahit",
    "Kerajinan tangan",
    "Bengkel motor",
    "Laundry",
    "Toko kelontong",
    "Pertanian kota",
    "Jasa cukur",
    "Dagang daring",
]
# Share of demo owners that end in each status (sums to 1).
STATUS_MIX = {
    Status.PROPOSED: 0.22,
    Status.VERIFIED: 0.12,
    Status.SUBMITTED: 0.10,
    Status.APPROVED: 0.08,
    Status.TRANSFERRED: 0.14,
    Status.WITHDRAWN: 0.14,
    Status.RETURNED: 0.04,
    Status.TRANSFER_FAILED: 0.05,
    Status.REJECTED: 0.11,
}
PATHS = {
    Status.PROPOSED: [],
    Status.VERIFIED: ["verify"],
    Status.SUBMITTED: ["verify", "submit"],
    Status.APPROVED: ["verify", "submit", "approve"],
    Status.TRANSFERRED: ["verify", "submit", "approve", "transfer"],
    Status.WITHDRAWN: ["verify", "submit", "approve", "transfer", "withdraw"],
    Status.RETURNED: ["verify", "submit", "approve", "transfer", "return"],
    Status.TRANSFER_FAILED: ["verify", "submit", "approve", "fail"],
    Status.REJECTED: ["reject"],
}
DEMO_USERS = [
    ("operator", roles.OPERATOR),
    ("verifikator", roles.VERIFIKATOR),
    ("bendahara", roles.BENDAHARA),
    ("pimpinan", roles.PIMPINAN),
    ("admin", None),
]
JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)), JAKARTA
    )


class Command(BaseCommand):
    help = "Muat data demo: program BPUM 2020, beberapa ratus pemilik usaha, dan akun petugas."

    def add_arguments(self, parser):
        parser.add_argument("--owners", type=int, default=300)
        parser.add_argument("--reset-passwords", action="store_true")

    def handle(self, *args, owners, reset_passwords, **options):
        program = services.program_ensure_bpum_2020()
        with transaction.atomic():
            created = self._owners_and_applications(program, owners)
        self.stdout.write(f"Program {program.code}: {created} permohonan demo baru.")
        counts = {s.label: program.applications.filter(status=s).count() for s in Status}
        for label, n in counts.items():
            self.stdout.write(f"  {label}: {n}")
        self._users(reset_passwords)

    def _owners_and_applications(self, program: Program, count: int) -> int:
        rng = random.Random(2020)
        fake = Faker("id_ID")
        fake.seed_instance(2020)
        kelurahan = list(
            Region.objects.filter(level=Region.Level.KELURAHAN).select_related("parent")
        )
        banks = list(Bank.objects.filter(code__in=["002", "009", "451", "008", "110"]))
        lists = [
            ProposalList.objects.get_or_create(
                program=program,
                proposer_name=name,
                defaults={"proposer_kind": kind, "received_on": day},
            )[0]
            for name, kind, day in [
                (
                    "Kelurahan Jatiwaringin",
                    ProposalList.ProposerKind.KELURAHAN,
                    datetime.date(2020, 8, 20),
                ),
                (
                    "Koperasi Mitra Usaha Bekasi",
                    ProposalList.ProposerKind.KOPERASI,
                    datetime.date(2020, 8, 24),
                ),
                (
                    "Dinas Koperasi dan UKM Kota Bekasi",
                    ProposalList.ProposerKind.DINAS,
                    datetime.date(2020, 8, 28),
                ),
            ]
        ]
        statuses = rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=count)
        created = 0
        for i, target in enumerate(statuses):
            # One random stream per owner: a second run draws the same values for owner i
            # whatever the database already holds, and finds everything there.
            rng = random.Random(f"owner-{i}")
            fake.seed_instance(i)
            sex = rng.choice("MF")
            name = fake.name_female() if sex == "F" else fake.name_male()
            region = rng.choice(kelurahan)
            owner = registry_services.owner_upsert(
                nik=fakes.nik(
                    rng, district=region.parent.code.replace(".", ""), sex=sex, serial=i + 1
                ),
                full_name=name,
                phone=fakes.mobile(rng),
                ktp_address=fake.street_address(),
                rt=f"{rng.randint(1, 15):03d}",
                rw=f"{rng.randint(1, 12):03d}",
                kelurahan=region,
            )
            business_name = f"{rng.choice(SECTORS)} {name.split()[0]}"
            sector, workers, year = rng.choice(SECTORS), rng.randint(0, 4), rng.randint(2005, 2019)
            address = fake.street_address()
            business = owner.businesses.first() or registry_services.business_create(
                owner=owner,
                name=business_name,
                sector=sector,
                address=address,
                kelurahan=region,
                workers=workers,
                year_started=year,
            )
            bank = rng.choice(banks)
            number = fakes.account_number(rng, bank.code)
            wants_account = {"transfer", "fail"} & set(PATHS[target]) or rng.random() < 0.9
            if wants_account and not owner.bank_accounts.filter(is_active=True).exists():
                registry_services.bank_account_set(
                    owner=owner, bank=bank, account_number=number, holder_name=name
                )
            if Application.objects.filter(owner=owner, program=program).exists():
                continue
            application = services.application_create(
                business=business,
                program=program,
                proposal_list=rng.choice(lists),
                source="seed_demo",
            )
            self._walk(application, PATHS[target], rng, i)
            created += 1
        return created

    def _walk(self, application: Application, steps: list[str], rng: random.Random, i: int) -> None:
        day = datetime.date(2020, 8, 25) + datetime.timedelta(days=rng.randint(0, 5))
        for step in steps:
            day += datetime.timedelta(days=rng.randint(1, 6))
            at = _at(day, rng)
            if step == "verify":
                application = services.application_verify(
                    application=application, by=None, source="seed_demo", at=at
                )
            elif step == "submit":
                application = services.application_submit(
                    application=application, by=None, source="seed_demo", at=at
                )
            elif step == "approve":
                application = services.application_approve(
                    application=application, by=None, source="seed_demo", at=at
                )
            elif step in ("transfer", "fail"):
                transferred = _at(max(day, datetime.date(2020, 9, 10)), rng)
                services.disbursement_record(
                    application=application,
                    bank_reference=f"DEMO-BPUM-{i + 1:06d}",
                    succeeded=step == "transfer",
                    failure_reason="" if step == "transfer" else "Rekening tidak aktif",
                    transferred_at=transferred,
                    source="seed_demo",
                )
                day = transferred.date()
            elif step == "withdraw":
                services.disbursement_withdrawn(
                    disbursement=application.disbursements.get(outcome="success"),
                    withdrawn_at=at,
                    source="seed_demo",
                )
            elif step == "return":
                returned = at + datetime.timedelta(days=90)
                services.application_return(
                    application=application, by=None, source="seed_demo", at=returned
                )
            elif step == "reject":
                reason = rng.choice(
                    [
                        Reason.INCOMPLETE,
                        Reason.INVALID_FIELD,
                        Reason.INELIGIBLE,
                        Reason.DUPLICATE_EXISTING,
                    ]
                )
                services.application_reject(
                    application=application, by=None, reason_code=reason, note="Data demo"
                )
            application.refresh_from_db()

    def _users(self, reset_passwords: bool) -> None:
        User = get_user_model()
        self.stdout.write("\nMasuk di http://127.0.0.1:8000/admin/ dengan:")
        for username, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "is_superuser": role is None}
            )
            if role:
                user.groups.set([Group.objects.get(name=role)])
            if created or reset_passwords:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save()
                self.stdout.write(f"  {username:<12} {password:<20} ({role or 'superuser'})")
            else:
                self.stdout.write(
                    f"  {username:<12} (kata sandi tetap; ganti dengan --reset-passwords)"
                )
        self.stdout.write(f"Dibuat {timezone.localtime():%d-%m-%Y %H:%M} WIB.")
