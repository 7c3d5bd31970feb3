"""The staff dashboard and its table downloads. Figures come from dashboard.tables."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard import charts, services
from dashboard.forms import FilterForm
from dashboard.tables import dashboard_tables_cached, development_live_at
from umkm_portal import content_types

PERMISSION = "dashboard.view_dashboard"
FORMATS = content_types.BY_EXTENSION


@login_required
@permission_required(PERMISSION, raise_exception=True)
def dashboard(request):
    refresh = services.summary_ensure_fresh()
    form = FilterForm(request.GET or None)
    filters = form.filters()
    tables = dashboard_tables_cached(filters, refresh)
    kecamatan, money = tables["kecamatan"], tables["dana"]
    series = [("bar-applied", _("Diusulkan")), ("bar-received", _("Menerima bantuan"))]
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "refresh": refresh,
            "pembinaan_at": development_live_at(filters),
            "tables": tables,
            "query": request.GET.urlencode(),
            "pembinaan_year": filters.year or timezone.localdate().year,
            "headline": {
                "applications": kecamatan.total[2],
                "received": money.total[2],
                "transferred": money.total[3],
                "withdrawn": money.total[5],
            },
            "kecamatan_chart": charts.horizontal_bars(
                [(row[0], [row[2], row[4]]) for row in kecamatan.rows], series
            ),
            "kecamatan_legend": series,
            "transfer_chart": charts.columns_per_day(
                [(row[0], row[1]) for row in tables["transfer"].rows], css="bar-transfer"
            ),
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
def download(request, key: str, fmt: str):
    """One dashboard table, with the page's filters, as CSV or XLSX."""
    if fmt not in FORMATS:
        raise Http404
    refresh = services.summary_ensure_fresh()
    table = dashboard_tables_cached(FilterForm(request.GET or None).filters(), refresh).get(key)
    if table is None:
        raise Http404
    data = table.dataset()
    # A byte-order mark so that Excel opens the CSV as UTF-8.
    body = "\ufeff" + data.export("csv") if fmt == "csv" else data.export("xlsx")
    response = HttpResponse(body, content_type=FORMATS[fmt])
    filename = f"dasbor-{key}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
