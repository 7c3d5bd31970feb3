"""Fill the current database with many realistic applications, fast and set-based.

``manage.py seed_scale --applications 1000000`` adds that many owners (valid NIKs by the
rules of registry.fakes), one business each, bank accounts, proposal lists from kelurahan
offices and cooperatives, applications over two programs in a realistic mix of statuses
(seed_demo's mix), one status record per application (its latest move), and a disbursement
for every transfer (the program's amount, as the database's trigger demands).

Rows are generated in Python in chunks and written with ``COPY`` on PostgreSQL, with
``bulk_create`` elsewhere; ids are assigned up front so that no row has to be read back.
Running it again adds more (NIK serials continue above the highest one present). It is
meant for benchmarks and demos on a database where nobody else is writing at the time.
"""

from __future__ import annotations

import datetime
import io
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.functions import Substr
from faker import Faker

from aid.management.commands.seed_demo import SECTORS, STATUS_MIX
from aid.models import Application, Disbursement, Program, ProposalList, Reason, StatusChange
from dashboard.services import summary_refresh
from registry import fakes
from registry.models import Bank, BankAccount, Business, Owner, Region

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))
BIRTH_DAYS = 20_000  # birth dates 1950-01-01 … 2004-10; with the serial they make NIKs unique
FIRST_SERIAL = 5000  # above the serials of demo data and test factories
REJECTIONS = {
    Reason.DUPLICATE_IN_LIST: 20,
    Reason.DUPLICATE_EXISTING: 25,
    Reason.INCOMPLETE: 30,
    Reason.INVALID_NIK: 5,
    Reason.INVALID_FIELD: 10,
    Reason.INELIGIBLE: 5,
    Reason.NOT_APPROVED: 5,
}
# Steps before the final status, in order; the last move is recorded as a StatusChange.
PATHS = {
    "proposed": [],
    "verified": ["verified"],
    "submitted": ["verified", "submitted"],
    "approved": ["verified", "submitted", "approved"],
    "transferred": ["verified", "submitted", "approved", "transferred"],
    "withdrawn": ["verified", "submitted", "approved", "transferred", "withdrawn"],
    "returned": ["verified", "submitted", "approved", "transferred", "returned"],
    "transfer_failed": ["verified", "submitted", "approved", "transfer_failed"],
    "rejected": ["rejected"],
}
PROGRAMS = [
    # code, name, amount, proposals open, first transfer, share of applications
    (
        "bpum-2020",
        "BPUM 2020",
        2_400_000,
        datetime.date(2020, 8, 17),
        datetime.date(2020, 9, 10),
        7,
    ),
    ("bpum-2021", "BPUM 2021", 1_200_000, datetime.date(2021, 4, 1), datetime.date(2021, 5, 10), 3),
]
COLUMNS = {
    Owner: "id nik full_name sex birth_date kk_number phone ktp_address rt rw kelurahan_id "
    "lives_in_bekasi created_at updated_at",
    Business: "id owner_id name sector nib address kelurahan_id size_class workers year_started "
    "created_at",
    BankAccount: "id owner_id bank_id account_number holder_name is_active created_at",
    Application: "id owner_id business_id program_id proposal_list_id status reason_code "
    "reason_note proposed_at verified_at submitted_at approved_at transferred_at "
    "transfer_failed_at withdrawn_at returned_at rejected_at updated_at",
    Disbursement: "id application_id amount bank_code account_number holder_name transferred_at "
    "bank_reference outcome failure_reason withdrawn_at source created_at",
    StatusChange: "id application_id from_status to_status reason_code note source at",
}
COLUMNS = {model: names.split() for model, names in COLUMNS.items()}


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


class Writer:
    """Writes rows of a model: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def next_id(self, model) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def write(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = COLUMNS[model]
        if not self.postgres:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
            )
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer
            )

    def finish(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in COLUMNS:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )

    def analyze(self) -> None:
        """Statistics for the planner and, outside a transaction, a VACUUM as well.

        Rows written by COPY are not yet marked all-visible, so until a VACUUM every
        index-only scan (a count of applications by owner, say) still reads the table; this
        is what autovacuum would do a while later, where it is on.
        """
        if self.postgres:
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in COLUMNS:
                    cursor.execute(f"{command} {model._meta.db_table}")


class Command(BaseCommand):
    help = "Isi basis data dengan banyak permohonan realistis secara cepat (untuk uji skala)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=1000)
        parser.add_argument("--chunk", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args, applications, chunk, seed, **options):
        started = time.monotonic()
        rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.pools()
        writer = Writer()
        with transaction.atomic():
            programs = self.programs()
            lists = self.proposal_lists(programs, applications, rng)
            ids = {model: writer.next_id(model) for model in COLUMNS}
            serial = self.first_serial()
            for start in range(0, applications, chunk):
                rows = self.generate(
                    rng, start, min(chunk, applications - start), lists, ids, serial
                )
                for model in COLUMNS:
                    writer.write(model, rows[model])
                    ids[model] += len(rows[model])
                done = start + len(rows[Application])
                self.stdout.write(f"  {done} permohonan ({time.monotonic() - started:.0f} s)")
            writer.finish()
        writer.analyze()
        refresh = summary_refresh()
        self.stdout.write(
            f"{applications} permohonan ditambahkan dalam {time.monotonic() - started:.1f} s; "
            f"ringkasan dasbor {refresh.rows} baris ({refresh.duration_ms} ms)."
        )

    # --- reference data -------------------------------------------------------------------

    def pools(self) -> None:
        fake = self.fake
        self.male = [fake.first_name_male() for _ in range(300)]
        self.female = [fake.first_name_female() for _ in range(300)]
        self.last = [fake.last_name() for _ in range(300)]
        self.streets = [fake.street_address() for _ in range(2000)]
        self.kelurahan = [
            (r.pk, r.parent.code.replace(".", ""))
            for r in Region.objects.filter(level=Region.Level.KELURAHAN).select_related("parent")
        ]
        self.banks = list(Bank.objects.filter(code__in=["002", "009", "008", "451", "110"]))

    def programs(self) -> list[tuple[Program, datetime.date, int]]:
        result = []
        for code, name, amount, opens, first_transfer, share in PROGRAMS:
            program, _ = Program.objects.get_or_create(
                code=code,
                defaults={"name": name, "amount": amount, "starts_on": opens, "one_time": True},
            )
            result.append((program, first_transfer, share))
        return result

    def proposal_lists(self, programs, applications: int, rng: random.Random) -> list[dict]:
        """About one list per 2,500 applications: mostly kelurahan, some cooperatives."""
        cooperatives = [f"Koperasi {self.fake.company()}" for _ in range(25)]
        names = dict(Region.objects.filter(level=Region.Level.KELURAHAN).values_list("pk", "name"))
        made, places = [], []
        for program, first_transfer, share in programs:
            for n in range(max(3, applications * share // 10 // 2500)):
                kind = rng.choices(["kelurahan", "koperasi", "dinas"], [70, 27, 3])[0]
                place = rng.choice(self.kelurahan) if kind == "kelurahan" else None
                name = {
                    "kelurahan": f"Kelurahan {names[place[0]]}" if place else "",
                    "koperasi": rng.choice(cooperatives),
                    "dinas": "Dinas Koperasi dan UKM Kota Bekasi",
                }[kind]
                made.append(
                    ProposalList(
                        program=program,
                        proposer_name=name,
                        proposer_kind=kind,
                        received_on=program.starts_on + datetime.timedelta(rng.randint(0, 30)),
                        original_filename=f"usulan-{program.code}-{n + 1:04d}.xlsx",
                    )
                )
                places.append((place, first_transfer))
        ProposalList.objects.bulk_create(made)  # sets pk on PostgreSQL and SQLite ≥ 3.35
        return [
            {
                "id": pl.pk,
                "program": pl.program,
                "first_transfer": first_transfer,
                "place": place,
                "received_on": pl.received_on,
            }
            for pl, (place, first_transfer) in zip(made, places, strict=True)
        ]

    def first_serial(self) -> int:
        """NIK serial to start from: above every serial present, so NIKs stay unique."""
        highest = Owner.objects.aggregate(s=Max(Substr("nik", 13, 4)))["s"]
        return max(FIRST_SERIAL, int(highest or 0) + 1)

    # --- rows -------------------------------------------------------------------------------

    def generate(self, rng, start, count, lists, ids, serial) -> dict:
        """Rows of every table for applications ``start`` … ``start + count - 1``."""
        rows = {model: [] for model in COLUMNS}
        statuses = rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=count)
        reasons = rng.choices(list(REJECTIONS), weights=list(REJECTIONS.values()), k=count)
        now = datetime.datetime.now(tz=datetime.UTC)
        base = datetime.date(1950, 1, 1)
        account_id = ids[BankAccount]
        disbursement_id = ids[Disbursement]
        for k in range(count):
            i = start + k
            owner_id, business_id, app_id = ids[Owner] + k, ids[Business] + k, ids[Application] + k
            proposal = rng.choice(lists)
            program = proposal["program"]
            place = proposal["place"] if proposal["place"] and rng.random() < 0.85 else None
            kelurahan_id, district = place or rng.choice(self.kelurahan)
            sex = "F" if rng.random() < 0.55 else "M"
            birth = base + datetime.timedelta(days=i % BIRTH_DAYS)
            nik = fakes.nik(
                rng, district=district, birth_date=birth, sex=sex, serial=serial + i // BIRTH_DAYS
            )
            first = rng.choice(self.female if sex == "F" else self.male)
            name = f"{first} {rng.choice(self.last)}"
            rows[Owner].append(
                (
                    owner_id,
                    nik,
                    name,
                    sex,
                    birth,
                    "",
                    "+62" + fakes.mobile(rng)[1:],
                    rng.choice(self.streets),
                    f"{rng.randint(1, 15):03d}",
                    f"{rng.randint(1, 12):03d}",
                    kelurahan_id,
                    True,
                    now,
                    now,
                )
            )
            sector = rng.choice(SECTORS)
            rows[Business].append(
                (
                    business_id,
                    owner_id,
                    f"{sector} {first}",
                    sector,
                    "",
                    rng.choice(self.streets),
                    kelurahan_id,
                    "mikro",
                    rng.randint(0, 4),
                    rng.randint(2005, 2019),
                    now,
                )
            )
            status = statuses[k]
            path = PATHS[status]
            pays = "transferred" in path or "transfer_failed" in path
            bank = account = None
            if pays or rng.random() < 0.9:
                bank = rng.choice(self.banks)
                account = str(rng.randrange(10**9, 10**10))
                rows[BankAccount].append((account_id, owner_id, bank.pk, account, name, True, now))
                account_id += 1
            at = datetime.datetime.combine(
                proposal["received_on"], datetime.time(9, rng.randint(0, 59)), JAKARTA
            )
            steps = {"proposed": at}
            for step in path:
                at += datetime.timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 300))
                if step in ("transferred", "transfer_failed"):
                    first_day = datetime.datetime.combine(
                        proposal["first_transfer"], datetime.time(10), JAKARTA
                    )
                    at = max(at, first_day) + datetime.timedelta(days=rng.randint(0, 30))
                elif step == "returned":
                    at = steps["transferred"] + datetime.timedelta(days=program.withdrawal_days)
                steps[step] = at
            reason = reasons[k] if status == "rejected" else ""
            if status == "transfer_failed":
                reason = Reason.OTHER
            rows[Application].append(
                (
                    app_id,
                    owner_id,
                    business_id,
                    program.pk,
                    proposal["id"],
                    status,
                    reason,
                    "",
                    steps["proposed"],
                    steps.get("verified"),
                    steps.get("submitted"),
                    steps.get("approved"),
                    steps.get("transferred"),
                    steps.get("transfer_failed"),
                    steps.get("withdrawn"),
                    steps.get("returned"),
                    steps.get("rejected"),
                    at,
                )
            )
            if pays:
                succeeded = "transferred" in path
                rows[Disbursement].append(
                    (
                        disbursement_id,
                        app_id,
                        program.amount,
                        bank.code,
                        account,
                        name,
                        steps["transferred" if succeeded else "transfer_failed"],
                        f"SEED-{app_id}",
                        "success" if succeeded else "failed",
                        "" if succeeded else "Rekening tidak aktif",
                        steps.get("withdrawn"),
                        "seed_scale",
                        now,
                    )
                )
                disbursement_id += 1
            previous = path[-2] if len(path) > 1 else ("proposed" if path else "")
            rows[StatusChange].append(
                (ids[StatusChange] + k, app_id, previous, status, reason, "", "seed_scale", at)
            )
        return rows
