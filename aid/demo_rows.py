"""Row builders shared by the seeders of ``devtools`` (``seed_demo``, ``seed_scale``, the
status-page benchmark's ``devtools/status_page/seed.py``) and by the tests' fixtures; they
stay beside the models they build so that tests need no dev-only app to use them.

Everything generated data needs to look like the portal's own: fake owners, businesses and
accounts from Kota Bekasi (valid NIKs by :mod:`registry.fakes`), the path of statuses that
leads to each final status (read from :data:`aid.transitions.ALLOWED`), the BPUM 2020 program
(its one home is :func:`aid.services.program_ensure_bpum_2020`), and a date for every step in
time order inside the program's period. :func:`walk` moves one application through the
services; the bulk seeders take the same paths and dates and write rows set-based.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from functools import cache

from faker import Faker

from aid import services, transitions
from aid.models import Application, Program, ProposalList, Reason, Status
from registry import fakes
from registry.models import Bank, Region

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))

SECTORS = [
    "Kuliner",
    "Warung sembako",
    "Konveksi dan jahit",
    "Kerajinan tangan",
    "Bengkel motor",
    "Laundry",
    "Toko kelontong",
    "Pertanian kota",
    "Jasa cukur",
    "Dagang daring",
]
# Share of generated applications that end in each status (sums to 1).
STATUS_MIX = {
    Status.PROPOSED: 0.22,
    Status.VERIFIED: 0.12,
    Status.SUBMITTED: 0.10,
    Status.APPROVED: 0.08,
    Status.TRANSFERRED: 0.14,
    Status.WITHDRAWN: 0.14,
    Status.RETURNED: 0.04,
    Status.TRANSFER_FAILED: 0.05,
    Status.REJECTED: 0.11,
}
# Weights of the reasons a generated rejection gives (it comes straight after the proposal,
# so never the ministry's "not approved").
REJECTIONS = {
    Reason.DUPLICATE_IN_LIST: 20,
    Reason.DUPLICATE_EXISTING: 25,
    Reason.INCOMPLETE: 30,
    Reason.INVALID_NIK: 5,
    Reason.INVALID_FIELD: 10,
    Reason.INELIGIBLE: 5,
}
FAILURE_REASON = "Rekening tidak aktif"
BANK_CODES = ["002", "009", "008", "451", "110"]
PAYING = (Status.TRANSFERRED, Status.TRANSFER_FAILED)


# --- statuses and dates ---------------------------------------------------------------------


@cache
def status_path(final: str) -> tuple[str, ...]:
    """The statuses an application passes through to reach ``final``, proposed first: the
    shortest way through :data:`aid.transitions.ALLOWED`, preferring the normal order of
    :data:`aid.transitions.PATH` (rejected comes straight after the proposal)."""
    order = [*transitions.PATH, *(s for s in Status.values if s not in transitions.PATH)]
    paths = {Status.PROPOSED: (Status.PROPOSED,)}
    frontier = [Status.PROPOSED]
    while frontier and final not in paths:
        reached = []
        for status in frontier:
            for target in sorted(transitions.ALLOWED[status], key=order.index):
                if target not in paths:
                    paths[target] = (*paths[status], target)
                    reached.append(target)
        frontier = reached
    return paths[final]


@dataclass(frozen=True, slots=True)
class Period:
    """When a program's generated steps may happen: proposals from ``proposals_from``,
    transfers from ``transfers_from``, nothing after ``ends_on`` (when set)."""

    proposals_from: datetime.date
    transfers_from: datetime.date
    ends_on: datetime.date | None
    withdrawal_days: int

    @classmethod
    def of(cls, program: Program, *, transfers_from: datetime.date) -> Period:
        return cls(program.starts_on, transfers_from, program.ends_on, program.withdrawal_days)


# BPUM 2020's first transfers reached the banks on 10 September 2020.
BPUM_2020_TRANSFERS_FROM = datetime.date(2020, 9, 10)


def bpum_2020() -> tuple[Program, Period]:
    """The BPUM 2020 program (created if missing) and the period its demo steps fall in."""
    program = services.program_ensure_bpum_2020()
    return program, Period.of(program, transfers_from=BPUM_2020_TRANSFERS_FROM)


DEMO_OPEN_PROGRAM = "demo-bantuan-usaha"


def open_program(today: datetime.date) -> Program:
    """A program open for proposals in ``today``'s year (created if missing, without
    applications), so that the demo's proposer can upload a list and take it through the
    workspace: BPUM 2020 ended long ago."""
    program, _ = Program.objects.get_or_create(
        code=DEMO_OPEN_PROGRAM,
        defaults={
            "name": f"Bantuan Usaha Mikro Kota Bekasi {today.year} (demo)",
            "amount": 1_200_000,
            "one_time": True,
            "withdrawal_days": 90,
            "starts_on": datetime.date(today.year, 1, 1),
        },
    )
    return program


def recent_period(program: Program, today: datetime.date) -> Period:
    """Steps of ``program`` in the weeks before ``today``: proposed 60-46 days ago (see
    :func:`proposal_day`), so that the four steps to a transfer (1-6 days each) end 30-13
    days before ``today``, well inside the withdrawal window."""
    return Period(
        proposals_from=today - datetime.timedelta(days=60),
        transfers_from=today - datetime.timedelta(days=30),
        ends_on=None,
        withdrawal_days=program.withdrawal_days,
    )


def office_hours(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time between 08:00 and 15:59 WIB on ``day``."""
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.randint(0, 59)), JAKARTA
    )


def proposal_day(rng: random.Random, period: Period, *, within: int = 14) -> datetime.date:
    """A day in the first ``within`` days of the program's proposals."""
    return period.proposals_from + datetime.timedelta(days=rng.randint(0, within))


def step_dates(
    final: str,
    rng: random.Random,
    period: Period,
    *,
    proposed_at: datetime.datetime | None = None,
) -> dict[str, datetime.datetime]:
    """A date for every status on the way to ``final``, in path order and strictly
    increasing: proposed first (``proposed_at`` or a day early in the period), each next step
    1-6 days later, transfers not before ``period.transfers_from`` and early enough that a
    return (the day after the withdrawal deadline) still falls before ``period.ends_on``."""
    proposed_at = proposed_at or office_hours(proposal_day(rng, period), rng)
    dates = {Status.PROPOSED: proposed_at}
    at = proposed_at
    for status in status_path(final)[1:]:
        if status in PAYING:
            first = max(at.date() + datetime.timedelta(days=1), period.transfers_from)
            last = first + datetime.timedelta(days=14)
            if period.ends_on:
                latest = period.ends_on - datetime.timedelta(days=period.withdrawal_days + 1)
                last = max(first, min(last, latest))
            at = office_hours(
                first + datetime.timedelta(days=rng.randint(0, (last - first).days)), rng
            )
        elif status == Status.RETURNED:
            # Sent back to the treasury the day after the withdrawal deadline.
            at = dates[Status.TRANSFERRED] + datetime.timedelta(days=period.withdrawal_days + 1)
        elif status == Status.WITHDRAWN:
            days = rng.randint(1, min(30, period.withdrawal_days))
            at = office_hours(at.date() + datetime.timedelta(days=days), rng)
        else:
            at = office_hours(at.date() + datetime.timedelta(days=rng.randint(1, 6)), rng)
        dates[status] = at
    return dates


def stamps(dates: dict[str, datetime.datetime]) -> dict[str, datetime.datetime]:
    """The application's step timestamps for ``dates``: ``{"verified_at": …, …}``."""
    return {transitions.STEP_FIELD[status]: at for status, at in dates.items()}


def final_statuses(rng: random.Random, count: int) -> list[str]:
    """``count`` final statuses drawn in :data:`STATUS_MIX`."""
    return rng.choices(list(STATUS_MIX), weights=list(STATUS_MIX.values()), k=count)


def rejection_reason(rng: random.Random) -> str:
    return rng.choices(list(REJECTIONS), weights=list(REJECTIONS.values()))[0]


# --- owners, businesses, accounts -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pools:
    """Names and streets drawn once from Faker (id_ID): picking from them is fast and, with
    a seeded ``random.Random``, gives the same values on every run."""

    male: list[str]
    female: list[str]
    last: list[str]
    streets: list[str]

    @classmethod
    def make(cls, seed, *, names: int = 300, streets: int = 2000) -> Pools:
        fake = Faker("id_ID")
        fake.seed_instance(seed)
        return cls(
            male=[fake.first_name_male() for _ in range(names)],
            female=[fake.first_name_female() for _ in range(names)],
            last=[fake.last_name() for _ in range(names)],
            streets=[fake.street_address() for _ in range(streets)],
        )


def kelurahan_pool() -> list[Region]:
    """Kota Bekasi's kelurahan, with their kecamatan (whose code starts a NIK)."""
    return list(Region.objects.filter(level=Region.Level.KELURAHAN).select_related("parent"))


def bank_pool() -> list[Bank]:
    return list(Bank.objects.filter(code__in=BANK_CODES).order_by("code"))


def owner_row(
    rng: random.Random,
    pools: Pools,
    *,
    kelurahan: Region | None = None,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    serial: int | None = None,
) -> dict:
    """What an owner's form holds (``registry.services.owner_upsert``'s arguments): a NIK
    from the kelurahan's kecamatan (any in Kota Bekasi without one), a name that fits the
    NIK's sex, a mobile number, an address. ``sex`` is "M" or "F" (55% women if not given)."""
    sex = sex or ("F" if rng.random() < 0.55 else "M")
    district = kelurahan.parent.code.replace(".", "") if kelurahan else None
    first = rng.choice(pools.female if sex == "F" else pools.male)
    return {
        "nik": fakes.nik(rng, district=district, birth_date=birth_date, sex=sex, serial=serial),
        "full_name": f"{first} {rng.choice(pools.last)}",
        "phone": "+62" + fakes.mobile(rng)[1:],
        "ktp_address": rng.choice(pools.streets),
        "rt": f"{rng.randint(1, 15):03d}",
        "rw": f"{rng.randint(1, 12):03d}",
        "kelurahan": kelurahan,
    }


def business_row(rng: random.Random, pools: Pools, *, owner_name: str, kelurahan) -> dict:
    """A micro business named after its sector and owner (``business_create``'s arguments)."""
    sector = rng.choice(SECTORS)
    return {
        "name": f"{sector} {owner_name.split()[0]}",
        "sector": sector,
        "address": rng.choice(pools.streets),
        "kelurahan": kelurahan,
        "workers": rng.randint(0, 4),
        "year_started": rng.randint(2005, 2019),
    }


def account_row(rng: random.Random, banks: list[Bank], *, holder_name: str) -> dict:
    """An account at one of the banks (``bank_account_set``'s arguments)."""
    bank = rng.choice(banks)
    return {
        "bank": bank,
        "account_number": fakes.account_number(rng, bank.code),
        "holder_name": holder_name,
    }


def wants_account(rng: random.Random, final: str) -> bool:
    """Everyone who is paid has an account; of the others, nine in ten."""
    return bool(set(PAYING) & set(status_path(final))) or rng.random() < 0.9


def disbursement_row(
    *, final: str, dates: dict, amount: int, account: dict, reference: str, source: str
) -> dict | None:
    """The transfer an application with these ``dates`` had (None if it was never paid):
    the program's amount, a snapshot of the account, withdrawn when the path says so."""
    paid = next((status for status in PAYING if status in dates), None)
    if paid is None:
        return None
    succeeded = paid == Status.TRANSFERRED
    return {
        "amount": amount,
        "bank_code": account["bank"].code,
        "account_number": account["account_number"],
        "holder_name": account["holder_name"],
        "transferred_at": dates[paid],
        "bank_reference": reference,
        "outcome": "success" if succeeded else "failed",
        "failure_reason": "" if succeeded else FAILURE_REASON,
        "withdrawn_at": dates.get(Status.WITHDRAWN),
        "source": source,
    }


# --- one application through the services ---------------------------------------------------


def propose(
    *,
    business,
    program: Program,
    proposal_list: ProposalList | None,
    at: datetime.datetime,
    source: str,
) -> Application:
    """An application proposed at ``at`` (in the program's past) with its first record.

    ``services.application_create`` stamps the proposal now; generated history needs its own
    date, so this writes the row and its record as the set-based import does.
    """
    application = Application.objects.create(
        owner=business.owner,
        business=business,
        program=program,
        proposal_list=proposal_list,
        proposed_at=at,
    )
    transitions.record_proposed([application], by=None, source=source)
    return application


_MOVES = {
    Status.VERIFIED: services.application_verify,
    Status.SUBMITTED: services.application_submit,
    Status.APPROVED: services.application_approve,
    Status.RETURNED: services.application_return,
}


def walk(
    application: Application,
    dates: dict[str, datetime.datetime],
    *,
    reference: str,
    reason_code: str = Reason.INCOMPLETE,
    note: str = "Data demo",
    source: str = "",
) -> Application:
    """Move a proposed application through every status of ``dates`` after the first, each
    at its date, through the services (a transfer through ``disbursement_record`` with bank
    reference ``reference``). Returns the application as it ends."""
    for status, at in list(dates.items())[1:]:
        if status in PAYING:
            services.disbursement_record(
                application=application,
                bank_reference=reference,
                succeeded=status == Status.TRANSFERRED,
                failure_reason="" if status == Status.TRANSFERRED else FAILURE_REASON,
                transferred_at=at,
                source=source,
            )
        elif status == Status.WITHDRAWN:
            services.disbursement_withdrawn(
                disbursement=application.disbursements.get(outcome="success"),
                withdrawn_at=at,
                source=source,
            )
        elif status == Status.REJECTED:
            # services.application_reject stamps now; the move is the same, dated.
            transitions.move(
                application,
                Status.REJECTED,
                by=None,
                reason_code=reason_code,
                note=note,
                source=source,
                at=at,
            )
        else:
            _MOVES[status](application=application, by=None, source=source, at=at)
        application.refresh_from_db()
    return application
