"""Fixtures for import tests: the fixture lists and a helper that uploads one."""

from pathlib import Path

import pytest

from aid import services
from aid.models import ProposalList

FILES = Path(__file__).resolve().parent / "files"


@pytest.fixture
def upload(program, make_staff):
    """upload("outcomes.csv") -> the ProposalList after checking (immediate task backend)."""
    from umkm_portal import roles

    operator = make_staff(roles.OPERATOR, username="operator-upload")

    def run(name: str, *, proposer: str = "Kelurahan Perwira", data: bytes | None = None):
        import io

        content = data if data is not None else (FILES / name).read_bytes()
        proposal_list = services.proposal_list_upload(
            program=program,
            proposer_name=proposer,
            proposer_kind=ProposalList.ProposerKind.KELURAHAN,
            file=io.BytesIO(content),
            filename=name,
            by=operator,
        )
        proposal_list.refresh_from_db()
        return proposal_list

    run.operator = operator
    return run
