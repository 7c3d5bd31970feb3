"""Admin building blocks shared by the apps (the apps register their own models)."""


class ReadOnlyAdminMixin:
    """Reference data and records of what happened: viewed in the admin, never added, changed
    or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
