"""System checks of the portal's own settings, reported by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

_NEW_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
_MIN_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def status_lookup_hash_key(app_configs, **kwargs) -> list:
    """The NIK digests of the status page (refused proposals, the lookup log, opt-outs,
    pengaduan) are keyed by STATUS_LOOKUP_HASH_KEY; without it they fall back to SECRET_KEY,
    and a rotation of SECRET_KEY would leave every refused owner "not found"."""
    key = settings.STATUS_LOOKUP_HASH_KEY
    if not key:
        return [
            Error(
                "STATUS_LOOKUP_HASH_KEY is not set: the NIK digests of the status page are "
                "keyed by SECRET_KEY, so rotating SECRET_KEY would orphan every refused "
                "proposal, opt-out and pengaduan recorded under it.",
                hint=(
                    "Set STATUS_LOOKUP_HASH_KEY in the environment of every web and worker "
                    f"process, generated once with: {_NEW_KEY}. If digests were already "
                    "recorded under SECRET_KEY, run `manage.py rotate_status_lookup_key "
                    "--previous-is-secret-key` once with the new key set "
                    "(docs/configuration.md, 'Keys')."
                ),
                id="umkm_portal.E001",
            )
        ]
    if len(key) < _MIN_KEY_LENGTH:
        return [
            Warning(
                f"STATUS_LOOKUP_HASH_KEY has fewer than {_MIN_KEY_LENGTH} characters: NIKs are "
                "few enough to be tried one by one against a digest with a guessable key.",
                hint=f"Generate a longer one with: {_NEW_KEY} (then rotate, see "
                "docs/configuration.md, 'Keys').",
                id="umkm_portal.W002",
            )
        ]
    return []
