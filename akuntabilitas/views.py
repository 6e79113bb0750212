from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.page_cache import cached_page

from . import exports, selectors
from .forms import TrackerFilterForm

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[TrackerFilterForm, dict[str, Any]]:
    form = TrackerFilterForm(request.GET or None)
    return form, form.filters()


@require_GET
@cached_page
def janji(request: HttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    qs = selectors.public_commitments(**filters)
    # `page` as everywhere in the portal; `halaman` is what links shared before that still carry.
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page") or request.GET.get("halaman"))
    items = list(page.object_list)
    today = timezone.localdate()
    where = selectors.where_promised(items)
    for item in items:
        item.public_status = selectors.tracker_status(item, today)
        item.public_status_label = selectors.TRACKER_STATUS_LABELS[item.public_status]
        item.where = where[item.pk] or item.source
    query = request.GET.copy()
    for name in ("page", "halaman"):
        query.pop(name, None)
    return render(
        request,
        "akuntabilitas/janji.html",
        {
            "form": form,
            "page": page,
            "items": items,
            # The share describes the OPD and kecamatan chosen, whatever status is shown.
            "share": selectors.kept_share(selectors.public_commitments(**{**filters, "status": ""})),
            "query": query.urlencode(),
        },
    )


@require_GET
def janji_csv(request: HttpRequest) -> HttpResponse:
    _form, filters = _filtered(request)
    return exports.as_csv(selectors.public_commitments(**filters))


@require_GET
def janji_xlsx(request: HttpRequest) -> HttpResponse:
    _form, filters = _filtered(request)
    return exports.as_xlsx(selectors.public_commitments(**filters))


@require_GET
@cached_page
def kasus(request: HttpRequest, reference: str) -> HttpResponse:
    item = selectors.public_kasus(reference)
    today = timezone.localdate()
    commitments = list(item.tindak_lanjut.select_related("opd").order_by("due_date", "id"))
    for c in commitments:
        # Read by the template next to the commitment's own fields.
        c.public_status_label = selectors.TRACKER_STATUS_LABELS[  # type: ignore[attr-defined]
            selectors.tracker_status(c, today)
        ]
    return render(
        request,
        "akuntabilitas/kasus.html",
        {
            "kasus": item,
            "entries": selectors.public_timeline(item),
            "commitments": commitments,
            "survivor": selectors.public_survivor(item),
        },
    )
