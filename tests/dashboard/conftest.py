"""A small dataset whose dashboard figures are worked out by hand in the tests.

Two programs, two kecamatan, two proposers (one sending two lists), eight applications:

| # | program | kecamatan    | proposer                | proposed   | end status           |
|---|---------|--------------|-------------------------|------------|----------------------|
| 1 | 2020    | Bekasi Timur | Kelurahan Jatiwaringin  | 20-08-2020 | transferred 10-09    |
| 2 | 2020    | Bekasi Timur | Kelurahan Jatiwaringin  | 20-08-2020 | withdrawn (tr. 10-09)|
| 3 | 2020    | Pondokgede   | Koperasi Maju           | 20-08-2020 | returned (tr. 11-09) |
| 4 | 2020    | Pondokgede   | Koperasi Maju           | 27-08-2020 | rejected: incomplete |
| 5 | 2020    | Bekasi Timur | Koperasi Maju           | 27-08-2020 | rejected: duplicate  |
| 6 | 2020    | Pondokgede   | Kelurahan Jatiwaringin  | 27-08-2020 | proposed             |
| 7 | 2021    | Bekasi Timur | (entered by hand)       | 20-04-2021 | transferred 10-05-21 |
| 8 | 2021    | Pondokgede   | Koperasi Maju (2021)    | 20-04-2021 | rejected: incomplete |

Owner of #1 is also the owner of #7. BPUM 2020 pays Rp2.400.000, BPUM 2021 Rp1.200.000.
"""

import datetime

import pytest

from aid import services
from aid.models import Application, Program, ProposalList, Reason
from registry.models import Region
from tests.factories import BankAccountFactory, BusinessFactory, OwnerFactory
from umkm_portal import roles

JAKARTA = datetime.timezone(datetime.timedelta(hours=7))


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), JAKARTA)


@pytest.fixture
def kecamatan(db):
    """Bekasi Timur and Pondokgede, each with one of its kelurahan."""
    timur = Region.objects.get(level=Region.Level.KECAMATAN, name="Bekasi Timur")
    pondokgede = Region.objects.get(level=Region.Level.KECAMATAN, name="Pondokgede")
    return {
        "timur": timur,
        "timur_kel": timur.children.order_by("code").first(),
        "pondokgede": pondokgede,
        "pondokgede_kel": pondokgede.children.order_by("code").first(),
    }


@pytest.fixture
def dataset(db, kecamatan):
    p2020 = Program.objects.create(
        code="bpum-2020", name="BPUM 2020", amount=2_400_000, starts_on=datetime.date(2020, 8, 17)
    )
    p2021 = Program.objects.create(
        code="bpum-2021", name="BPUM 2021", amount=1_200_000, starts_on=datetime.date(2021, 4, 1)
    )
    kel = ProposalList.objects.create(
        program=p2020,
        proposer_name="Kelurahan Jatiwaringin",
        proposer_kind=ProposalList.ProposerKind.KELURAHAN,
    )
    kop = ProposalList.objects.create(
        program=p2020,
        proposer_name="Koperasi Maju",
        proposer_kind=ProposalList.ProposerKind.KOPERASI,
    )
    kop21 = ProposalList.objects.create(
        program=p2021,
        proposer_name="Koperasi Maju",
        proposer_kind=ProposalList.ProposerKind.KOPERASI,
    )
    where = {"timur": kecamatan["timur_kel"], "pondokgede": kecamatan["pondokgede_kel"]}
    businesses = {}

    def apply(n, program, place, proposal_list, proposed, owner_of=None):
        if owner_of is None:
            owner = OwnerFactory(kelurahan=where[place])
            BankAccountFactory(owner=owner)
            businesses[n] = BusinessFactory(owner=owner, kelurahan=where[place])
        else:
            businesses[n] = businesses[owner_of]
        application = services.application_create(
            business=businesses[n], program=program, proposal_list=proposal_list
        )
        Application.objects.filter(pk=application.pk).update(proposed_at=at(proposed, 9))
        return application

    def approve(application, day):
        application = services.application_verify(application=application, by=None, at=at(day))
        application = services.application_submit(application=application, by=None, at=at(day))
        return services.application_approve(application=application, by=None, at=at(day))

    def transfer(application, day, ref):
        application = approve(application, day)
        return services.disbursement_record(
            application=application, bank_reference=ref, succeeded=True, transferred_at=at(day)
        )

    a1 = apply(1, p2020, "timur", kel, "2020-08-20")
    transfer(a1, "2020-09-10", "REF-1")
    a2 = apply(2, p2020, "timur", kel, "2020-08-20")
    d2 = transfer(a2, "2020-09-10", "REF-2")
    services.disbursement_withdrawn(disbursement=d2, withdrawn_at=at("2020-09-15"))
    a3 = apply(3, p2020, "pondokgede", kop, "2020-08-20")
    transfer(a3, "2020-09-11", "REF-3")
    services.application_return(application=a3, by=None, at=at("2020-12-10"))
    a4 = apply(4, p2020, "pondokgede", kop, "2020-08-27")
    services.application_reject(application=a4, by=None, reason_code=Reason.INCOMPLETE)
    a5 = apply(5, p2020, "timur", kop, "2020-08-27")
    services.application_reject(application=a5, by=None, reason_code=Reason.DUPLICATE_EXISTING)
    apply(6, p2020, "pondokgede", kel, "2020-08-27")
    a7 = apply(7, p2021, "timur", None, "2021-04-20", owner_of=1)
    transfer(a7, "2021-05-10", "REF-7")
    a8 = apply(8, p2021, "pondokgede", kop21, "2021-04-20")
    services.application_reject(application=a8, by=None, reason_code=Reason.INCOMPLETE)
    return {"p2020": p2020, "p2021": p2021, **kecamatan}


@pytest.fixture
def pimpinan(make_staff):
    return make_staff(roles.PIMPINAN)


@pytest.fixture
def pimpinan_client(client, pimpinan):
    client.force_login(pimpinan)
    return client
