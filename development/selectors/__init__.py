"""Reads of the development app: search at the door, the public list of activities, one
timeline per business, and the dashboard's figures.

Every function returns a bounded list or runs a fixed number of queries, whatever the number
of owners, activities or reports behind it.
"""

from development.selectors.dashboard import (
    activities_per_year,
    reach_by_kecamatan_sector,
    referrals_by_status,
)
from development.selectors.public import open_for_registration, upcoming_activities
from development.selectors.search import (
    SEARCH_LIMIT,
    DoorMatch,
    PendingMatch,
    attendance_counts,
    door_activities,
    door_matches,
    door_pending,
    one_digit_apart,
    owners_matching,
    pending_matches,
)
from development.selectors.timeline import (
    KIND_LABELS,
    Entry,
    Kind,
    business_timeline,
    latest_report,
    size_moves_per_year,
)
from development.selectors.yearly import (
    NO_KECAMATAN,
    VISITS,
    ZERO_FIGURES,
    YearFigures,
    coached_owners,
    kur_disbursed,
    kur_referred,
    naik_kelas_businesses,
    target_years,
    yearly_figures,
    yearly_target,
)

__all__ = [
    "DoorMatch",
    "Entry",
    "KIND_LABELS",
    "Kind",
    "NO_KECAMATAN",
    "PendingMatch",
    "SEARCH_LIMIT",
    "VISITS",
    "YearFigures",
    "ZERO_FIGURES",
    "activities_per_year",
    "attendance_counts",
    "business_timeline",
    "coached_owners",
    "door_activities",
    "door_matches",
    "door_pending",
    "kur_disbursed",
    "kur_referred",
    "latest_report",
    "naik_kelas_businesses",
    "one_digit_apart",
    "open_for_registration",
    "owners_matching",
    "pending_matches",
    "reach_by_kecamatan_sector",
    "referrals_by_status",
    "size_moves_per_year",
    "target_years",
    "upcoming_activities",
    "yearly_figures",
    "yearly_target",
]
