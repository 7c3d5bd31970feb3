"""Every write to the registry goes through these functions.

They take keyword arguments, check identifiers with :mod:`registry.identifiers`, and raise
``ValidationError`` (with Indonesian messages keyed by field) without writing anything when
the input is wrong.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import identifiers

# Merging duplicate owners has its own module; re-exported for the callers of this one.
from registry.merges import (  # noqa: F401
    MERGE_OWNER,
    owner_merge,
    owner_merge_preview,
    owner_pair_dismiss,
)
from registry.models import Bank, BankAccount, Business, Owner, Region

# NIK corrections have their own module; re-exported for the callers of this one.
from registry.nik_corrections import (  # noqa: F401
    APPROVE_NIK_CORRECTION,
    nik_correction_approve,
    nik_correction_check,
    nik_correction_reject,
    nik_correction_request,
)

CONFIRM_ACCOUNT = "registry.confirm_bankaccount"


def _checked(
    errors: dict, field: str, result: identifiers.Checked, *, required: bool = False
) -> str:
    if result.error:
        errors[field] = result.error
    elif required and not result.value:
        errors[field] = _("Wajib diisi.")
    return result.value


def _require(errors: dict, field: str, value: str) -> str:
    value = (value or "").strip()
    if identifiers.is_blank(value):
        errors[field] = _("Wajib diisi.")
        return ""
    return value


def _owner_values(
    *,
    nik: str,
    full_name: str,
    ktp_address: str,
    phone: str,
    kk_number: str,
    rt: str,
    rw: str,
    kelurahan: Region | None,
    lives_in_bekasi: bool | None,
) -> dict:
    """Check and normalise an owner's details; raise ValidationError keyed by field."""
    errors: dict[str, str] = {}
    nik_value = _checked(errors, "nik", identifiers.nik(nik), required=True)
    phone_value = _checked(errors, "phone", identifiers.phone(phone))
    kk_value = _checked(errors, "kk_number", identifiers.kk(kk_number))
    full_name = _require(errors, "full_name", full_name)
    ktp_address = _require(errors, "ktp_address", ktp_address)
    if errors:
        raise ValidationError(errors)
    facts = identifiers.nik_facts(nik_value)
    if lives_in_bekasi is None:
        lives_in_bekasi = identifiers.issued_in_city(nik_value)
    return {
        "nik": nik_value,
        "full_name": " ".join(full_name.split()),
        "sex": facts.sex,
        "birth_date": facts.birth_date,
        "kk_number": kk_value,
        "phone": phone_value,
        "ktp_address": ktp_address,
        "rt": (rt or "").strip()[:3],
        "rw": (rw or "").strip()[:3],
        "kelurahan": kelurahan,
        "lives_in_bekasi": lives_in_bekasi,
    }


def _owner_apply(owner: Owner, values: dict, by) -> Owner:
    changed = [field for field, value in values.items() if getattr(owner, field) != value]
    if changed:
        for field in changed:
            setattr(owner, field, values[field])
        owner._history_user = by
        owner.save(update_fields=[*changed, "updated_at"])
    return owner


@transaction.atomic
def owner_upsert(
    *,
    nik: str,
    full_name: str,
    ktp_address: str,
    phone: str = "",
    kk_number: str = "",
    rt: str = "",
    rw: str = "",
    kelurahan: Region | None = None,
    lives_in_bekasi: bool | None = None,
    by=None,
) -> Owner:
    """Create the owner with this NIK, or update the existing one with the details given.

    Sex and birth date are always taken from the NIK. ``lives_in_bekasi`` defaults to whether
    the NIK was issued in Kota Bekasi (``identifiers.CITY_NIK_PREFIX``) when not given. Raises ValidationError
    keyed by field, writing nothing, when a detail is missing or wrong.
    """
    values = _owner_values(
        nik=nik,
        full_name=full_name,
        ktp_address=ktp_address,
        phone=phone,
        kk_number=kk_number,
        rt=rt,
        rw=rw,
        kelurahan=kelurahan,
        lives_in_bekasi=lives_in_bekasi,
    )
    owner = Owner.objects.select_for_update().filter(nik=values["nik"]).first()
    if owner is None:
        owner = Owner(**values)
        owner._history_user = by
        owner.save()
        return owner
    return _owner_apply(owner, values, by)


@transaction.atomic
def owner_update(
    *,
    owner: Owner,
    nik: str,
    full_name: str,
    ktp_address: str,
    phone: str = "",
    kk_number: str = "",
    rt: str = "",
    rw: str = "",
    kelurahan: Region | None = None,
    lives_in_bekasi: bool | None = None,
    by=None,
) -> Owner:
    """Correct an existing owner's details, and the NIK of an owner with no application.

    Refuses a NIK that belongs to another owner, and any change of NIK once the owner has an
    application: that goes through :func:`nik_correction_request` and a second person's
    approval. Only changed fields are saved, and the change is kept in the owner's history
    with the acting user.
    """
    values = _owner_values(
        nik=nik,
        full_name=full_name,
        ktp_address=ktp_address,
        phone=phone,
        kk_number=kk_number,
        rt=rt,
        rw=rw,
        kelurahan=kelurahan,
        lives_in_bekasi=lives_in_bekasi,
    )
    if Owner.objects.filter(nik=values["nik"]).exclude(pk=owner.pk).exists():
        raise ValidationError({"nik": _("NIK ini sudah terdaftar atas nama pemilik lain.")})
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    if values["nik"] != owner.nik and owner_has_applications(owner):
        raise ValidationError({"nik": nik_locked_message()})
    return _owner_apply(owner, values, by)


@transaction.atomic
def owner_take_listed_details(
    *, owner: Owner, full_name: str = "", phone: str = "", by, reason: str
) -> Owner:
    """Take a proposal list's name and/or phone for ``owner`` (a verifier chose "Pakai data
    daftar" on a conflict with the registry). Empty values leave that detail as it is. The
    phone is checked like any other; the change is kept in the owner's history with ``by``
    and ``reason``. Raises ValidationError keyed by field, writing nothing."""
    errors: dict[str, str] = {}
    values = {}
    if full_name:
        values["full_name"] = _require(errors, "full_name", " ".join(full_name.split()))
    if phone:
        values["phone"] = _checked(errors, "phone", identifiers.phone(phone), required=True)
    if errors:
        raise ValidationError(errors)
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    changed = [field for field, value in values.items() if getattr(owner, field) != value]
    if changed:
        for field in changed:
            setattr(owner, field, values[field])
        owner._history_user = by
        owner._change_reason = reason[:100]
        owner.save(update_fields=[*changed, "updated_at"])
    return owner


def nik_locked_message() -> str:
    return _(
        "NIK pemilik yang sudah memiliki permohonan tidak dapat diubah di sini; ajukan "
        "perbaikan NIK agar diperiksa dan disetujui petugas lain."
    )


def _owner_has_verified_application(owner: Owner) -> bool:
    Application = apps.get_model("aid", "Application")
    verified = Application.objects.filter(owner=owner, verified_at__isnull=False)
    return verified.exclude(status="rejected").exists()


def owner_has_applications(owner: Owner) -> bool:
    # Looked up by name: the registry does not import the aid app.
    return apps.get_model("aid", "Application").objects.filter(owner=owner).exists()


@transaction.atomic
def business_create(
    *,
    owner: Owner,
    name: str,
    sector: str,
    nib: str = "",
    address: str = "",
    kelurahan: Region | None = None,
    kecamatan: Region | None = None,
    size_class: str = Business.SizeClass.MIKRO,
    workers: int = 0,
    year_started: int | None = None,
    by=None,
) -> Business:
    """Register a business for an owner. Name and sector are required; NIB is 13 digits.

    The kecamatan is the kelurahan's when a kelurahan is given (a different one is refused);
    a kecamatan alone is kept when the kelurahan is not known."""
    errors: dict[str, str] = {}
    if kelurahan is not None:
        if kecamatan is not None and kecamatan.pk != kelurahan.parent_id:
            errors["kecamatan"] = _("Kelurahan %(kel)s tidak berada di Kecamatan %(kec)s.") % {
                "kel": kelurahan.name,
                "kec": kecamatan.name,
            }
        kecamatan = kelurahan.parent
    name = _require(errors, "name", name)
    sector = _require(errors, "sector", sector)
    nib_value = _checked(errors, "nib", identifiers.nib(nib))
    if errors:
        raise ValidationError(errors)
    business = Business(
        owner=owner,
        name=name,
        sector=sector,
        nib=nib_value,
        address=(address or "").strip(),
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        size_class=size_class,
        workers=workers or 0,
        year_started=year_started,
    )
    business._history_user = by
    business.full_clean()
    business.save()
    return business


@transaction.atomic
def bank_account_set(
    *, owner: Owner, bank: Bank, account_number: str, holder_name: str, by=None
) -> BankAccount:
    """Make this the owner's one active account, deactivating any other.

    Setting the account that is already active changes nothing. The owner row is locked so
    two staff members changing the account at once cannot leave two active accounts. An
    account that replaces another while the owner has a verified (not rejected) application
    is marked ``confirmation_required``: no transfer is recorded to it, and it is not sent to
    the ministry, until another person confirms it (:func:`bank_account_confirm`).
    """
    errors: dict[str, str] = {}
    number = _checked(
        errors, "account_number", identifiers.account_number(account_number), required=True
    )
    holder_name = _require(errors, "holder_name", holder_name)
    if errors:
        raise ValidationError(errors)
    Owner.objects.select_for_update().filter(pk=owner.pk).first()
    current = owner.bank_accounts.filter(is_active=True).first()
    if current and current.bank_id == bank.pk and current.account_number == number:
        return current
    if current:
        current.is_active = False
        current._history_user = by
        current.save(update_fields=["is_active"])
    account = BankAccount(
        owner=owner,
        bank=bank,
        account_number=number,
        holder_name=" ".join(holder_name.split()),
        created_by=by,
    )
    account._history_user = by
    if current:
        account._change_reason = "rekening diganti"
        account.confirmation_required = _owner_has_verified_application(owner)
    account.save()
    return account


@transaction.atomic
def bank_account_confirm(*, account: BankAccount, by) -> BankAccount:
    """A second person confirms an owner's active account, after checking it with the owner.

    Needs ``registry.confirm_bankaccount`` (Bendahara) and a person other than the one who
    entered the account (the database holds that too). Confirming a confirmed account
    changes nothing; an account no longer active is refused.
    """
    if not (by and by.is_authenticated and by.has_perm(CONFIRM_ACCOUNT)):
        raise PermissionDenied(_("Anda tidak berwenang mengonfirmasi rekening."))
    locked = BankAccount.objects.select_for_update().get(pk=account.pk)
    if locked.confirmed_at is not None:
        return locked
    if not locked.is_active:
        raise ValidationError(_("Rekening ini sudah tidak aktif; tidak perlu dikonfirmasi."))
    if locked.created_by_id == by.pk:
        raise ValidationError(
            _("Rekening harus dikonfirmasi oleh petugas lain, bukan yang mencatatnya.")
        )
    locked.confirmed_by, locked.confirmed_at = by, timezone.now()
    locked._history_user = by
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    return locked


@transaction.atomic
def business_update(*, business: Business, by=None, **changes) -> Business:
    """Change a business's details; NIB is checked with the same rule as on creation."""
    errors: dict[str, str] = {}
    if "nib" in changes:
        changes["nib"] = _checked(errors, "nib", identifiers.nib(changes["nib"]))
    for field in ("name", "sector"):
        if field in changes:
            changes[field] = _require(errors, field, changes[field])
    if errors:
        raise ValidationError(errors)
    if changes.get("kelurahan") is not None:
        changes["kecamatan"] = changes["kelurahan"].parent
    changed = [f for f, v in changes.items() if getattr(business, f) != v]
    for field in changed:
        setattr(business, field, changes[field])
    if changed:
        business._history_user = by
        business.full_clean()
        business.save(update_fields=changed)
    return business
