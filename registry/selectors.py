"""Reads of the registry shared by the admin, the import and the status page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramStrictWordSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from registry import identifiers, names
from registry.models import BankAccount, NikCorrection, Owner, OwnerPairDismissal, Region

_REGION_NOISE = re.compile(r"^(kecamatan|kec|kelurahan|kel|desa)\b\.?", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9a-z]")
# "Bks" is how Bekasi is written in a hurry ("Bks Timur", "Bks. Utara", "Jatiasih, Bks").
_BKS = re.compile(r"\bbks\b\.?", re.IGNORECASE)
# Lists often end a name with the city: "Jatiasih Kota Bekasi", "Rawalumbu - Bekasi".
_CITY_SUFFIXES = ("kotabekasi", "bekasi")

# The 23 kecamatan of Kabupaten Bekasi (region 32.16), a different regency whose names lists
# confuse with the city's: refused with that explanation, never matched by a typo.
KABUPATEN_BEKASI = frozenset(
    {
        "babelan",
        "bojongmangu",
        "cabangbungin",
        "cibarusah",
        "cibitung",
        "cikarangbarat",
        "cikarangpusat",
        "cikarangselatan",
        "cikarangtimur",
        "cikarangutara",
        "karangbahagia",
        "kedungwaringin",
        "muaragembong",
        "pebayuran",
        "serangbaru",
        "setu",
        "sukakarya",
        "sukatani",
        "sukawangi",
        "tambelang",
        "tambunselatan",
        "tambunutara",
        "tarumajaya",
        # Names used loosely for parts of the regency.
        "cikarang",
        "tambun",
    }
)


def region_key(name: str) -> str:
    """Fold loose spellings together: "Pondok Gede", "PONDOKGEDE", "Kec. Pondok-Gede",
    "Bks Timur"."""
    text = _BKS.sub("bekasi", (name or "").strip().lower())
    text = _REGION_NOISE.sub("", text).strip()
    return _NON_ALNUM.sub("", text)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by changing, adding or removing one letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


@dataclass(frozen=True, slots=True)
class RegionMatch:
    kecamatan: Region | None = None
    kelurahan: Region | None = None
    error: str = ""
    # What was read differently from what was written (a typo, the wrong kecamatan), in
    # Indonesian, for the row's note: the row is accepted.
    warnings: tuple[str, ...] = ()


class RegionIndex:
    """All Kota Bekasi regions in memory (68 rows), for matching names typed in lists.

    A name matches its region after :func:`region_key` folding, also with a trailing "Kota
    Bekasi"/"Bekasi" dropped, and otherwise when exactly one region is one letter away (a
    warning says what it was read as). Names of Kabupaten Bekasi are refused as such.
    """

    def __init__(self, regions: list[Region]):
        self.kecamatan = {}
        self.kelurahan = {}
        for region in regions:
            target = self.kecamatan if region.level == Region.Level.KECAMATAN else self.kelurahan
            target[region_key(region.name)] = region

    @classmethod
    def load(cls) -> RegionIndex:
        return cls(list(Region.objects.select_related("parent")))

    @staticmethod
    def _find(names: dict[str, Region], written: str) -> tuple[Region | None, bool]:
        """The region named, and whether it was found only through a one-letter typo."""
        key = region_key(written)
        candidates = [key]
        for suffix in _CITY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                candidates.append(key[: -len(suffix)])
        for candidate in candidates:
            if candidate in names:
                return names[candidate], False
        if any(c in KABUPATEN_BEKASI for c in candidates):
            return None, False
        near = [region for name, region in names.items() if _one_edit_apart(candidates[-1], name)]
        if len(near) == 1 and len(candidates[-1]) >= 5:
            return near[0], True
        return None, False

    @staticmethod
    def _not_found(level: str, written: str) -> str:
        key = region_key(written)
        stripped = [key] + [key[: -len(s)] for s in _CITY_SUFFIXES if key.endswith(s)]
        if any(k in KABUPATEN_BEKASI for k in stripped):
            return _(
                '%(level)s "%(name)s" berada di Kabupaten Bekasi, bukan Kota Bekasi. Usulan '
                "untuk Kabupaten Bekasi dikirim ke Dinas Koperasi dan UKM Kabupaten Bekasi."
            ) % {"level": level, "name": written.strip()}
        return _('%(level)s "%(name)s" tidak ada di Kota Bekasi. Periksa ejaannya.') % {
            "level": level,
            "name": written.strip(),
        }

    def match(self, kecamatan: str = "", kelurahan: str = "") -> RegionMatch:
        """Find the kecamatan and kelurahan named; either may be blank.

        Returns an Indonesian error when a name is not in Kota Bekasi. A kelurahan that lies
        in another kecamatan than the one named is kept, with its own kecamatan and a warning.
        """
        kec = kel = None
        warnings: list[str] = []
        if region_key(kecamatan):
            kec, typo = self._find(self.kecamatan, kecamatan)
            if kec is None:
                return RegionMatch(error=self._not_found(_("Kecamatan"), kecamatan))
            if typo:
                warnings.append(
                    _('Kecamatan "%(written)s" dibaca sebagai %(name)s.')
                    % {"written": kecamatan.strip(), "name": kec.name}
                )
        if region_key(kelurahan):
            kel, typo = self._find(self.kelurahan, kelurahan)
            if kel is None:
                return RegionMatch(kecamatan=kec, error=self._not_found(_("Kelurahan"), kelurahan))
            if typo:
                warnings.append(
                    _('Kelurahan "%(written)s" dibaca sebagai %(name)s.')
                    % {"written": kelurahan.strip(), "name": kel.name}
                )
            if kec is not None and kel.parent_id != kec.pk:
                warnings.append(
                    _(
                        "Kelurahan %(kel)s berada di Kecamatan %(right)s, bukan Kecamatan "
                        "%(kec)s; dicatat di Kecamatan %(right)s."
                    )
                    % {"kel": kel.name, "right": kel.parent.name, "kec": kec.name}
                )
            kec = kel.parent
        return RegionMatch(kecamatan=kec, kelurahan=kel, warnings=tuple(warnings))


def region_match(*, kecamatan: str = "", kelurahan: str = "") -> RegionMatch:
    """Match one pair of names; for many rows load a :class:`RegionIndex` once instead."""
    return RegionIndex.load().match(kecamatan, kelurahan)


def owner_accounts(owner: Owner) -> list[BankAccount]:
    """Every account of the owner, the active one first."""
    return list(owner.bank_accounts.select_related("bank").order_by("-is_active", "-created_at"))


def owner_disbursements(owner: Owner) -> list:
    """Every transfer made to the owner, with the account it was paid to (newest first)."""
    # Looked up by name: the registry does not import the aid app.
    Disbursement = apps.get_model("aid", "Disbursement")
    return list(Disbursement.objects.filter(application__owner=owner).order_by("-transferred_at"))


# Separators people type inside a NIK or a phone number: "3275 0631…", "0812-3456-7890",
# "+62 812 3456 7890", "(021)".
_NUMBER_SEPARATORS = re.compile(r"[\s.\-()/+]")
NIK_PREFIX_MIN = 6


def owner_search(term: str, *, owners: QuerySet[Owner] | None = None) -> QuerySet[Owner]:
    """Owners (of ``owners``, by default all) matching what staff typed, best match first.

    1. sixteen digits: the NIK, exactly;
    2. six or more digits: NIKs that start with them (in NIK order), then
    3. a mobile number in any form ("0812…", "+62 812…", "62812…"), through
       :func:`registry.identifiers.phone`;
    4. anything else is a name: on PostgreSQL the names that contain it or are like it
       (trigram word similarity, which forgives a typo such as "Iriani" for "Iriana"), the names with it
       as a whole word first, then the most similar; both served by the trigram index on
       ``UPPER(full_name)``. Elsewhere (SQLite) the names that contain it, alphabetically.

    Every branch is one indexed lookup (the NIK's unique index, the phone index, the trigram
    index), so a search stays fast at a million owners (docs/performance.md).
    """
    text = term.strip().lstrip("'")
    owners = Owner.objects.all() if owners is None else owners
    if not text:
        return owners
    digits = _NUMBER_SEPARATORS.sub("", text)
    if digits.isdigit():
        if len(digits) == 16:
            # A NIK merged into another owner (registry.merges) finds that owner too, first.
            found = owners.filter(Q(nik=digits) | Q(merged_owners__nik=digits))
            return found.order_by(F("merged_into").asc(nulls_first=True), "pk")
        phone = identifiers.phone(text)
        by_nik = None
        if NIK_PREFIX_MIN <= len(digits) < 16:
            # A range of 16-digit NIKs rather than LIKE 'prefix%': the unique index serves a
            # range in NIK order under any collation, LIKE only under the "C" collation.
            by_nik = Q(nik__gte=digits.ljust(16, "0"), nik__lte=digits.ljust(16, "9"))
        by_phone = Q(phone=phone.value) if phone.ok and phone.value else None
        if by_nik and by_phone:
            rank = Case(When(by_nik, then=Value(0)), default=Value(1), output_field=IntegerField())
            return owners.filter(by_nik | by_phone).alias(rank=rank).order_by("rank", "nik")
        if by_nik:
            return owners.filter(by_nik).order_by("nik")
        if by_phone:
            return owners.filter(by_phone).order_by("full_name")
        return owners.none()
    if connection.vendor != "postgresql":
        return owners.filter(full_name__icontains=text).order_by("full_name")
    upper = text.upper()
    return (
        owners.filter(Q(full_name__icontains=text) | TrigramWordSimilar(Upper("full_name"), upper))
        .alias(
            word_rank=TrigramStrictWordSimilarity(Value(upper), Upper("full_name")),
            rank=TrigramSimilarity(Upper("full_name"), Value(upper)),
        )
        .order_by("-word_rank", "-rank", "full_name")
    )


def owner_applications(owner: Owner) -> list:
    """The owner's applications, newest first, with program and proposal list, and
    ``last_change_at``: when the latest status change was recorded."""
    # Looked up by name: the registry does not import the aid app.
    Application = apps.get_model("aid", "Application")
    return list(
        Application.objects.filter(owner=owner)
        .select_related("program", "proposal_list")
        .annotate(last_change_at=Max("status_changes__at"))
        .order_by("-proposed_at", "-pk")
    )


def owner_ids_by_name(name: str, *, bound: int) -> list[int] | None:
    """Ids of the owners whose name contains ``name`` (the trigram index serves it on
    PostgreSQL), or None when more than ``bound`` match: the name is then too common to
    filter by ids and the caller joins instead."""
    owners = Owner.objects.filter(full_name__icontains=name).order_by()
    ids = list(owners.values_list("pk", flat=True)[: bound + 1])
    return ids if len(ids) <= bound else None


def kecamatan_choices() -> list[tuple[int, str]]:
    """Kota Bekasi's kecamatan as (id, name), in code order."""
    return list(
        Region.objects.filter(level=Region.Level.KECAMATAN)
        .order_by("code")
        .values_list("pk", "name")
    )


def owner_ids_who_held_nik(nik: str, *, exclude: Owner | None = None) -> list[int]:
    """Owners whose NIK was ``nik`` until an approved correction changed it: for the
    one-time rule, the same NIK is the same person."""
    held = NikCorrection.objects.filter(old_nik=nik, state=NikCorrection.State.APPROVED)
    if exclude is not None:
        held = held.exclude(owner=exclude)
    ids = set(held.values_list("owner_id", flat=True))
    # An owner merged into another (registry.merges) took their applications with them.
    ids |= set(Owner.objects.filter(merged_owners__in=ids).values_list("pk", flat=True))
    if exclude is not None:
        ids.discard(exclude.pk)
    return sorted(ids)


def kelurahan_choices(
    *, kecamatan: int | None, including: int | None = None
) -> list[tuple[int, str]]:
    """The kelurahan of one kecamatan as (id, name), in code order; with no kecamatan, only
    the kelurahan ``including`` names (a filter chosen before), or none."""
    kelurahan = Region.objects.filter(level=Region.Level.KELURAHAN)
    if kecamatan is not None:
        kelurahan = kelurahan.filter(parent_id=kecamatan)
    elif including is not None:
        kelurahan = kelurahan.filter(pk=including)
    else:
        return []
    return list(kelurahan.order_by("code").values_list("pk", "name"))


@dataclass(frozen=True, slots=True)
class MergeCandidate:
    """Two owners under different NIKs that look like the same person, and why."""

    first: Owner
    second: Owner
    rules: tuple[str, ...]

    @property
    def reasons(self) -> list[str]:
        return [str(MERGE_RULES[rule]) for rule in self.rules]


# The rules of the duplicate-owner queue, in the order they are shown.
MERGE_RULES = {
    "phone_name": _lazy("nomor HP sama dan nama mirip"),
    "name_birth_kelurahan": _lazy("nama, tanggal lahir (dari NIK) dan kelurahan sama"),
    "nik_one_digit": _lazy("NIK berbeda satu angka dan nama sama"),
}


def _candidate_pairs(sql: str) -> list[tuple[int, int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, [""])
        return cursor.fetchall()


def owner_merge_candidates(*, limit: int = 200) -> list[MergeCandidate]:
    """Pairs of owners (neither merged already, not dismissed as different people) that are
    likely the same person under two NIKs, with the rules that matched, most rules first.

    One statement per rule, each a self-join of the owners table: the same phone (the phone
    index) with names :func:`registry.names.same_person_name` calls the same; the same name
    (folded case), the same birth date (digits 7-12 of the NIK, the day +40 for women, so a
    woman's NIK typed without the +40 still matches) and kelurahan; the same name and NIKs
    that differ in one digit.
    """
    owners = connection.ops.quote_name(Owner._meta.db_table)
    live = "a.merged_into_id IS NULL AND b.merged_into_id IS NULL"
    differing_digits = " + ".join(
        f"CASE WHEN SUBSTR(a.nik, {i}, 1) <> SUBSTR(b.nik, {i}, 1) THEN 1 ELSE 0 END"
        for i in range(1, 17)
    )
    select = f"SELECT a.id, b.id, a.full_name, b.full_name FROM {owners} a JOIN {owners} b"
    statements = {
        "phone_name": f"{select} ON b.phone = a.phone AND b.id > a.id "
        f"WHERE a.phone <> %s AND {live}",
        "name_birth_kelurahan": f"{select} ON UPPER(b.full_name) = UPPER(a.full_name) "
        "AND b.birth_date = a.birth_date AND b.kelurahan_id = a.kelurahan_id AND b.id > a.id "
        f"WHERE a.nik <> %s AND {live}",
        "nik_one_digit": f"{select} ON UPPER(b.full_name) = UPPER(a.full_name) AND b.id > a.id "
        f"WHERE a.nik <> %s AND {live} AND ({differing_digits}) = 1",
    }
    found: dict[tuple[int, int], list[str]] = {}
    for rule, sql in statements.items():
        for first, second, first_name, second_name in _candidate_pairs(sql):
            if rule == "phone_name" and not names.same_person_name(first_name, second_name):
                continue
            found.setdefault((first, second), []).append(rule)
    dismissed = set(OwnerPairDismissal.objects.values_list("first_id", "second_id"))
    pairs = sorted(
        ((pair, rules) for pair, rules in found.items() if pair not in dismissed),
        key=lambda item: (-len(item[1]), item[0]),
    )[:limit]
    ids = {pk for pair, _rules in pairs for pk in pair}
    by_id = Owner.objects.select_related("kelurahan").in_bulk(ids)
    return [
        MergeCandidate(first=by_id[a], second=by_id[b], rules=tuple(rules))
        for (a, b), rules in pairs
    ]


def owner_merge_candidate(first: Owner, second: Owner) -> MergeCandidate:
    """The pair as the queue would show it (the rules that match, perhaps none)."""
    low, high = sorted((first, second), key=lambda owner: owner.pk)
    rules = []
    if (
        low.phone
        and low.phone == high.phone
        and names.same_person_name(low.full_name, high.full_name)
    ):
        rules.append("phone_name")
    same_name = low.full_name.upper() == high.full_name.upper()
    if (
        same_name
        and low.birth_date == high.birth_date
        and low.kelurahan_id is not None
        and low.kelurahan_id == high.kelurahan_id
    ):
        rules.append("name_birth_kelurahan")
    if same_name and sum(x != y for x, y in zip(low.nik, high.nik, strict=True)) == 1:
        rules.append("nik_one_digit")
    return MergeCandidate(first=low, second=high, rules=tuple(rules))


def owner_survivor(owner: Owner) -> Owner:
    """The owner that ``owner`` was merged into (followed to the end), or ``owner``."""
    seen = {owner.pk}
    while owner.merged_into_id is not None and owner.merged_into_id not in seen:
        seen.add(owner.merged_into_id)
        owner = owner.merged_into
    return owner
