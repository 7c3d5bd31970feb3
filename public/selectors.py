"""Reads of the public status page: the one statement that answers a check.

An owner is found by NIK (``aid.selectors``); a NIK that matches no owner may match proposal
rows refused at import (:class:`public.models.RefusedProposal`, by the NIK's keyed hash).
Both are read by a single ``UNION ALL`` statement whatever the outcome, so a check costs the
same query (and, on PostgreSQL, the same prepared statement and round trip) for an owner,
a refused proposal, wrong digits and an unknown NIK.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.utils.dateparse import parse_date

from aid.models import REASON_ADVICE, Reason
from aid.selectors import OwnerStatus, owner_status, status_lookup_statement
from proposers.models import Proposer
from public.models import RefusedProposal
from registry.models import Owner, Region


@dataclass(frozen=True, slots=True)
class Refusal:
    """One refused proposal as the owner may see it: who sent it, when, why, where to go."""

    proposer_name: str
    proposer_kind: str
    kelurahan_name: str
    contact_name: str
    contact_phone: str
    address: str
    opening_hours: str
    proposed_on: datetime.date
    reason_code: str
    reason_label: str
    reason_advice: str
    message: str


@dataclass(frozen=True, slots=True)
class RefusedStatus:
    refusals: list[Refusal]


REFUSED_COLUMNS = (
    "phone_last4",
    "proposed_on",
    "reason_code",
    "message",
    "proposer_name",
    "proposer_kind",
    "contact_name",
    "contact_phone",
    "address",
    "opening_hours",
    "kelurahan_name",
)


@cache
def _refused_sql(vendor: str, owner_columns: int) -> str:
    quote = connection.ops.quote_name
    refused, proposer, region = RefusedProposal._meta, Proposer._meta, Region._meta
    owner = Owner._meta

    def r(name):
        return f"r.{quote(refused.get_field(name).column)}"

    def p(name):
        return f"p.{quote(proposer.get_field(name).column)}"

    values = [
        r("phone_last4"),
        r("proposed_on"),
        r("reason_code"),
        r("message"),
        f"COALESCE({p('name')}, {r('proposer_name')})",
        p("kind"),
        p("contact_name"),
        p("phone"),
        p("address"),
        p("opening_hours"),
        f"k.{quote(region.get_field('name').column)}",
    ]
    nulls = ", ".join(["NULL"] * owner_columns)
    return (
        f"SELECT 'r', {nulls}, {', '.join(values)} "
        f"FROM {quote(refused.db_table)} r "
        f"LEFT JOIN {quote(proposer.db_table)} p ON p.{quote('id')} = {r('proposer')} "
        f"LEFT JOIN {quote(region.db_table)} k ON k.{quote('id')} = {p('kelurahan')} "
        f"WHERE {r('nik_hash')} = %s AND NOT EXISTS (SELECT 1 FROM {quote(owner.db_table)} "
        f"WHERE {quote(owner.get_field('nik').column)} = %s)"
    )


def status_statement(nik: str, nik_hash: str) -> tuple[str, tuple, tuple[str, ...]]:
    """SQL, parameters and owner columns of the page's lookup: the owner's rows
    (:func:`aid.selectors.status_lookup_statement`) then, only when no owner has this NIK,
    the refused proposals with its hash. Each row starts with its source, ``o`` or ``r``."""
    owner_sql, owner_params, columns = status_lookup_statement(nik)
    nulls = ", ".join(f"NULL AS r_{name}" for name in REFUSED_COLUMNS)
    sql = (
        f"SELECT 'o' AS src, o.*, {nulls} FROM ({owner_sql}) o "
        f"UNION ALL {_refused_sql(connection.vendor, len(columns))}"
    )
    return sql, (*owner_params, nik_hash, nik), columns


def status_answer(
    rows: list[tuple], columns: tuple[str, ...], phone_last4: str
) -> OwnerStatus | RefusedStatus | None:
    """What the page shows for the lookup's ``rows``: the owner's status, the refused
    proposals whose phone ends in ``phone_last4``, or None alike for wrong digits, a refused
    row without a phone (never recorded) and an unknown NIK."""
    width = len(columns)
    owner_rows = [row[1 : 1 + width] for row in rows if row[0] == "o"]
    refused_rows = [
        dict(zip(REFUSED_COLUMNS, row[1 + width :], strict=True)) for row in rows if row[0] == "r"
    ]
    if owner_rows or not refused_rows:
        return owner_status(owner_rows, columns, phone_last4)
    # Every row compared, in constant time, whether or not an earlier one matched.
    matches = [
        hmac.compare_digest((row["phone_last4"] or "\x00" * 4).encode(), phone_last4.encode())
        for row in refused_rows
    ]
    refusals = [_refusal(row) for row, match in zip(refused_rows, matches, strict=True) if match]
    if not refusals:
        return None
    refusals.sort(key=lambda refusal: refusal.proposed_on, reverse=True)
    return RefusedStatus(refusals=refusals)


def _refusal(row: dict) -> Refusal:
    proposed_on = row["proposed_on"]
    if isinstance(proposed_on, str):
        proposed_on = parse_date(proposed_on[:10])
    reason = Reason(row["reason_code"]) if row["reason_code"] in Reason.values else Reason.OTHER
    kind = row["proposer_kind"]
    return Refusal(
        proposer_name=row["proposer_name"] or "",
        proposer_kind=str(Proposer.Kind(kind).label) if kind in Proposer.Kind.values else "",
        kelurahan_name=row["kelurahan_name"] or "",
        contact_name=row["contact_name"] or "",
        contact_phone=row["contact_phone"] or "",
        address=row["address"] or "",
        opening_hours=row["opening_hours"] or "",
        proposed_on=proposed_on,
        reason_code=reason.value,
        reason_label=str(reason.label),
        reason_advice=str(REASON_ADVICE.get(reason, "")),
        message=row["message"] or "",
    )
