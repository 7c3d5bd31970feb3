from django.conf import settings


def contact(request) -> dict:
    """The department's contact details, shown on every public page."""
    phone = settings.DEPARTMENT_CONTACT_PHONE
    return {
        "contact": {
            "address": settings.DEPARTMENT_CONTACT_ADDRESS,
            "phone": phone,
            "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
            "email": settings.DEPARTMENT_CONTACT_EMAIL,
        }
    }
