"""Fill the current database with many realistic applications, fast and set-based.

``manage.py seed_scale --applications 1000000`` adds that many owners (valid NIKs by the
rules of registry.fakes), one business each, bank accounts, proposal lists from kelurahan
offices and cooperatives, applications over two programs in a realistic mix of statuses
(:mod:`aid.demo_rows`: seed_demo's mix, paths and step dates), one status record per application (its latest move), and a disbursement
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

from aid import demo_rows
from aid.models import (
    Application,
    Disbursement,
    Program,
    ProposalList,
    Reason,
    Status,
    StatusChange,
)
from dashboard.services import summary_refresh
from registry.models import BankAccount, Business, Owner

BIRTH_DAYS = 20_000  # birth dates 1950-01-01 … 2004-10; with the serial they make NIKs unique
FIRST_SERIAL = 5000  # above the serials of demo data and test factories
SOURCE = "seed_scale"
# A second program beside BPUM 2020 (whose one home is aid.services), and the share of
# applications each program gets.
BPUM_2021 = {"name": "BPUM 2021", "amount": 1_200_000, "starts_on": datetime.date(2021, 4, 1)}
BPUM_2021_TRANSFERS_FROM = datetime.date(2021, 5, 10)
SHARES = {"bpum-2020": 7, "bpum-2021": 3}
COLUMNS = {
    Owner: "id nik full_name sex birth_date kk_number phone ktp_address rt rw kelurahan_id "
    "lives_in_bekasi created_at updated_at",
    Business: "id owner_id name sector nib address kecamatan_id kelurahan_id size_class workers "
    "year_started "
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

    def write(self, model, rows: list[dict]) -> None:
        """Write ``rows`` (by column name; a column left out is NULL) into ``model``'s table."""
        if not rows:
            return
        columns = COLUMNS[model]
        if not self.postgres:
            model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(row.get(c)) for c in columns))
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
        self.seed = seed
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
        self.names = demo_rows.Pools.make(self.seed)
        self.kelurahan = demo_rows.kelurahan_pool()
        self.banks = demo_rows.bank_pool()

    def programs(self) -> list[tuple[Program, demo_rows.Period, int]]:
        bpum_2020, period_2020 = demo_rows.bpum_2020()
        bpum_2021, _ = Program.objects.get_or_create(
            code="bpum-2021", defaults={**BPUM_2021, "one_time": True}
        )
        period_2021 = demo_rows.Period.of(bpum_2021, transfers_from=BPUM_2021_TRANSFERS_FROM)
        return [
            (program, period, SHARES[program.code])
            for program, period in [(bpum_2020, period_2020), (bpum_2021, period_2021)]
        ]

    def proposal_lists(self, programs, applications: int, rng: random.Random) -> list[dict]:
        """About one list per 2,500 applications: mostly kelurahan, some cooperatives."""
        cooperatives = [f"Koperasi {self.fake.company()}" for _ in range(25)]
        made, places = [], []
        for program, period, share in programs:
            for n in range(max(3, applications * share // 10 // 2500)):
                kind = rng.choices(["kelurahan", "koperasi", "dinas"], [70, 27, 3])[0]
                place = rng.choice(self.kelurahan) if kind == "kelurahan" else None
                name = {
                    "kelurahan": f"Kelurahan {place.name}" if place else "",
                    "koperasi": rng.choice(cooperatives),
                    "dinas": "Dinas Koperasi dan UKM Kota Bekasi",
                }[kind]
                made.append(
                    ProposalList(
                        program=program,
                        proposer_name=name,
                        proposer_kind=kind,
                        received_on=demo_rows.proposal_day(rng, period),
                        original_filename=f"usulan-{program.code}-{n + 1:04d}.xlsx",
                    )
                )
                places.append((place, period))
        ProposalList.objects.bulk_create(made)  # sets pk on PostgreSQL and SQLite ≥ 3.35
        return [
            {
                "id": pl.pk,
                "program": pl.program,
                "period": period,
                "place": place,
                "received_on": pl.received_on,
            }
            for pl, (place, period) in zip(made, places, strict=True)
        ]

    def first_serial(self) -> int:
        """NIK serial to start from: above every serial present, so NIKs stay unique."""
        highest = Owner.objects.aggregate(s=Max(Substr("nik", 13, 4)))["s"]
        return max(FIRST_SERIAL, int(highest or 0) + 1)

    # --- rows -------------------------------------------------------------------------------

    def generate(self, rng, start, count, lists, ids, serial) -> dict:
        """Rows of every table for applications ``start`` … ``start + count - 1``."""
        rows = {model: [] for model in COLUMNS}
        finals = demo_rows.final_statuses(rng, count)
        now = datetime.datetime.now(tz=datetime.UTC)
        base = datetime.date(1950, 1, 1)
        account_id = ids[BankAccount]
        disbursement_id = ids[Disbursement]
        for k, final in enumerate(finals):
            i = start + k
            owner_id, business_id, app_id = ids[Owner] + k, ids[Business] + k, ids[Application] + k
            proposal = rng.choice(lists)
            program = proposal["program"]
            place = proposal["place"] if proposal["place"] and rng.random() < 0.85 else None
            place = place or rng.choice(self.kelurahan)
            sex = "F" if rng.random() < 0.55 else "M"
            birth = base + datetime.timedelta(days=i % BIRTH_DAYS)
            owner = demo_rows.owner_row(
                rng,
                self.names,
                kelurahan=place,
                sex=sex,
                birth_date=birth,
                serial=serial + i // BIRTH_DAYS,
            )
            del owner["kelurahan"]
            rows[Owner].append(
                {
                    **owner,
                    "id": owner_id,
                    "sex": sex,
                    "birth_date": birth,
                    "kk_number": "",
                    "kelurahan_id": place.pk,
                    "lives_in_bekasi": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            business = demo_rows.business_row(
                rng, self.names, owner_name=owner["full_name"], kelurahan=place
            )
            del business["kelurahan"]
            rows[Business].append(
                {
                    **business,
                    "id": business_id,
                    "owner_id": owner_id,
                    "nib": "",
                    "kecamatan_id": place.parent_id,
                    "kelurahan_id": place.pk,
                    "size_class": "mikro",
                    "created_at": now,
                }
            )
            account = None
            if demo_rows.wants_account(rng, final):
                account = demo_rows.account_row(rng, self.banks, holder_name=owner["full_name"])
                rows[BankAccount].append(
                    {
                        "id": account_id,
                        "owner_id": owner_id,
                        "bank_id": account["bank"].pk,
                        "account_number": account["account_number"],
                        "holder_name": account["holder_name"],
                        "is_active": True,
                        "created_at": now,
                    }
                )
                account_id += 1
            proposed_at = demo_rows.office_hours(proposal["received_on"], rng)
            dates = demo_rows.step_dates(final, rng, proposal["period"], proposed_at=proposed_at)
            reason = demo_rows.rejection_reason(rng) if final == Status.REJECTED else ""
            if final == Status.TRANSFER_FAILED:
                reason = Reason.OTHER
            rows[Application].append(
                {
                    "id": app_id,
                    "owner_id": owner_id,
                    "business_id": business_id,
                    "program_id": program.pk,
                    "proposal_list_id": proposal["id"],
                    "status": final,
                    "reason_code": reason,
                    "reason_note": "",
                    **demo_rows.stamps(dates),
                    "updated_at": dates[final],
                }
            )
            disbursement = demo_rows.disbursement_row(
                final=final,
                dates=dates,
                amount=program.amount,
                account=account,
                reference=f"SEED-{app_id}",
                source=SOURCE,
            )
            if disbursement:
                rows[Disbursement].append(
                    {
                        **disbursement,
                        "id": disbursement_id,
                        "application_id": app_id,
                        "created_at": now,
                    }
                )
                disbursement_id += 1
            # One record, the latest move, per application: enough for the lists and the
            # dashboard at this scale.
            path = demo_rows.status_path(final)
            rows[StatusChange].append(
                {
                    "id": ids[StatusChange] + k,
                    "application_id": app_id,
                    "from_status": path[-2] if len(path) > 1 else "",
                    "to_status": final,
                    "reason_code": reason,
                    "note": "",
                    "source": SOURCE,
                    "at": dates[final],
                }
            )
        return rows
