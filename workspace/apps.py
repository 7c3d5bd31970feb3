from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The proposers' workspace (/pengusul/) and the Dinas's admin of its proposers: above
    ``aid``, whose lists and services they use. The ``Proposer`` model stays below ``aid``,
    in ``proposers``. URL names keep the ``proposers:`` namespace and the templates their
    ``proposers/`` folder."""

    name = "workspace"
    verbose_name = _("Ruang kerja pengusul")

    def ready(self):
        # todo registers this app's item of the admin home's "Perlu dikerjakan" panel.
        from workspace import todo

        todo.register_items()
