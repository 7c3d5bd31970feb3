"""Benchmark the proposal-list import on the current DATABASE_URL.

Generates a realistic list (Faker id_ID names, Bekasi NIKs with realistic serials, about 5%
duplicates, 4% incomplete rows, Excel-damaged NIKs, mixed phone formats), then times read,
check, stage, dedupe and merge (the confirm, as staff press it) separately and prints rows/s
and peak memory. With ``--earlier-lists`` the program first receives that many other lists
(untimed), so the measured list meets a registry and a program that already hold thousands
of owners and applications, some with its NIKs, phones and accounts. For comparison the same
rows go through a plain django-import-export ModelResource. Everything runs in a transaction
that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import csv
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from aid import transitions
from aid.importing import pipeline
from aid.importing.guards import CSV
from aid.models import (
    Application,
    ImportPhase,
    ImportRow,
    ImportStatus,
    Program,
    ProposalList,
    Reason,
)
from aid.services import import_row_remove, proposal_list_confirm
from devtools.sql_timings import statement_timings
from registry import fakes, identifiers
from registry.models import Bank, Owner, Region

HEADER = [
    "No",
    "NIK",
    "Nama Lengkap",
    "Alamat KTP",
    "RT",
    "RW",
    "Kecamatan",
    "Kelurahan",
    "Nama Usaha",
    "Jenis Usaha",
    "No. HP",
    "Bank",
    "No Rekening",
]
SECTORS = ["Kuliner", "Kelontong", "Konveksi", "Jasa", "Kerajinan", "Pertanian", "Otomotif"]


class _Rollback(Exception):
    pass


def _phone(rng: random.Random) -> str:
    number = fakes.mobile(rng)  # 08xxxxxxxxxx
    style = rng.random()
    if style < 0.5:
        return number
    if style < 0.7:
        return f"+62 {number[1:4]}-{number[4:8]}-{number[8:]}"
    if style < 0.85:
        return "62" + number[1:]
    if style < 0.97:
        return f"{number[:4]} {number[4:8]} {number[8:]}"
    return "021" + number[4:11]  # a landline: refused


# Share of rows that reuse the phone (and account) of a row of an earlier list under their
# own NIK: a family member or a helper who filled in the forms.
BORROWED_SHARE = 0.005


def generate(
    path: Path, rows: int, *, seed: int = 66, borrow: list[list[str]] | None = None
) -> list[list[str]]:
    """Write a realistic proposal list of ``rows`` data rows to ``path`` (CSV, ``;``).

    With ``borrow`` (rows of earlier lists), a few rows take the phone and account of one of
    them. Returns a sample of up to 5,000 of the rows written, for a later list to borrow.
    """
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    kelurahan = list(Region.objects.filter(level=Region.Level.KELURAHAN).select_related("parent"))
    banks = list(Bank.objects.values_list("code", "short_name"))
    names = [fake.name() for _ in range(2000)]
    streets = [fake.street_address() for _ in range(2000)]
    recent: list[list[str]] = []
    serials: dict[str, int] = {}
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(HEADER)
        for i in range(1, rows + 1):
            roll = rng.random()
            if roll < 0.05 and recent:
                row = list(rng.choice(recent))  # data ganda: the same person sent twice
                row[0] = str(i)
                writer.writerow(row)
                continue
            region = rng.choice(kelurahan)
            district = region.parent.code.replace(".", "")
            # Serials count up per district and birth date, as Dukcapil issues them.
            birth = fakes.nik(rng, district=district)[6:12]
            key = district + birth
            serials[key] = serials.get(key, 0) + 1
            nik = f"{district}{birth}{serials[key]:04d}"
            if rng.random() < 0.01:
                nik = rng.choice([f"{nik[:4]}.{nik[4]}E+15", nik[:12] + "0000"])  # Excel damage
            name = rng.choice(names)
            code, short = rng.choice(banks)
            has_account = rng.random() < 0.7
            row = [
                str(i),
                nik,
                name,
                rng.choice(streets),
                f"{rng.randint(1, 15):03d}",
                f"{rng.randint(1, 12):03d}",
                rng.choice([region.parent.name, region.parent.name.upper(), ""]),
                rng.choice([region.name, region.name.lower()]),
                f"{rng.choice(['Warung', 'Toko', 'Usaha', 'Kedai'])} {name.split()[0]}",
                rng.choice(SECTORS),
                _phone(rng),
                rng.choice([code, short]) if has_account else "",
                fakes.account_number(rng, code) if has_account else "",
            ]
            if borrow and rng.random() < BORROWED_SHARE:
                row[10:13] = rng.choice(borrow)[10:13]
            if rng.random() < 0.04:  # data kurang lengkap
                row[rng.choice([3, 10])] = rng.choice(["", "-"])
            writer.writerow(row)
            if len(recent) < 5000:
                recent.append(row)
            elif rng.random() < 0.1:
                recent[rng.randrange(5000)] = row
    return recent


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the proposal-list import (and a plain ModelResource) on generated rows."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=66000)
        parser.add_argument(
            "--baseline-rows",
            type=int,
            default=2000,
            help="rows sent through the plain ModelResource (it is slow); 0 to skip",
        )
        parser.add_argument("--skip-baseline", action="store_true")
        parser.add_argument("--seed", type=int, default=66)
        parser.add_argument(
            "--earlier-lists",
            type=int,
            default=0,
            help="lists merged into the program before the measured one (realistic: 2)",
        )
        parser.add_argument(
            "--earlier-rows", type=int, default=6500, help="rows of each earlier list"
        )
        parser.add_argument(
            "--corrections",
            type=int,
            default=0,
            help="before the merge, time this many workspace changes of the staged list "
            "(each: a row removed, its copies checked again, the flags found again)",
        )

    def handle(
        self,
        *args,
        rows: int,
        baseline_rows: int,
        skip_baseline: bool,
        seed: int,
        earlier_lists: int,
        earlier_rows: int,
        corrections: int,
        **o,
    ):
        out = self.stdout
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            started = time.perf_counter()
            earlier: list[Path] = []
            borrow: list[list[str]] = []
            for i in range(earlier_lists):
                earlier.append(Path(tmp) / f"earlier-{i + 1}.csv")
                borrow += generate(earlier[-1], earlier_rows, seed=seed + 1 + i)
            path = Path(tmp) / "daftar.csv"
            generate(path, rows, seed=seed, borrow=borrow)
            size = path.stat().st_size / 1024 / 1024
            out.write(
                f"Generated {rows} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s "
                f"on {connection.vendor}"
            )
            del borrow
            try:
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        # Django's foreign keys are checked at COMMIT, which this rolled-back
                        # run never reaches; check them as each statement ends instead, so
                        # their cost is timed where the real import pays it.
                        with connection.cursor() as cursor:
                            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    # The baseline first, on an untouched registry (its dry run rolls back).
                    if not skip_baseline and baseline_rows:
                        self._baseline(path, min(rows, baseline_rows))
                    program = Program.objects.create(
                        code=f"bench-{int(time.time())}", name="Benchmark", amount=2_400_000
                    )
                    if earlier:
                        self._earlier(program, earlier)
                    self._run(program, path, rows, corrections)
                    raise _Rollback
            except _Rollback:
                pass
        out.write(f"Peak memory (process RSS): {_peak_mb():.0f} MB")

    def _import(self, program: Program, path: Path, name: str, corrections: int = 0):
        """Check, stage and confirm one list as the portal does; return its report (with the
        confirm's time as "merge"), the applications merged, and the time of each kind of
        statement of the dedupe and merge steps. With ``corrections``, that many workspace
        changes are timed between staging and the merge (:meth:`_corrections`)."""
        proposal_list = ProposalList.objects.create(
            program=program,
            proposer_name=name,
            proposer_kind=ProposalList.ProposerKind.OTHER,
            import_status=ImportStatus.PROCESSING,
        )

        def on_phase(phase: str) -> None:
            if phase == ImportPhase.DUPLICATES:
                statements.section = "dedupe"

        with statement_timings("stage") as statements:
            with path.open("rb") as f:
                report = pipeline.stage_file(proposal_list, f, CSV, on_phase=on_phase)
            statements.section = ""  # between the steps: not printed
            transitions.import_move(proposal_list, ImportStatus.STAGED)
            if corrections:
                self._corrections(proposal_list, corrections)
            statements.section = "merge"
            started = time.perf_counter()
            merged = proposal_list_confirm(proposal_list=proposal_list, by=None)
            report.timings["merge"] = time.perf_counter() - started
        return report, merged, statements

    def _earlier(self, program: Program, paths: list[Path]) -> None:
        """Merge the earlier lists into the program (untimed, but their time is printed)."""
        started = time.perf_counter()
        for i, path in enumerate(paths, 1):
            self._import(program, path, f"Benchmark, daftar sebelumnya {i}")
        applications = Application.objects.filter(program=program).count()
        self.stdout.write(
            f"Earlier lists: {len(paths)} merged into the program, {applications} applications, "
            f"{Owner.objects.count()} owners in the registry "
            f"({time.perf_counter() - started:.1f} s, not part of the figures below)"
        )

    def _corrections(self, proposal_list: ProposalList, count: int) -> None:
        """Remove, as a proposer would in the workspace, ``count`` accepted rows whose NIK a
        later row repeats: each removal checks that copy again and finds the list's flags
        again (aid.services.import_row_remove). Prints the median time of one."""
        officer = get_user_model().objects.create(username=f"bench-{int(time.time())}")
        copied = ImportRow.objects.filter(
            proposal_list=proposal_list,
            outcome=ImportRow.Outcome.REJECTED,
            reason_code=Reason.DUPLICATE_IN_LIST,
        ).values("nik")
        firsts = list(
            ImportRow.objects.filter(
                proposal_list=proposal_list, outcome=ImportRow.Outcome.ACCEPTED, nik__in=copied
            ).order_by("row_number")[:count]
        )
        spent, accepted_again = [], 0
        for row in firsts:
            started = time.perf_counter()
            accepted_again += len(import_row_remove(row=row, by=officer).accepted_again)
            spent.append(time.perf_counter() - started)
        if spent:
            self.stdout.write(
                f"Workspace: {len(spent)} rows removed from the staged list, "
                f"{accepted_again} copies accepted again; one change (the list checked again "
                f"and its flags found again) takes {statistics.median(spent):.2f} s (median)"
            )

    def _run(self, program: Program, path: Path, rows: int, corrections: int = 0) -> None:
        report, merged, statements = self._import(program, path, "Benchmark", corrections)
        timings = report.timings
        total = sum(timings.values())
        out = self.stdout
        for step, seconds in timings.items():
            out.write(f"  {step:<7} {seconds:7.2f} s")
            if step not in statements:
                continue
            spent_in_sql = 0.0
            for label, spent in sorted(statements[step].items(), key=lambda x: -x[1]):
                spent_in_sql += spent
                if spent >= 0.05:
                    out.write(f"      {spent:7.2f} s  {label}")
            # Python's own work, COPY, and rows fetched from server-side cursors after their
            # statement started answering (devtools.sql_timings).
            rest = max(0.0, seconds - spent_in_sql)
            out.write(f"      {rest:7.2f} s  (the rest: Python, COPY, rows of server-side cursors)")
        counts = report.counts
        out.write(
            f"Import: {report.rows} rows in {total:.2f} s ({report.rows / total:,.0f} rows/s); "
            f"accepted {counts['accepted']}, flagged {counts['flagged']}, merged {merged}; "
            f"rejected {dict(sorted(counts['rejected'].items()))}"
        )

    def _baseline(self, path: Path, rows: int) -> None:
        """The same rows through a stock ModelResource (one query and save per row)."""
        import tablib
        from import_export import fields, resources

        class OwnerResource(resources.ModelResource):
            nik = fields.Field(attribute="nik", column_name="NIK")
            full_name = fields.Field(attribute="full_name", column_name="Nama Lengkap")
            ktp_address = fields.Field(attribute="ktp_address", column_name="Alamat KTP")
            phone = fields.Field(attribute="phone", column_name="No. HP")

            class Meta:
                model = Owner
                fields = ("nik", "full_name", "ktp_address", "phone")
                import_id_fields = ("nik",)

            def before_save_instance(self, instance, row, **kwargs):
                facts = identifiers.nik_facts(instance.nik) if len(instance.nik) == 16 else None
                if facts:
                    instance.sex, instance.birth_date = facts.sex, facts.birth_date

        with path.open(encoding="utf-8") as f:
            reader = csv.reader(f, delimiter=";")
            header = next(reader)
            data = tablib.Dataset(headers=header)
            for _i, row in zip(range(rows), reader, strict=False):
                data.append(row)
        started = time.perf_counter()
        result = OwnerResource().import_data(data, dry_run=True, raise_errors=False)
        seconds = time.perf_counter() - started
        per_second = rows / seconds
        self.stdout.write(
            f"Baseline ModelResource: {rows} rows in {seconds:.2f} s ({per_second:,.0f} rows/s; "
            f"66,000 rows would take about {66000 / per_second:,.0f} s); "
            f"{result.totals.get('update', 0)} duplicates merged silently, "
            f"{len(result.invalid_rows) + len(result.row_errors())} rows with errors"
        )
        sys.stdout.flush()
