"""Load demo data: the BPUM 2020 program, a few hundred owners in every status, staff logins.

Idempotent: running it again adds nothing that is already there. Every application's steps
are dated in order inside BPUM 2020's period (proposals from 17 August 2020, transfers from
10 September 2020).

Passwords are random and
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

from aid import demo_rows
from aid.models import Application, Program, ProposalList, Status
from registry import services as registry_services
from umkm_portal import roles

DEMO_USERS = [
    ("operator", roles.OPERATOR),
    ("verifikator", roles.VERIFIKATOR),
    ("bendahara", roles.BENDAHARA),
    ("pimpinan", roles.PIMPINAN),
    ("admin", None),
]
PROPOSAL_LISTS = [
    ("Kelurahan Jatiwaringin", ProposalList.ProposerKind.KELURAHAN, datetime.date(2020, 8, 20)),
    ("Koperasi Mitra Usaha Bekasi", ProposalList.ProposerKind.KOPERASI, datetime.date(2020, 8, 24)),
    (
        "Dinas Koperasi dan UKM Kota Bekasi",
        ProposalList.ProposerKind.DINAS,
        datetime.date(2020, 8, 28),
    ),
]
SOURCE = "seed_demo"


class Command(BaseCommand):
    help = "Muat data demo: program BPUM 2020, beberapa ratus pemilik usaha, dan akun petugas."

    def add_arguments(self, parser):
        parser.add_argument("--owners", type=int, default=300)
        parser.add_argument("--reset-passwords", action="store_true")

    def handle(self, *args, owners, reset_passwords, **options):
        program, period = demo_rows.bpum_2020()
        with transaction.atomic():
            created = self._owners_and_applications(program, period, owners)
        self.stdout.write(f"Program {program.code}: {created} permohonan demo baru.")
        counts = {s.label: program.applications.filter(status=s).count() for s in Status}
        for label, n in counts.items():
            self.stdout.write(f"  {label}: {n}")
        self._users(reset_passwords)

    def _owners_and_applications(self, program: Program, period, count: int) -> int:
        pools = demo_rows.Pools.make(2020)
        kelurahan = demo_rows.kelurahan_pool()
        banks = demo_rows.bank_pool()
        lists = [
            ProposalList.objects.get_or_create(
                program=program,
                proposer_name=name,
                defaults={"proposer_kind": kind, "received_on": day},
            )[0]
            for name, kind, day in PROPOSAL_LISTS
        ]
        finals = demo_rows.final_statuses(random.Random(2020), count)
        created = 0
        for i, final in enumerate(finals):
            # One random stream per owner: a second run draws the same values for owner i
            # whatever the database already holds, and finds everything there.
            rng = random.Random(f"owner-{i}")
            region = rng.choice(kelurahan) if kelurahan else None
            values = demo_rows.owner_row(rng, pools, kelurahan=region, serial=i + 1)
            owner = registry_services.owner_upsert(**values)
            business = owner.businesses.first() or registry_services.business_create(
                owner=owner,
                **demo_rows.business_row(rng, pools, owner_name=owner.full_name, kelurahan=region),
            )
            account = demo_rows.account_row(rng, banks, holder_name=owner.full_name)
            wants_account = demo_rows.wants_account(rng, final)
            if wants_account and not owner.bank_accounts.filter(is_active=True).exists():
                registry_services.bank_account_set(owner=owner, **account)
            if Application.objects.filter(owner=owner, program=program).exists():
                continue
            proposal_list = rng.choice(lists)
            proposed_at = demo_rows.office_hours(
                proposal_list.received_on + datetime.timedelta(days=rng.randint(0, 3)), rng
            )
            dates = demo_rows.step_dates(final, rng, period, proposed_at=proposed_at)
            application = demo_rows.propose(
                business=business,
                program=program,
                proposal_list=proposal_list,
                at=proposed_at,
                source=SOURCE,
            )
            demo_rows.walk(
                application,
                dates,
                reference=f"DEMO-BPUM-{i + 1:06d}",
                reason_code=demo_rows.rejection_reason(rng),
                source=SOURCE,
            )
            created += 1
        return created

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
