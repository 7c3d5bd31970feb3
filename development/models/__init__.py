"""Development of businesses beyond the grant (pembinaan UMKM): activities and who attended,
cooperatives and their members, capital referrals, and what owners report about their
business over time.

A referral's ``status`` is changed only by :mod:`development.transitions`, which writes the
:class:`ReferralChange` record of who moved it, when and why. A :class:`BusinessReport` is
never changed or deleted once written (a database trigger refuses it).
"""

from development.models.activities import (
    Activity,
    ActivityPartner,
    ActivityPhoto,
    ActivityReport,
    Attendance,
    Participant,
    PartnerOrganisation,
)
from development.models.cooperatives import KECAMATAN_ONLY, Cooperative, Membership
from development.models.followup import BusinessReport, CaseAssignment, Visit
from development.models.referrals import Referral, ReferralChange, ReferralStatus
from development.models.registrations import PendingRegistration
from development.models.targets import YearlyTarget

__all__ = [
    "Activity",
    "ActivityPartner",
    "ActivityPhoto",
    "ActivityReport",
    "Attendance",
    "BusinessReport",
    "CaseAssignment",
    "Cooperative",
    "KECAMATAN_ONLY",
    "Membership",
    "Participant",
    "PartnerOrganisation",
    "PendingRegistration",
    "Referral",
    "ReferralChange",
    "ReferralStatus",
    "Visit",
    "YearlyTarget",
]
