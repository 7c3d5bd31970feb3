"""Load demo data: the BPUM 2020 program, a few hundred owners in every status, staff logins.

Idempotent: running it again adds nothing that is already there. Every application's steps
are dated in order inside BPUM 2020's period (proposals from 17 August 2020, transfers from
10 September 2020), except the money still in owners' accounts (*Ditransfer*): that is the
open demo program's, transferred a few weeks ago, so that run_periodic's expire_withdrawals
(started by ./run) finds nothing to return and the demo keeps every status.

Passwords are random; the database keeps only their hashes. A new password (a user just
created, or every demo user with ``--reset-passwords``) is printed and written to the
logins file (``.demo-logins`` in the project, readable by its owner only, ignored by git),
which ``./run`` shows once the server is up; without the flag passwords stay as they are.
"""

import datetime
import os
import random
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from aid import demo_rows
from aid.models import Application, Program, ProposalList, Status
from devtools.development_demo import seed_development
from proposers.models import ProposerMember
from proposers.services import proposer_resolve
from registry import services as registry_services
from umkm_portal import roles

DEMO_USERS = [
    ("operator", roles.OPERATOR),
    ("verifikator", roles.VERIFIKATOR),
    ("bendahara", roles.BENDAHARA),
    ("pimpinan", roles.PIMPINAN),
    ("pembinaan", roles.PEMBINAAN),
    ("admin", None),
    # A kelurahan officer: logs in to the proposers' workspace, not the admin.
    ("pengusul", roles.PENGUSUL),
]
# The organisation the demo Pengusul works for (one of the demo lists' proposers).
DEMO_PROPOSER = "Kelurahan Jatiwaringin"
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
LOGIN_LINE = re.compile(r"^\s+(\w+)\s+(\S+)\s+\(", re.MULTILINE)


def logins_header() -> str:
    return "Masuk di http://127.0.0.1:8000/admin/ dengan:"


def login_line(username: str, password: str, role: str | None) -> str:
    where = " di http://127.0.0.1:8000/pengusul/" if role == roles.PENGUSUL else ""
    return f"  {username:<12} {password:<20} ({role or 'superuser'}{where})"


def read_logins(path: Path) -> dict[str, str]:
    """Passwords kept in the logins file, by username (none if there is no file)."""
    try:
        return dict(LOGIN_LINE.findall(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def write_logins(path: Path, passwords: dict[str, str]) -> None:
    """Write the logins box to ``path``, readable and writable by its owner only."""
    lines = [logins_header()]
    lines += [login_line(u, passwords[u], role) for u, role in DEMO_USERS if u in passwords]
    lines.append(f"(dibuat oleh seed_demo {timezone.localtime():%d-%m-%Y %H:%M} WIB)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode through O_CREAT
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


class Command(BaseCommand):
    help = "Muat data demo: program BPUM 2020, beberapa ratus pemilik usaha, dan akun petugas."

    def add_arguments(self, parser):
        parser.add_argument("--owners", type=int, default=300)
        parser.add_argument("--reset-passwords", action="store_true")
        parser.add_argument(
            "--logins-file",
            type=Path,
            default=Path(settings.BASE_DIR) / ".demo-logins",
            help="berkas tempat kata sandi baru disimpan (hanya dapat dibaca pemiliknya)",
        )

    def handle(self, *args, owners, reset_passwords, logins_file, **options):
        program, period = demo_rows.bpum_2020()
        today = timezone.localdate()
        open_program = demo_rows.open_program(today)
        with transaction.atomic():
            created = self._owners_and_applications(
                program, period, owners, open_program=open_program, today=today
            )
        self.stdout.write(f"Program {program.code}: {created} permohonan demo baru.")
        self.stdout.write(f"Program {open_program.code}: terbuka untuk unggahan pengusul.")
        seed_development(self.stdout)  # pembinaan: activities, cooperatives, referrals
        for shown in (program, open_program):
            counts = {s.label: shown.applications.filter(status=s).count() for s in Status}
            self.stdout.write(f"{shown.code}:")
            for label, n in counts.items():
                if n or shown == program:
                    self.stdout.write(f"  {label}: {n}")
        self._users(reset_passwords, logins_file)

    def _owners_and_applications(
        self, program: Program, period, count: int, *, open_program: Program, today
    ) -> int:
        """``count`` owners, each with one application in a status of the demo's spread.

        The money still in owners' accounts (final status *Ditransfer*) is this year's, in
        ``open_program``, transferred a few weeks before ``today``: a BPUM 2020 transfer not
        withdrawn is long past its 90 days, and ``run_periodic``'s ``expire_withdrawals``
        would return it to the treasury as soon as ``./run`` starts."""
        pools = demo_rows.Pools.make(2020)
        kelurahan = demo_rows.kelurahan_pool()
        banks = demo_rows.bank_pool()
        lists = [
            ProposalList.objects.get_or_create(
                program=program,
                proposer_name=name,
                defaults={
                    "proposer_kind": kind,
                    "received_on": day,
                    "proposer": proposer_resolve(name=name, kind=kind),
                },
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
            if final == Status.TRANSFERRED:
                applied_to, proposal_list = open_program, None
                proposed_at = None
                steps = demo_rows.recent_period(open_program, today)
            else:
                applied_to, proposal_list = program, rng.choice(lists)
                proposed_at = demo_rows.office_hours(
                    proposal_list.received_on + datetime.timedelta(days=rng.randint(0, 3)), rng
                )
                steps = period
            if Application.objects.filter(owner=owner, program=applied_to).exists():
                continue
            dates = demo_rows.step_dates(final, rng, steps, proposed_at=proposed_at)
            application = demo_rows.propose(
                business=business,
                program=applied_to,
                proposal_list=proposal_list,
                at=dates[Status.PROPOSED],
                source=SOURCE,
            )
            demo_rows.walk(
                application,
                dates,
                reference=f"DEMO-{'BPUM' if applied_to == program else 'BARU'}-{i + 1:06d}",
                reason_code=demo_rows.rejection_reason(rng),
                source=SOURCE,
            )
            created += 1
        return created

    def _users(self, reset_passwords: bool, logins_file: Path) -> None:
        User = get_user_model()
        self.stdout.write("\n" + logins_header())
        new = {}
        for username, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"is_staff": role != roles.PENGUSUL, "is_superuser": role is None},
            )
            if role:
                user.groups.set([Group.objects.get(name=role)])
            if role == roles.PENGUSUL:
                ProposerMember.objects.get_or_create(
                    user=user,
                    defaults={
                        "proposer": proposer_resolve(
                            name=DEMO_PROPOSER, kind=ProposalList.ProposerKind.KELURAHAN
                        ),
                        "position": "Kasi Ekonomi dan Pembangunan",
                    },
                )
            if created or reset_passwords:
                new[username] = secrets.token_urlsafe(12)
                user.set_password(new[username])
                user.save(update_fields=["password"])
                self.stdout.write(login_line(username, new[username], role))
            else:
                self.stdout.write(
                    f"  {username:<12} (kata sandi tetap, lihat {logins_file.name}; "
                    "ganti dengan --reset-passwords)"
                )
        if new:
            write_logins(logins_file, {**read_logins(logins_file), **new})
            self.stdout.write(f"Kata sandi baru disimpan di {logins_file}.")
        self.stdout.write(f"Dibuat {timezone.localtime():%d-%m-%Y %H:%M} WIB.")
