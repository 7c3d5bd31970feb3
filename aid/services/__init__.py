"""Writes for programs and applications, one module per sub-domain.

Every function takes keyword arguments, runs in one transaction, and either does all it
says or raises (``TransitionRefused`` or ``ValidationError`` with an Indonesian message) and
writes nothing. Status moves go through :mod:`aid.transitions`; list work is set-based
through :func:`aid.transitions.move_many`. Callers import from ``aid.services``; the modules
below are where each function lives:

- :mod:`.programs`: create and change programs; the BPUM 2020 program
- :mod:`.applications`: propose, verify, reject, submit, approve, return
- :mod:`.duplicates`: decisions on possible duplicates, and reopening them
- :mod:`.registry_conflicts`: decisions on list rows that contradicted the registry
- :mod:`.submissions`: the batch and file sent to the ministry
- :mod:`.retransfers`: the re-transfer queue's export for the bank
- :mod:`.reconciliation`: the ministry's decision file and the bank's report (kept, checked, queued), with :mod:`.bank_reports` applying a bank report set-based
- :mod:`.disbursements`: transfers, withdrawals and the withdrawal deadline
- :mod:`.proposer_lists`: a proposer fixes rows, sends a list with its SPTJM; the Dinas
  returns it
- :mod:`.proposal_lists`: upload, check, merge, cancel and queue again a proposal list
- :mod:`.retention`: deleting kept files with personal data
"""

from aid.services.applications import (
    application_approve,
    application_create,
    application_reject,
    application_return,
    application_submit,
    application_verify,
    applications_reject,
    applications_verify,
)
from aid.services.disbursements import (
    AlreadyRecorded,
    Expired,
    applications_expire_withdrawals,
    disbursement_record,
    disbursement_withdrawn,
)
from aid.services.duplicates import possible_duplicate_decide, possible_duplicate_reopen
from aid.services.programs import (
    program_create,
    program_ensure_bpum_2020,
    program_money_moved,
    program_update,
)
from aid.services.proposal_lists import (
    DatabaseBusy,
    proposal_list_cancel,
    proposal_list_confirm,
    proposal_list_requeue,
    proposal_list_stage,
    proposal_list_upload,
    proposal_lists_recover,
)
from aid.services.proposer_lists import (
    import_row_correct,
    import_row_remove,
    proposal_list_return,
    proposal_list_submit,
)
from aid.services.reconciliation import (
    bank_report_import,
    bank_report_process,
    decision_file_import,
    decision_file_process,
)
from aid.services.registry_conflicts import registry_conflict_decide
from aid.services.retention import kept_files_purge
from aid.services.retransfers import retransfer_create, retransfer_export, retransfer_refusal
from aid.services.submissions import submission_create, submission_export

__all__ = [
    "AlreadyRecorded",
    "DatabaseBusy",
    "Expired",
    "application_approve",
    "application_create",
    "application_reject",
    "application_return",
    "application_submit",
    "application_verify",
    "applications_expire_withdrawals",
    "applications_reject",
    "applications_verify",
    "bank_report_import",
    "bank_report_process",
    "decision_file_import",
    "decision_file_process",
    "disbursement_record",
    "disbursement_withdrawn",
    "import_row_correct",
    "import_row_remove",
    "kept_files_purge",
    "possible_duplicate_decide",
    "possible_duplicate_reopen",
    "program_create",
    "program_ensure_bpum_2020",
    "program_money_moved",
    "program_update",
    "registry_conflict_decide",
    "proposal_list_cancel",
    "proposal_list_confirm",
    "proposal_list_return",
    "proposal_list_requeue",
    "proposal_list_stage",
    "proposal_list_submit",
    "proposal_list_upload",
    "proposal_lists_recover",
    "retransfer_create",
    "retransfer_export",
    "retransfer_refusal",
    "submission_create",
    "submission_export",
]
