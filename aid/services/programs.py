"""Writes for programs: the BPUM 2020 program's one home."""

from __future__ import annotations

import datetime

from aid.models import (
    Program,
)


def program_ensure_bpum_2020() -> Program:
    """The BPUM 2020 program (Rp2.400.000 once per NIK, 90 days to withdraw), created if
    missing; demo data and benchmarks use it."""
    program, _ = Program.objects.get_or_create(
        code="bpum-2020",
        defaults={
            "name": "Banpres Produktif Usaha Mikro (BPUM) 2020",
            "amount": 2_400_000,
            "one_time": True,
            "withdrawal_days": 90,
            "starts_on": datetime.date(2020, 8, 17),
            "ends_on": datetime.date(2020, 12, 31),
        },
    )
    return program
