from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.page_cache import cached_page
from sarasehan import selectors as sarasehan_selectors


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    # One query: the next three sarasehan with their kecamatan.
    return render(request, "home.html", {"upcoming_sarasehan": sarasehan_selectors.upcoming(limit=3)})
