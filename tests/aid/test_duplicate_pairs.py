"""The queue of possible duplicates: one entry per pair, decided, reopened, filtered."""

import datetime
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from aid import selectors, services, transitions
from aid.models import Application, PossibleDuplicate, ProposalList, Reason, Status
from registry.models import Region
from tests.aid.conftest import in_status, statuses
from umkm_portal import roles

pytestmark = pytest.mark.django_db

SAME = PossibleDuplicate.Decision.SAME_PERSON
DIFFERENT = PossibleDuplicate.Decision.DIFFERENT_PEOPLE


def _pair(program, rules="phone", *, days_apart=3, **later_kwargs):
    """Two applications, the first proposed ``days_apart`` days earlier, flagged as a pair."""
    earlier = in_status(program)
    later = in_status(program, **later_kwargs)
    Application.objects.filter(pk=earlier.pk).update(
        proposed_at=timezone.now() - datetime.timedelta(days=days_apart)
    )
    flag = PossibleDuplicate.objects.create(application=earlier, other=later, rules=rules)
    return earlier, later, flag


def _change_url(flag, **filters):
    url = reverse("admin:aid_possibleduplicate_change", args=[flag.pk])
    if filters:
        url += "?" + urlencode({"_changelist_filters": urlencode(filters)})
    return url


def _landed_on(response) -> tuple[int, dict]:
    """The pair id and queue filters of the page a redirect lands on."""
    url = urlparse(response.url)
    pk = int(url.path.rstrip("/").split("/")[-2])
    filters = parse_qs(parse_qs(url.query).get("_changelist_filters", [""])[0])
    return pk, {key: values[0] for key, values in filters.items()}


# --- one row per pair, held by the database ---------------------------------------------------


def test_the_database_keeps_one_row_per_unordered_pair(program):
    earlier, later, _flag = _pair(program)
    for application, other in ((earlier, later), (later, earlier)):
        with pytest.raises(IntegrityError), transaction.atomic():
            PossibleDuplicate.objects.create(application=application, other=other, rules="phone")
    with pytest.raises(IntegrityError), transaction.atomic():
        PossibleDuplicate.objects.create(application=earlier, other=earlier, rules="phone")
    third = in_status(program)
    with pytest.raises(IntegrityError), transaction.atomic():
        PossibleDuplicate.objects.create(application=earlier, other=third, rules="")
    assert PossibleDuplicate.objects.count() == 1


def test_rules_are_stored_in_one_order_and_shown_together():
    assert PossibleDuplicate.join_rules({"bank_account", "name_birth_date", "phone"}) == (
        "name_birth_date,phone,bank_account"
    )
    flag = PossibleDuplicate(rules="name_birth_date,phone,bank_account")
    assert flag.get_rules_display() == (
        "Nama dan tanggal lahir sama, Nomor HP sama, Rekening bank sama"
    )


# --- deciding ---------------------------------------------------------------------------------


def test_same_person_keeps_the_one_the_verifier_chose(program, verifier):
    earlier, later, flag = _pair(program)
    services.possible_duplicate_decide(flag=flag, decision=SAME, by=verifier, keep=later)
    assert statuses(earlier, later) == [Status.REJECTED, Status.PROPOSED]
    earlier.refresh_from_db()
    assert earlier.reason_code == Reason.DUPLICATE_EXISTING
    assert f"#{later.pk}" in earlier.status_changes.get().note_text


def test_same_person_refuses_to_keep_an_application_outside_the_pair_or_a_rejected_one(
    program, verifier
):
    earlier, later, flag = _pair(program)
    stranger = in_status(program)
    with pytest.raises(ValidationError, match="bukan bagian"):
        services.possible_duplicate_decide(flag=flag, decision=SAME, by=verifier, keep=stranger)
    services.application_reject(application=earlier, by=verifier, reason_code=Reason.INCOMPLETE)
    with pytest.raises(transitions.TransitionRefused, match="sudah ditolak"):
        services.possible_duplicate_decide(flag=flag, decision=SAME, by=verifier)
    flag.refresh_from_db()
    assert flag.decision == ""
    assert statuses(later) == [Status.PROPOSED]


def test_save_and_next_lands_on_the_next_open_pair_of_the_filtered_queue(
    program, make_staff, client
):
    client.force_login(make_staff(roles.VERIFIKATOR))
    first = _pair(program, rules="phone")[2]
    _pair(program, rules="bank_account")  # not in the filtered queue
    second = _pair(program, rules="name_birth_date,phone")[2]

    response = client.post(
        _change_url(first, rule="phone"),
        {"decision": DIFFERENT, "note": "beda KK", "_next": "1"},
    )

    assert response.status_code == 302
    assert _landed_on(response) == (second.pk, {"rule": "phone"})
    first.refresh_from_db()
    assert (first.decision, first.note) == (DIFFERENT, "beda KK")
    page = client.get(response.url)
    assert "Keputusan dicatat: Orang yang berbeda." in page.content.decode()


def test_next_follows_the_pair_decided_and_wraps_round_to_skipped_ones(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    flags = [_pair(program)[2] for _ in range(3)]

    # The verifier skipped the first pair and decides the second: next is the third...
    response = client.post(_change_url(flags[1]), {"decision": DIFFERENT, "_next": "1"})
    assert _landed_on(response)[0] == flags[2].pk
    # ...and after the third, the skipped first one.
    response = client.post(_change_url(flags[2]), {"decision": DIFFERENT, "_next": "1"})
    assert _landed_on(response)[0] == flags[0].pk
    # When none is left open, back to the queue with a message.
    response = client.post(
        _change_url(flags[0], q="zzz-no-one"), {"decision": DIFFERENT, "_next": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(
        reverse("admin:aid_possibleduplicate_changelist") + "?q=zzz-no-one"
    )
    assert "Tidak ada lagi pasangan terbuka" in response.content.decode()


def test_save_goes_back_to_the_queue_with_its_filters(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    earlier, later, flag = _pair(program)
    response = client.post(
        _change_url(flag, rule="phone"),
        {"decision": SAME, "keep": str(later.pk), "_save": "1"},
    )
    assert response.url == reverse("admin:aid_possibleduplicate_changelist") + "?rule=phone"
    assert statuses(earlier, later) == [Status.REJECTED, Status.PROPOSED]


def test_open_first_pair_follows_the_queue_filters(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    _pair(program, rules="phone")
    wanted = _pair(program, rules="bank_account")[2]
    response = client.get(reverse("admin:aid_possibleduplicate_first") + "?rule=bank_account")
    assert _landed_on(response) == (wanted.pk, {"rule": "bank_account"})
    queue = client.get(reverse("admin:aid_possibleduplicate_changelist") + "?rule=bank_account")
    assert (
        reverse("admin:aid_possibleduplicate_first") + "?rule=bank_account"
        in queue.content.decode()
    )


# --- reopening --------------------------------------------------------------------------------


def test_reopening_needs_a_reason_keeps_the_history_and_the_rejection(program, make_staff, client):
    verifier = make_staff(roles.VERIFIKATOR)
    client.force_login(verifier)
    earlier, later, flag = _pair(program)
    services.possible_duplicate_decide(flag=flag, decision=SAME, by=verifier, note="KK sama")
    page = client.get(_change_url(flag)).content.decode()
    assert "tetap ditolak" in page and "Buka kembali keputusan" in page

    with pytest.raises(ValidationError):
        services.possible_duplicate_reopen(flag=flag, by=verifier, reason="  ")
    response = client.post(
        _change_url(flag), {"reason": "KK ternyata berbeda", "_reopen": "1"}, follow=True
    )

    flag.refresh_from_db()
    assert (flag.decision, flag.decided_by, flag.decided_at) == ("", None, None)
    assert statuses(earlier, later) == [Status.PROPOSED, Status.REJECTED]
    history = list(selectors.possible_duplicate_history(flag))
    assert [(h.decision, h.note, h.history_change_reason, h.history_user) for h in history] == [
        ("", "", None, None),  # flagged
        (SAME, "KK sama", "decided", verifier),
        ("", "", "KK ternyata berbeda", verifier),
    ]
    text = response.content.decode()
    assert "Dibuka kembali" in text and "KK ternyata berbeda" in text
    assert 'name="_next"' in text  # open again, for a new decision

    services.possible_duplicate_decide(flag=flag, decision=DIFFERENT, by=verifier)
    assert statuses(later) == [Status.REJECTED]  # the rejection is handled separately
    with pytest.raises(transitions.TransitionRefused, match="belum diputuskan"):
        services.possible_duplicate_reopen(flag=_pair(program)[2], by=verifier, reason="x")


def test_pimpinan_cannot_reopen(program, make_staff, client, verifier):
    flag = _pair(program)[2]
    services.possible_duplicate_decide(flag=flag, decision=DIFFERENT, by=verifier)
    client.force_login(make_staff(roles.PIMPINAN))
    page = client.get(_change_url(flag)).content.decode()
    assert "Buka kembali keputusan" not in page
    assert client.post(_change_url(flag), {"reason": "x", "_reopen": "1"}).status_code == 403
    flag.refresh_from_db()
    assert flag.decision == DIFFERENT


# --- the queue: filters and search ------------------------------------------------------------


def _kecamatan_of(application) -> Region:
    return application.business.kelurahan.parent


def test_queue_filters_by_list_rule_kecamatan_and_searches_nik_or_name(program, make_staff, client):
    client.force_login(make_staff(roles.VERIFIKATOR))
    listed = ProposalList.objects.create(program=program, proposer_name="Koperasi Maju")
    a_earlier, a_later, by_phone = _pair(program, rules="phone")
    Application.objects.filter(pk=a_later.pk).update(proposal_list=listed)
    b_earlier, b_later, by_account = _pair(program, rules="name_birth_date,bank_account")
    kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN).exclude(
        pk__in=[_kecamatan_of(a).pk for a in (a_earlier, a_later, b_earlier)]
    )[0]
    kelurahan = Region.objects.filter(parent=kecamatan).first()
    b_later.business.kelurahan = kelurahan
    b_later.business.kecamatan = kecamatan
    b_later.business.save()
    queue = reverse("admin:aid_possibleduplicate_changelist")

    def shown(**params) -> set[int]:
        response = client.get(queue, params)
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert shown() == {by_phone.pk, by_account.pk}
    assert shown(list=listed.pk) == {by_phone.pk}
    assert shown(rule="bank_account") == {by_account.pk}
    assert shown(rule="phone") == {by_phone.pk}
    assert shown(kecamatan=kecamatan.pk) == {by_account.pk}
    assert shown(q=b_later.owner.nik) == {by_account.pk}  # the other side of the pair
    assert shown(q=f" {a_earlier.owner.nik[:8]} {a_earlier.owner.nik[8:]} ") == {by_phone.pk}
    assert shown(q=a_later.owner.full_name) >= {by_phone.pk}
    assert shown(rule="nonsense") == set()
    assert (listed.pk, str(listed)) in selectors.duplicate_proposal_lists()

    text = client.get(queue).content.decode()
    assert "Nama dan tanggal lahir sama, Rekening bank sama" in text


def test_open_duplicate_selectors_see_either_side(program, verifier):
    earlier, later, flag = _pair(program)
    decided_earlier, decided_later, decided = _pair(program)
    services.possible_duplicate_decide(flag=decided, decision=DIFFERENT, by=verifier)
    alone = in_status(program)

    assert transitions.held_ids(Application.objects.all()) == {earlier.pk, later.pk}
    assert transitions.held_ids(Application.objects.filter(pk=later.pk)) == {later.pk}
    assert selectors.open_duplicates_of(later) == [(flag, earlier)]
    assert selectors.open_duplicates_of(decided_earlier) == []
    assert selectors.open_duplicates_of(alone) == []
