"""Staff admin for the aid app, one module per sub-domain; importing the package registers
every model admin. The custom pages (import review, duplicate comparison, uploads) are admin
views of the model they belong to; their writes go through aid.services."""

from aid.admin import (  # noqa: F401  (imported to register the model admins)
    applications,
    disbursements,
    duplicates,
    imported_files,
    programs,
    proposal_lists,
    retransfers,
    submissions,
)
from aid.admin.applications import ApplicationAdmin, StatusChangeAdmin
from aid.admin.disbursements import DisbursementAdmin
from aid.admin.duplicates import PossibleDuplicateAdmin
from aid.admin.imported_files import BankReportAdmin, DecisionFileAdmin
from aid.admin.programs import ProgramAdmin
from aid.admin.proposal_lists import ProposalListAdmin
from aid.admin.retransfers import RetransferBatchAdmin
from aid.admin.submissions import SubmissionBatchAdmin

__all__ = [
    "ApplicationAdmin",
    "BankReportAdmin",
    "DecisionFileAdmin",
    "DisbursementAdmin",
    "PossibleDuplicateAdmin",
    "ProgramAdmin",
    "ProposalListAdmin",
    "RetransferBatchAdmin",
    "StatusChangeAdmin",
    "SubmissionBatchAdmin",
]
