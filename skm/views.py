from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from akuntabilitas import exports
from portal.page_cache import cached_page

from . import selectors, services
from .forms import PeriodForm, SurveiForm
from .models import UNSUR


@never_cache
@require_http_methods(["GET", "POST"])
def survei(request: HttpRequest, token: str) -> HttpResponse:
    try:
        undangan = selectors.undangan_for_token(token)
    except selectors.LinkExpired:
        return render(request, "skm/closed.html", {"expired": True}, status=410)
    if undangan is None:
        raise Http404
    if undangan.used_at is not None:
        return render(request, "skm/closed.html", {"expired": False}, status=410)
    form = SurveiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.skm_submit(undangan_id=undangan.pk, answers=form.cleaned_data)
        except services.SurveiError:
            return render(request, "skm/closed.html", {"expired": False}, status=410)
        return render(request, "skm/thanks.html")
    return render(request, "skm/survei.html", {"form": form, "undangan": undangan})


def _table(units: list[selectors.IkmSummary]) -> tuple[list[str], list[list[object]]]:
    head = [_("Unit layanan"), _("Responden")] + [f"{code.upper()} {label}" for code, label in UNSUR]
    head += [_("IKM"), _("Mutu pelayanan")]
    body: list[list[object]] = []
    for row in units:
        assert row.ikm is not None  # ikm_by_unit lists only units with answers
        body.append(
            [row.label, row.respondents]
            + [float(value) for value in row.ikm.nrr]
            + [float(row.ikm.ikm), f"{row.ikm.grade} ({row.ikm.mutu})"]
        )
    return head, body


@require_GET
def ikm_csv(request: HttpRequest) -> HttpResponse:
    start, end = PeriodForm(request.GET or None).period()
    head, body = _table(selectors.ikm_by_unit(start=start, end=end))
    return exports.csv_response(f"ikm-{start:%Y%m%d}-{end:%Y%m%d}", head, body)


@require_GET
def ikm_xlsx(request: HttpRequest) -> HttpResponse:
    start, end = PeriodForm(request.GET or None).period()
    head, body = _table(selectors.ikm_by_unit(start=start, end=end))
    return exports.xlsx_response(f"ikm-{start:%Y%m%d}-{end:%Y%m%d}", _("IKM per unit"), head, body)


@require_GET
@cached_page
def ikm(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    query = request.GET.urlencode()
    return render(
        request,
        "skm/ikm.html",
        {
            "form": form,
            "summary": selectors.ikm_summary(start=start, end=end),
            "units": selectors.ikm_by_unit(start=start, end=end),
            "query": query,
            "presets": form.presets(),
        },
    )
