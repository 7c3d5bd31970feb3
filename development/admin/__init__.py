"""Staff admin for pembinaan UMKM. Declarative; every save goes through development.services
(and a referral's status through development.transitions). One module per area; importing
them registers their admin classes."""

from development.admin.activities import (
    ACTIVITY_FIELDS,
    ActivityAdmin,
    ActivityForm,
    ParticipantAdmin,
    ParticipantInline,
    PartnerOrganisationAdmin,
    ReferralFromActivityInline,
)
from development.admin.cases import CaseAssignmentAdmin, StaleReferralFilter, VisitAdmin
from development.admin.cooperatives import CooperativeAdmin, MembershipAdmin, MembershipInline
from development.admin.referrals import (
    ReferralActivityForm,
    ReferralAdmin,
    ReferralChangeInline,
    ReferralCorrectForm,
    ReferralForm,
    ReferralMoveForm,
)
from development.admin.registrations import DECIDE_PERMISSION, PendingRegistrationAdmin
from development.admin.reports import BusinessReportAdmin, BusinessReportForm
from development.admin.targets import YearlyTargetAdmin

__all__ = [
    "CaseAssignmentAdmin",
    "StaleReferralFilter",
    "VisitAdmin",
    "YearlyTargetAdmin",
    "ACTIVITY_FIELDS",
    "ActivityAdmin",
    "ActivityForm",
    "BusinessReportAdmin",
    "BusinessReportForm",
    "CooperativeAdmin",
    "DECIDE_PERMISSION",
    "MembershipAdmin",
    "MembershipInline",
    "ParticipantAdmin",
    "ParticipantInline",
    "PartnerOrganisationAdmin",
    "PendingRegistrationAdmin",
    "ReferralActivityForm",
    "ReferralAdmin",
    "ReferralChangeInline",
    "ReferralCorrectForm",
    "ReferralForm",
    "ReferralFromActivityInline",
    "ReferralMoveForm",
]
