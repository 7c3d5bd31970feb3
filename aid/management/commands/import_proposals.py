"""Stage and check a proposal list from the command line; merge it with --commit."""

import json
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from aid import services
from aid.models import ImportStatus, Program, ProposalList


class Command(BaseCommand):
    help = (
        "Import a proposal list (CSV or XLSX): check and stage every row, print a summary, "
        "and with --commit merge the accepted rows into the registry and applications."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--program", required=True, help="program code, e.g. bpum-2020")
        parser.add_argument(
            "--proposer",
            required=True,
            help="name of the proposer organisation (created on first use); a list sent again "
            "by the same proposer for the same program is its next version",
        )
        parser.add_argument(
            "--proposer-kind",
            default=ProposalList.ProposerKind.KELURAHAN,
            choices=ProposalList.ProposerKind.values,
        )
        parser.add_argument("--commit", action="store_true", help="merge the accepted rows")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, path: Path, program: str, proposer: str, **options):
        started = time.perf_counter()
        try:
            program_obj = Program.objects.get(code=program)
        except Program.DoesNotExist as exc:
            raise CommandError(f"Program {program!r} tidak ditemukan.") from exc
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ditemukan.")
        try:
            with path.open("rb") as f:
                proposal_list = services.proposal_list_upload(
                    program=program_obj,
                    proposer_name=proposer,
                    proposer_kind=options["proposer_kind"],
                    file=f,
                    filename=path.name,
                    max_bytes=None,  # the web upload cap protects the server, not the CLI
                    process=False,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        services.proposal_list_stage(proposal_list=proposal_list)
        proposal_list.refresh_from_db()
        if proposal_list.import_status != ImportStatus.STAGED:
            raise CommandError(proposal_list.import_error)
        merged = 0
        if options["commit"]:
            merged = services.proposal_list_confirm(proposal_list=proposal_list, by=None)
            proposal_list.refresh_from_db()
        counts = proposal_list.counts
        summary = {
            "rows": counts["rows"],
            "accepted": counts["accepted"],
            "rejected": counts["rejected"],
            "flagged": counts["flagged"],
            # Rows accepted before from an earlier list of the same proposer (a resend).
            "previous": counts.get("previous", 0),
            # The workbook's total row and signature block, skipped (not people).
            "closing": proposal_list.closing_rows,
            "merged": merged,
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, sort_keys=True))
            return
        self.stdout.write(f"Daftar usulan #{proposal_list.pk}: {summary['rows']} baris")
        self.stdout.write(f"  diterima: {summary['accepted']} (ditandai: {summary['flagged']})")
        if summary["previous"]:
            self.stdout.write(f"  sudah diterima pada versi sebelumnya: {summary['previous']}")
        for reason, n in sorted(summary["rejected"].items()):
            self.stdout.write(f"  ditolak, {reason}: {n}")
        if options["commit"]:
            self.stdout.write(self.style.SUCCESS(f"  digabungkan: {merged} permohonan"))
        else:
            self.stdout.write("  belum digabungkan (jalankan lagi dengan --commit)")
        self.stdout.write(f"  {summary['seconds']} detik")
