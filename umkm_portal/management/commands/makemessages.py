"""``makemessages`` that also extracts ``_lazy("…")``.

aid/admin/ imports ``gettext_lazy as _lazy`` next to ``gettext as _``; xgettext only knows
Django's standard keywords, so without this those strings (admin action names, column
titles) would never reach the catalogue.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
