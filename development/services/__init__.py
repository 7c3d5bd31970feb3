"""Every write of the development app (pembinaan UMKM), one module per area.

Keyword-only functions that run in a transaction, record who did it (``by``) and when, and
raise ``ValidationError`` with Indonesian messages keyed by field, writing nothing, when the
input is wrong. Owners and businesses are created and changed only through
:mod:`registry.services`; a referral's status only through :mod:`development.transitions`.

- ``cooperatives``  cooperatives and memberships
- ``activities``    activities, participants, attendance (at the door and by upload)
- ``activity_reports`` the activity's report for the SPJ: summary, photos, test scores
- ``registration``  registration from the public page, and the pending registrations
                    (claims) it leaves for staff to confirm, link or refuse
- ``referrals``     capital referrals
- ``reports``       business reports and size class
- ``cases``         case follow-up: the pendamping of a business, visits
- ``targets``       the yearly plan: targets the coaching figures are measured against

Callers import from here (``from development import services``).
"""

from development.services.activities import (
    CONFIRMED_CHANNELS,
    AttendanceImport,
    activity_create,
    activity_update,
    attendance_import,
    attendance_record,
    attendance_take,
    participant_register,
    partner_organisation_save,
    registration_confirm,
)
from development.services.activity_reports import (
    activity_photo_add,
    activity_report_save,
    participant_scores_record,
)
from development.services.cases import case_assign, visit_record
from development.services.cooperatives import (
    cooperative_create,
    cooperative_update,
    membership_add,
    membership_end,
)
from development.services.referrals import (
    referral_activity_set,
    referral_correct,
    referral_create,
)
from development.services.registration import (
    PublicRegistration,
    RegistrationRefused,
    pending_registration_confirm,
    pending_registration_link,
    pending_registration_refuse,
    pending_registrations_link_registered,
    public_registration,
)
from development.services.reports import business_report_add
from development.services.targets import yearly_target_save

__all__ = [
    "CONFIRMED_CHANNELS",
    "AttendanceImport",
    "PublicRegistration",
    "RegistrationRefused",
    "activity_create",
    "activity_photo_add",
    "activity_report_save",
    "activity_update",
    "attendance_import",
    "attendance_record",
    "attendance_take",
    "business_report_add",
    "case_assign",
    "cooperative_create",
    "cooperative_update",
    "membership_add",
    "membership_end",
    "participant_register",
    "participant_scores_record",
    "partner_organisation_save",
    "pending_registration_confirm",
    "pending_registration_link",
    "pending_registration_refuse",
    "pending_registrations_link_registered",
    "public_registration",
    "referral_activity_set",
    "referral_correct",
    "referral_create",
    "registration_confirm",
    "visit_record",
    "yearly_target_save",
]
