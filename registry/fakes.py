"""Realistic, valid identifiers for demo data, benchmarks and tests (never real people)."""

from __future__ import annotations

import datetime
import random

from registry.identifiers import CITY_NIK_PREFIX

# Kemendagri codes of Kota Bekasi's kecamatan (32.75.01 … 32.75.12), as used in NIKs.
BEKASI_DISTRICTS = [f"{CITY_NIK_PREFIX}{n:02d}" for n in range(1, 13)]
MOBILE_PREFIXES = ["0811", "0812", "0813", "0821", "0822", "0852", "0856", "0857", "0878", "0896"]


def nik(
    rng: random.Random,
    *,
    district: str | None = None,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    serial: int | None = None,
) -> str:
    """A NIK that passes :func:`registry.identifiers.nik`: district, DDMMYY (+40 for women), serial."""
    district = district or rng.choice(BEKASI_DISTRICTS)
    birth_date = birth_date or datetime.date(1950, 1, 1) + datetime.timedelta(
        days=rng.randrange(0, 365 * 55)
    )
    sex = sex or rng.choice("MF")
    day = birth_date.day + (40 if sex == "F" else 0)
    serial = serial if serial is not None else rng.randint(1, 2500)
    return f"{district}{day:02d}{birth_date:%m%y}{serial:04d}"


def kk(rng: random.Random, *, district: str | None = None) -> str:
    """A KK number that passes :func:`registry.identifiers.kk`: district, issue date DDMMYY
    (no 40 added), serial."""
    district = district or rng.choice(BEKASI_DISTRICTS)
    issued = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 15))
    return f"{district}{issued:%d%m%y}{rng.randint(1, 9999):04d}"


def mobile(rng: random.Random) -> str:
    """A mobile number in the ``08…`` form people write (12 digits)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def account_number(rng: random.Random, bank_code: str) -> str:
    # BRI accounts have 15 digits, BNI 10, Mandiri 13; others vary.
    length = {"002": 15, "009": 10, "008": 13}.get(bank_code, 10)
    return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in range(length - 1))
