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
# Staff of a proposing organisation (kelurahan, cooperative): no admin permissions at all;
# they work in their own pages (/pengusul/), scoped to their organisation by membership.
PENGUSUL = "Pengusul"
# Pembinaan UMKM (the development app): plans activities, takes attendance at the door,
# follows referrals and business reports, and reads the dashboard's coaching figures.
PEMBINAAN = "Pembinaan"

_REFERENCE = ["registry.view_region", "registry.view_bank", "aid.view_program"]
# Working the pengaduan queue (complaints/), and the payment verification by sampling.
_COMPLAINT_WORK = [
    "complaints.view_complaint",
    "complaints.change_complaint",
    "notifications.view_outboxmessage",
]
_PAYMENT_CHECKS = [
    "payment_checks.draw_sample",
    "payment_checks.add_sample",
    "payment_checks.view_sample",
    "payment_checks.view_paymentcheck",
    "payment_checks.change_paymentcheck",
]

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
        # Asks for a NIK correction; another role approves it (registry.NikCorrection).
        "registry.add_nikcorrection",
        "registry.view_nikcorrection",
        "aid.add_proposallist",
        "aid.change_proposallist",
        "aid.view_proposallist",
        "aid.merge_proposallist",
        "proposers.add_proposer",
        "proposers.change_proposer",
        "proposers.view_proposer",
        "proposers.add_proposermember",
        "proposers.change_proposermember",
        "proposers.delete_proposermember",
        "proposers.view_proposermember",
        "aid.view_application",
        "aid.view_statuschange",
        *_COMPLAINT_WORK,
    ],
    # Checks applications: verifies or rejects, decides possible duplicates, submits, and
    # approves NIK corrections. Does not record the ministry's decision on what it submitted.
    VERIFIKATOR: [
        *_REFERENCE,
        "registry.view_owner",
        "registry.view_full_identity",
        "registry.view_business",
        "registry.view_bankaccount",
        "registry.view_nikcorrection",
        "registry.approve_nikcorrection",
        # Merges duplicate owners (the same person under two NIKs) or marks a pair as not
        # the same person (registry.merges).
        "registry.merge_owner",
        "registry.view_ownermerge",
        "registry.view_ownerpairdismissal",
        "aid.view_proposallist",
        "aid.view_application",
        "aid.verify_application",
        "aid.submit_application",
        "aid.view_statuschange",
        "aid.view_possibleduplicate",
        "aid.change_possibleduplicate",
        "aid.view_submissionbatch",
        "aid.view_decisionfile",
        "dashboard.view_dashboard",
        *_COMPLAINT_WORK,
    ],
    # Records transfers and imports the bank's reports.
    BENDAHARA: [
        *_REFERENCE,
        "registry.view_owner",
        "registry.view_full_identity",
        "registry.view_bankaccount",
        # Confirms an account changed after verification before money goes there.
        "registry.confirm_bankaccount",
        "aid.view_application",
        "aid.view_statuschange",
        "aid.add_disbursement",
        "aid.view_disbursement",
        "aid.reconcile_disbursement",
        "aid.view_bankreport",
        # The re-transfer queue's export for the bank.
        "aid.add_retransferbatch",
        "aid.view_retransferbatch",
        "dashboard.view_dashboard",
        *_COMPLAINT_WORK,
        "complaints.close_account_change",
        *_PAYMENT_CHECKS,
    ],
    # Reads everything and sees identities masked; records the ministry's decision (SK), so
    # that who submits and who records the answer are different people.
    PIMPINAN: [
        *_REFERENCE,
        "aid.record_decision",
        "registry.view_owner",
        "registry.view_business",
        "registry.view_bankaccount",
        "aid.view_proposallist",
        "aid.view_application",
        "aid.view_statuschange",
        "aid.view_disbursement",
        "aid.view_possibleduplicate",
        "aid.view_submissionbatch",
        "aid.view_decisionfile",
        "aid.view_bankreport",
        "aid.view_retransferbatch",
        "privacy.view_accesslog",
        "dashboard.view_dashboard",
        "public.view_statuslookup",
        "complaints.view_complaint",
        "notifications.view_outboxmessage",
        *_PAYMENT_CHECKS,
    ],
    PENGUSUL: [],
}

# Pembinaan UMKM (the development app): operators keep activities, attendance, cooperatives,
# referrals and business reports; Pimpinan reads them, with identities masked.
_DEVELOPMENT_MODELS = (
    "activity",
    "participant",
    "cooperative",
    "membership",
    "referral",
    "caseassignment",
    "visit",
    # Partners of activities, and the activity's report for the SPJ (issue 26.6, 26.7).
    "partnerorganisation",
    "activityreport",
    "activityphoto",
)
ROLE_PERMISSIONS[OPERATOR] += [
    *(
        f"development.{verb}_{model}"
        for model in _DEVELOPMENT_MODELS
        for verb in ("add", "change", "view")
    ),
    "development.move_referral",
    "development.view_referralchange",
    "development.add_businessreport",
    "development.view_businessreport",
    # Registrations from /kegiatan/ that matched no registered owner (issue 24.1).
    "development.view_pendingregistration",
    "development.decide_pendingregistration",
]
ROLE_PERMISSIONS[PIMPINAN] += [
    *(
        f"development.view_{model}"
        for model in (
            *_DEVELOPMENT_MODELS,
            "referralchange",
            "businessreport",
            "pendingregistration",
        )
    ),
]
# The pembinaan officer: the development app's whole admin (as the Operator has it), the door
# pages, the timeline, the registry's owners and businesses that coaching is about (a walk-in
# at the door is registered through registry.services), and the dashboard.
ROLE_PERMISSIONS[PEMBINAAN] = [
    *_REFERENCE,
    "registry.add_owner",
    "registry.view_owner",
    "registry.view_full_identity",
    "registry.add_business",
    "registry.change_business",
    "registry.view_business",
    *(
        f"development.{verb}_{model}"
        for model in _DEVELOPMENT_MODELS
        for verb in ("add", "change", "view")
    ),
    "development.move_referral",
    "development.view_referralchange",
    "development.add_businessreport",
    "development.view_businessreport",
    "dashboard.view_dashboard",
    # Registrations from /kegiatan/ that matched no registered owner: the officer at the door
    # meets these people and confirms or refuses their claims, as the Operator can.
    "development.view_pendingregistration",
    "development.decide_pendingregistration",
    # The year's plan (targets) that the dashboard's coaching figures are measured against.
    "development.add_yearlytarget",
    "development.change_yearlytarget",
    "development.view_yearlytarget",
]
ROLE_PERMISSIONS[PIMPINAN] += ["development.view_yearlytarget"]


def roles_with(permission: str) -> list[str]:
    """The roles that hold ``permission`` ("app.codename"), in the table's order: what a page
    says to staff whose role lacks it, so they know whom to ask."""
    return [role for role, held in ROLE_PERMISSIONS.items() if permission in held]


def sync_roles(apps, schema_editor=None) -> None:
    """Create each role's group and set its permissions to exactly the table above."""
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips those.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
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
            # A permission whose model (or Meta.permissions entry) is not migrated yet at
            # this point of the history is granted by that app's later roles migration, which
            # runs sync_roles again; tests/test_roles.py checks that, after all migrations,
            # every group holds exactly its list.
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
