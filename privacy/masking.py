"""Masked forms of personal data, for anyone without the full-identity permission."""

import re

FULL_IDENTITY_PERMISSION = "registry.view_full_identity"
EXPORT_IDENTITIES_PERMISSION = "privacy.export_identities"


def can_view_full_identity(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(FULL_IDENTITY_PERMISSION))


def can_export_full_identity(user) -> bool:
    """Seeing one owner's identity on screen is not exporting everyone's: a bulk export is
    unmasked only with its own permission as well."""
    return can_view_full_identity(user) and user.has_perm(EXPORT_IDENTITIES_PERMISSION)


def mask_nik(nik: str) -> str:
    """``3275011708900001`` → ``3275************01``-style: region kept, the rest hidden."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 6) + nik[-2:]


def mask_account(number: str) -> str:
    """Only the last four digits, as banks print them."""
    if not number:
        return ""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:]


def mask_name(name: str) -> str:
    """First letter of each word, then asterisks: ``Siti Aminah`` → ``S*** A*****``."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in (name or "").split())


def nik_for(user, nik: str) -> str:
    return nik if can_view_full_identity(user) else mask_nik(nik)


def account_for(user, number: str) -> str:
    return number if can_view_full_identity(user) else mask_account(number)


MASKS = {"nik": mask_nik, "account": mask_account, "phone": mask_phone}


def value_for(user, kind: str, value: str) -> str:
    """``value`` as ``user`` may see it: whole, or masked by its ``kind`` (nik, account, phone)."""
    return value if can_view_full_identity(user) else MASKS[kind](value)


# Eight digits or more in a row: a NIK, KK, phone or account number quoted in a message.
_LONG_NUMBER = re.compile(r"\d{8,}")


def mask_numbers_in(text: str) -> str:
    """Free text (a refusal reason) with every long number in it masked as a NIK is."""
    return _LONG_NUMBER.sub(lambda m: mask_nik(m.group()), text or "")


def text_for(user, text: str) -> str:
    return text if can_view_full_identity(user) else mask_numbers_in(text)
