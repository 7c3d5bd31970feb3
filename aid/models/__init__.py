"""Programs and money: grant programs, proposal lists, applications and disbursements.

One module per sub-domain; every model is re-exported here, so ``from aid.models import X``
and the migrations keep working:

- ``choices``       application statuses, refusal reasons and the advice each gives
- ``programs``      programs and their proposal lists (import status and phase)
- ``applications``  applications, their status changes, possible duplicates
- ``money``         disbursements, submissions to the ministry, decision files, bank reports
- ``import_rows``   the staging rows of a list's import and a proposer's corrections

An application's ``status`` is changed only by :mod:`aid.transitions`.
"""

from aid.models.applications import (
    Application,
    PossibleDuplicate,
    RegistryConflict,
    StatusChange,
)
from aid.models.choices import REASON_ADVICE, Reason, Status
from aid.models.import_rows import ImportRow, ImportRowCorrection
from aid.models.money import (
    BankReport,
    DecisionFile,
    Disbursement,
    ImportedFile,
    RetransferBatch,
    RetransferItem,
    SubmissionBatch,
)
from aid.models.programs import (
    ImportPhase,
    ImportStatus,
    Program,
    ProposalList,
    RequiredColumn,
)

__all__ = [
    "REASON_ADVICE",
    "Application",
    "BankReport",
    "DecisionFile",
    "Disbursement",
    "ImportPhase",
    "ImportRow",
    "ImportRowCorrection",
    "ImportStatus",
    "ImportedFile",
    "PossibleDuplicate",
    "Program",
    "ProposalList",
    "RetransferBatch",
    "RetransferItem",
    "Reason",
    "RegistryConflict",
    "RequiredColumn",
    "Status",
    "StatusChange",
    "SubmissionBatch",
]
