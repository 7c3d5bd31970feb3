from django.conf import settings


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def whatsapp_link(number: str) -> str:
    """``0812-3456-7890`` → ``https://wa.me/6281234567890`` (wa.me wants 62…, no plus)."""
    digits = _digits(number)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return f"https://wa.me/{digits}" if digits else ""


def contact(request) -> dict:
    """The department's contact details, shown once on every public page."""
    phone = settings.DEPARTMENT_CONTACT_PHONE
    whatsapp = settings.DEPARTMENT_CONTACT_WHATSAPP
    return {
        "contact": {
            "address": settings.DEPARTMENT_CONTACT_ADDRESS,
            "phone": phone,
            "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
            "whatsapp": whatsapp,
            "whatsapp_link": whatsapp_link(whatsapp),
            "email": settings.DEPARTMENT_CONTACT_EMAIL,
        }
    }
