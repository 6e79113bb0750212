"""The map pages: the pin's desa and nearby cases on the aspirasi form, the staff map of the queue, the public map."""

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache, wraps
from typing import Any, ParamSpec, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from portal.akun import roles
from portal.akun.access import staff_required
from portal.akun.requests import AuthenticatedHttpRequest
from portal.kasus import selectors as kasus_selectors
from portal.kasus import titik
from portal.kasus.filters import KasusFilter
from portal.kasus.models import OPEN_STATUSES
from portal.kasus.services import KasusError
from portal.page_cache import cached_page
from portal.wilayah import geo

from . import maps, nearby, selectors, services

MAP_CACHE_SECONDS = 60

_P = ParamSpec("_P")


def allow_geolocation(view: Callable[_P, HttpResponse]) -> Callable[_P, HttpResponse]:
    """The page may ask the browser for the resident's location ("use my location"); no other page may."""

    @wraps(view)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> HttpResponse:
        response = view(*args, **kwargs)
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY_GEOLOCATION
        return response

    return wrapped


def map_config() -> dict[str, str]:
    """What the map script reads from data- attributes: no inline script under the CSP."""
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


@cache
def _desa_geojson() -> bytes:
    return geo.DESA_GEOJSON.read_bytes()


@require_GET
@cache_control(public=True, max_age=86400)
def desa_geojson(request: HttpRequest) -> HttpResponse:
    """The desa boundaries the maps draw, from the same file the server's point-in-polygon reads."""
    return HttpResponse(_desa_geojson(), content_type="application/geo+json")


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180 <= number <= 180 else None


def nearby_context(params: Mapping[str, Any], *, exclude_id: int | None = None) -> dict[str, Any]:
    """The desa under the pin and the cases already reported there, for the form's fragment and the check button."""
    lat, lng = _float(params.get("titik_lat", "")), _float(params.get("titik_lng", ""))
    desa_id = params.get("desa", "")
    context: dict[str, Any] = {"outside": False, "desa": None, "cases": []}
    if lat is not None and lng is not None:
        found = geo.desa_at(lat, lng)
        if found is None:
            return {**context, "outside": True, "outside_message": titik.OUTSIDE_REGENCY}
        desa = selectors.desa_by_kode().get(found.kode)
        context["desa"] = desa
        if desa is not None:
            # "The same desa" is the pin's: the select may still hold the previous choice while the pin moves.
            desa_id = str(desa["pk"])
    else:
        lat = lng = None
    context["cases"] = nearby.nearby_cases(
        lat=lat,
        lng=lng,
        wilayah_id=int(desa_id) if desa_id.isdigit() else None,
        title=params.get("title", "")[:200],
        exclude_id=exclude_id,
    )
    return context


@require_GET
def nearby_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: as the resident places the pin or types the title."""
    return render(request, "aspirasi/_nearby.html", nearby_context(request.GET))


@require_POST
def follow_instead(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a case already reported instead of sending a duplicate. Needs an account with a confirmed email."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("aspirasi:submit"))
    try:
        kasus = services.aspirasi_follow_instead(kasus_id=pk, user=request.user)
    except KasusError as exc:
        messages.error(request, str(exc))
        return redirect("aspirasi:submit")
    messages.success(
        request,
        _("Anda kini mengikuti kasus %(ref)s dan akan menerima kabar perkembangannya. Laporan baru tidak dikirim.")
        % {"ref": kasus.reference},
    )
    return redirect("aspirasi:submit")


@staff_required(roles.PETUGAS)
@require_POST
def move_pin(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    kasus = kasus_selectors.staff_kasus(request.user, reference)
    lat, lng = _float(request.POST.get("titik_lat", "")), _float(request.POST.get("titik_lng", ""))
    try:
        titik.titik_move(kasus_id=kasus.pk, lat=lat, lng=lng, actor=request.user)
    except KasusError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Titik lokasi kasus disimpan."))
    return redirect("kasus:detail", reference=kasus.reference)


def _staff_map_parts(request: AuthenticatedHttpRequest) -> dict[str, SafeString]:
    """The filter form, the clusters as JSON and the table of the current filter: what the staff map caches.

    One aggregate query over the filtered cases (wilayah_id, count, late) whatever their number."""
    user = request.user
    filterset = KasusFilter(
        request.GET or None,
        queryset=kasus_selectors.staff_queue(user),
        hide_opd=kasus_selectors.is_opd_only(user),
    )
    cases = filterset.qs
    if not request.GET.get("status"):
        # Without a status filter the map shows what is still being handled, not years of closed cases.
        cases = cases.filter(status__in=OPEN_STATUSES)
    query = request.GET.copy()
    query.pop("kecamatan", None)
    query.pop("page", None)
    rows = maps.clusters_json(maps.desa_clusters(cases))
    # Each marker links to its only case, or to the queue of its kecamatan with the same filter.
    queue_url = reverse("kasus:queue") + "?" + (query.urlencode() + "&" if query else "") + "kecamatan="
    case_url = reverse("kasus:detail", args=["__ref__"])
    for row in rows:
        row["href"] = (
            case_url.replace("__ref__", row["reference"])
            if row["reference"]
            else f"{queue_url}{row['kecamatan_id'] or ''}"
        )
    # SafeString pickles as itself: the cached parts stay marked safe (escaped here, or rendered by a template).
    return {
        # Read by static/js/peta.js from a data- attribute, escaped here once: no inline script.
        "clusters_json": escape(json.dumps(rows)),
        "filters": render_to_string("aspirasi/_staff_map_filters.html", {"filter": filterset}, request),
        "table": render_to_string("aspirasi/_staff_map_table.html", {"clusters": rows}, request),
    }


@staff_required()
def staff_map(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue's current filter on the map. A view reads one cache entry; a minute old is fine for an overview,
    and the aggregate over a large queue is paid once a minute per filter, not on every view."""
    user = request.user
    scope = user.opd_id if kasus_selectors.is_opd_only(user) else "all"
    filter_key = f"{scope}:{get_language()}:{request.GET.urlencode()}"
    key = "aspirasi:staff_map:" + hashlib.sha256(filter_key.encode()).hexdigest()
    parts = cast(
        dict[str, SafeString], django_cache.get_or_set(key, lambda: _staff_map_parts(request), MAP_CACHE_SECONDS)
    )
    return render(
        request,
        "aspirasi/staff_map.html",
        {**parts, "map": map_config()},
    )


@cached_page
def public_map(request: HttpRequest) -> HttpResponse:
    points, clusters = cast(
        tuple[list[dict[str, Any]], list[maps.Cluster]],
        django_cache.get_or_set(
            "aspirasi:public_map",
            lambda: (maps.public_points(), maps.desa_clusters(selectors.public_cases(), with_late=False)),
            MAP_CACHE_SECONDS * 5,
        ),
    )
    return render(
        request,
        "aspirasi/public_map.html",
        {"points_json": json.dumps(points), "clusters": clusters, "map": map_config()},
    )
