"""Staff roles as Django groups, and exactly the permissions each one holds.

The groups are created and kept in step by migrations (see aid/migrations/*_roles.py), which
call :func:`sync_roles`; to change a role, edit this table and add a migration that calls it
again. Superusers stand outside these roles.
"""

from django.contrib.auth.management import create_permissions

OPERATOR = "Operator"
VERIFIKATOR = "Verifikator"
BENDAHARA = "Bendahara"
PIMPINAN = "Pimpinan"

_REFERENCE = ["registry.view_region", "registry.view_bank", "aid.view_program"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Keeps the registry and receives proposal lists.
    OPERATOR: [
        *_REFERENCE,
        "registry.add_owner",
        "registry.change_owner",
        "registry.view_owner",
        "registry.view_full_identity",
        "registry.add_business",
        "registry.change_business",
        "registry.view_business",
        "registry.add_bankaccount",
        "registry.change_bankaccount",
        "registry.view_bankaccount",
        "aid.add_proposallist",
        "aid.change_proposallist",
        "aid.view_proposallist",
        "aid.merge_proposallist",
        "aid.view_application",
        "aid.view_statuschange",
    ],
    # Checks applications: verifies or rejects, decides possible duplicates, submits.
    VERIFIKATOR: [
        *_REFERENCE,
        "registry.view_owner",
        "registry.view_full_identity",
        "registry.view_business",
        "registry.view_bankaccount",
        "aid.view_proposallist",
        "aid.view_application",
        "aid.verify_application",
        "aid.submit_application",
        "aid.record_decision",
        "aid.view_statuschange",
        "aid.view_possibleduplicate",
        "aid.change_possibleduplicate",
    ],
    # Records transfers and imports the bank's reports.
    BENDAHARA: [
        *_REFERENCE,
        "registry.view_owner",
        "registry.view_full_identity",
        "registry.view_bankaccount",
        "aid.view_application",
        "aid.view_statuschange",
        "aid.add_disbursement",
        "aid.view_disbursement",
        "aid.reconcile_disbursement",
    ],
    # Reads everything, changes nothing; sees identities masked.
    PIMPINAN: [
        *_REFERENCE,
        "registry.view_owner",
        "registry.view_business",
        "registry.view_bankaccount",
        "aid.view_proposallist",
        "aid.view_application",
        "aid.view_statuschange",
        "aid.view_disbursement",
        "aid.view_possibleduplicate",
        "privacy.view_accesslog",
    ],
}


def _app_migrated(apps, app_label: str) -> bool:
    try:
        return bool(apps.get_app_config(app_label).get_models())
    except LookupError:
        return False


def _declared(apps, app_label: str, codename: str) -> bool:
    """Whether a model of the app, as of this migration, declares the permission."""
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        if codename in {f"{action}_{opts.model_name}" for action in opts.default_permissions}:
            return True
        if codename in {name for name, _label in opts.permissions}:
            return True
    return False


def sync_roles(apps, schema_editor=None) -> None:
    """Create each role's group and set its permissions to exactly the table above."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if (
                permission is None
                and _app_migrated(apps, app_label)
                and _declared(apps, app_label, codename)
            ):
                raise LookupError(f"Role {role}: no permission {name}")
            # A permission of an app not migrated yet, or declared by a later migration, is
            # granted by the roles migration that follows it, which runs sync_roles again.
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
