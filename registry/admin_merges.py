"""The duplicate-owner pages of the admin: the queue of likely same persons and the
side-by-side page where a Verifikator merges them or says they are not the same person.
Every write goes through registry.merges (re-exported by registry.services)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from privacy import masking
from privacy.models import AccessLog
from privacy.services import access_log_record
from registry import selectors, services
from registry.models import Owner


def _may_merge(request) -> None:
    if not request.user.has_perm(services.MERGE_OWNER):
        raise PermissionDenied


def counts_described(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(what, rows) for a merge's counts (model label -> rows), in Indonesian."""
    described = []
    for label, rows in counts.items():
        if not rows:
            continue
        model_label, _sep, kind = label.partition(":")
        try:
            name = str(apps.get_model(model_label)._meta.verbose_name_plural)
        except LookupError:
            name = model_label
        if kind == "folded":
            name = _("%(what)s yang sama digabung menjadi satu") % {"what": name}
        described.append((name, rows))
    return described


@dataclass
class OwnerSide:
    """One owner as the side-by-side page shows it, masked for the user."""

    owner: Owner
    nik: str
    kk_number: str
    phone: str
    businesses: list
    accounts: list
    applications: list
    # What merging the other owner into this one would move, or why it is refused.
    moves: list[tuple[str, int]]
    refusal: str


def _side(request, owner: Owner, other: Owner) -> OwnerSide:
    user = request.user
    outcome = services.owner_merge_preview(survivor=owner, merged=other, by=user)
    accounts = [
        (account, masking.account_for(user, account.account_number))
        for account in selectors.owner_accounts(owner)
    ]
    return OwnerSide(
        owner=owner,
        nik=masking.nik_for(user, owner.nik),
        kk_number=masking.value_for(user, "nik", owner.kk_number),
        phone=masking.value_for(user, "phone", owner.phone),
        businesses=list(owner.businesses.select_related("kelurahan", "kecamatan")),
        accounts=accounts,
        applications=selectors.owner_applications(owner),
        moves=counts_described(outcome.counts),
        refusal=outcome.refusal,
    )


def queue_view(model_admin, request):
    """Likely same persons under different NIKs, with the rules that matched."""
    _may_merge(request)
    user = request.user
    rows = [
        {
            "candidate": candidate,
            "first_nik": masking.nik_for(user, candidate.first.nik),
            "second_nik": masking.nik_for(user, candidate.second.nik),
            "url": reverse(
                "admin:registry_owner_compare", args=[candidate.first.pk, candidate.second.pk]
            ),
        }
        for candidate in selectors.owner_merge_candidates()
    ]
    return TemplateResponse(
        request,
        "admin/registry/owner/merge_queue.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Kemungkinan pemilik ganda"),
            "opts": model_admin.opts,
            "rows": rows,
        },
    )


def compare_view(model_admin, request, first_id, second_id):
    """Both owners side by side; POST merges one into the other (``survivor`` and a
    ``reason``) or records that they are not the same person (``action=dismiss``)."""
    _may_merge(request)
    first = get_object_or_404(Owner, pk=first_id)
    second = get_object_or_404(Owner, pk=second_id)
    if first.pk == second.pk:
        raise Http404
    errors = {}
    if request.method == "POST":
        if request.POST.get("action") == "dismiss":
            services.owner_pair_dismiss(
                first=first, second=second, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(
                request,
                _("%(first)s dan %(second)s dicatat bukan orang yang sama.")
                % {"first": first.full_name, "second": second.full_name},
            )
            return HttpResponseRedirect(reverse("admin:registry_owner_duplicates"))
        survivor_id = request.POST.get("survivor", "")
        if survivor_id not in (str(first.pk), str(second.pk)):
            raise PermissionDenied
        survivor, merged = (first, second) if survivor_id == str(first.pk) else (second, first)
        try:
            record = services.owner_merge(
                survivor=survivor,
                merged=merged,
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except ValidationError as exc:
            errors[survivor.pk] = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(merged)s digabungkan ke %(survivor)s.")
                % {"merged": record.merged_name, "survivor": survivor.full_name},
            )
            return HttpResponseRedirect(reverse("admin:registry_owner_change", args=[survivor.pk]))
    if masking.can_view_full_identity(request.user):
        for owner in (first, second):
            access_log_record(
                user=request.user,
                action=AccessLog.Action.VIEW_IDENTITY,
                subject="registry.owner",
                object_id=owner.pk,
                full_identity=True,
                detail="halaman pemilik ganda",
            )
    candidate = selectors.owner_merge_candidate(first, second)
    sides = [_side(request, first, second), _side(request, second, first)]
    for side in sides:
        side.error = errors.get(side.owner.pk, "")
    return TemplateResponse(
        request,
        "admin/registry/owner/merge_compare.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Bandingkan pemilik: %(first)s dan %(second)s")
            % {"first": first.full_name, "second": second.full_name},
            "opts": model_admin.opts,
            "sides": sides,
            "reasons": candidate.reasons,
            "merged_already": first.merged_into_id or second.merged_into_id,
            "reason_text": request.POST.get("reason", ""),
        },
        status=400 if errors else 200,
    )
