from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.akun.access import staff_required
from portal.akun.roles import ADMIN, PIMPINAN

from . import selectors
from .filters import AuditFilter

PAGE_SIZE = 25


@staff_required(ADMIN, PIMPINAN)
def entry_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditFilter(request.GET or None, queryset=selectors.entries())
    # An invalid filter (a year outside 2000-2100) shows its error and lists nothing rather than everything.
    entries = filterset.qs if not filterset.is_bound or filterset.is_valid() else selectors.entries().none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.entry_rows(list(page), system_label=_("Sistem"))
    return render(request, "audit/entry_list.html", {"filter": filterset, "page": page, "rows": rows})
