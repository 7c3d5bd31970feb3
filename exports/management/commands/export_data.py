"""Export owners, businesses, applications or disbursements to CSV or XLSX.

NIK, KK, phone and account numbers are masked unless ``--user`` names a user who may see
full identities; every export is written to the personal-data access log.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aid.resources import ApplicationResource, DisbursementResource
from registry.resources import BusinessResource, OwnerResource

RESOURCES = {
    "owners": OwnerResource,
    "businesses": BusinessResource,
    "applications": ApplicationResource,
    "disbursements": DisbursementResource,
}


class Command(BaseCommand):
    help = (
        "Ekspor pemilik, usaha, permohonan atau penyaluran ke CSV/XLSX. NIK dan nomor "
        "rekening disamarkan kecuali --user berhak melihat identitas lengkap."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(RESOURCES))
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--user", help="nama pengguna yang mengekspor (untuk hak dan log)")

    def handle(self, *args, what, format, output, user, **options):
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user, is_active=True)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"Pengguna {user} tidak ada atau tidak aktif.") from exc
        resource = RESOURCES[what](user=account, source=f"export_data --format {format}")
        dataset = resource.export(force_native_type=format == "xlsx")
        body = dataset.export(format)
        if format == "csv":
            output.write_text(body, encoding="utf-8-sig")
        else:
            output.write_bytes(body)
        state = "lengkap" if resource.full_identity else "disamarkan"
        self.stdout.write(f"{len(dataset)} baris {what} ({state}) ditulis ke {output}.")
