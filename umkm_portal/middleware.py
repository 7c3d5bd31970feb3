"""Request middleware of the portal."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language, so a phone or office PC
    set to English would get English pages; the department works in Indonesian, and English
    is there for whoever asks for it (the language switch sets the cookie read here).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
