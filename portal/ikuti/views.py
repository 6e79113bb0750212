"""Following views: thin; the services decide who may follow and what is sent."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from portal.akun.requests import AuthenticatedHttpRequest
from portal.kasus.selectors import reported_public_cases
from portal.ratelimit import hit, hit_address, normalise_email
from portal.tokens import confirm_payload, unsubscribe_payload

from . import services
from .forms import EmailForm, FrekuensiForm, PlaceForm, PlaceGuestForm

# Confirmation emails a visitor may have sent: per address of the visitor, and per mailbox.
REQUESTS_PER_HOUR = 10


def _request_allowed(request: HttpRequest, email: str) -> bool:
    return hit_address("ikuti.request", request, REQUESTS_PER_HOUR, 3600) and hit(
        "ikuti.request.email", normalise_email(email), 3, 3600
    )


def _guest_request(request: HttpRequest, email: str, target: dict[str, Any]) -> HttpResponse:
    if _request_allowed(request, email):
        services.follow_request_by_email(email=email, language=get_language() or "id", target=target)
    # The same answer either way: the page does not tell whether an address was rate limited.
    return render(request, "ikuti/check_email.html", {"email": email})


def _not_confirmed(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Konfirmasi alamat email Anda terlebih dahulu, lalu coba lagi."))
    return redirect("account_email")


@never_cache
@require_http_methods(["GET", "POST"])
def follow_kasus(request: HttpRequest, reference: str) -> HttpResponse:
    kasus = reported_public_cases().filter(reference=reference).first()
    if kasus is None:
        raise Http404
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.kasus_follow(kasus=kasus, user=request.user)
            except services.NotConfirmed:
                return _not_confirmed(request)
            messages.success(request, _("Anda mengikuti kasus %(ref)s.") % {"ref": kasus.reference})
            return redirect("akun_profile")
        return render(request, "ikuti/follow_kasus.html", {"kasus": kasus})
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _guest_request(request, form.cleaned_data["email"], {"kasus": kasus.pk})
    status = 400 if form.is_bound else 200
    return render(request, "ikuti/follow_kasus.html", {"kasus": kasus, "form": form}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def follow_place(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    form = (PlaceForm if signed_in else PlaceGuestForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not request.user.is_authenticated:
            target = {
                "wilayah": form.place.pk,
                "kategori": data["kategori"].pk if data["kategori"] else None,
                "frekuensi": data["frekuensi"],
            }
            return _guest_request(request, data["email"], target)
        try:
            services.langganan_add(
                wilayah=form.place,
                kategori=data["kategori"],
                frekuensi=data["frekuensi"],
                user=request.user,
                language=request.user.language,
            )
        except services.NotConfirmed:
            return _not_confirmed(request)
        messages.success(request, _("Anda mengikuti %(place)s.") % {"place": form.place})
        return redirect("akun_profile")
    return render(request, "ikuti/follow_place.html", {"form": form}, status=400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: a mail scanner opening the link must not start a follow."""
    payload = confirm_payload(token)
    if payload is None:
        return render(request, "ikuti/invalid.html", status=400)
    if request.method != "POST":
        return render(request, "ikuti/confirm.html", {"email": payload.get("email", "")})
    if services.follow_confirm(token) is None:
        return render(request, "ikuti/invalid.html", status=400)
    return render(request, "ikuti/confirmed.html")


@csrf_exempt  # RFC 8058: mail clients POST without a session or CSRF token; the signed token is the credential.
@never_cache
@require_http_methods(["GET", "POST"])
def berhenti(request: HttpRequest, token: str) -> HttpResponse:
    payload = unsubscribe_payload(token)
    if payload is None:
        return render(request, "ikuti/invalid.html", status=400)
    kind, key, email = payload
    # A guest reporter's link keeps the answer and requests for information coming: only the steps stop.
    essentials = kind == "r"
    if request.method != "POST":
        return render(request, "ikuti/berhenti.html", {"email": email, "essentials": essentials})
    services.unsubscribe(kind=kind, key=key, email=email)
    return render(request, "ikuti/berhenti_done.html", {"essentials": essentials})


@login_required
@require_POST
def place_frequency(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    form = FrekuensiForm(request.POST)
    if form.is_valid() and services.langganan_set_frekuensi(
        user=request.user, pk=pk, frekuensi=form.cleaned_data["frekuensi"]
    ):
        messages.success(request, _("Frekuensi ringkasan disimpan."))
    return redirect("akun_profile")


@login_required
@require_POST
def place_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if services.langganan_remove(user=request.user, pk=pk):
        messages.success(request, _("Anda berhenti mengikuti wilayah ini."))
    return redirect("akun_profile")


@login_required
@require_POST
def kasus_remove(request: AuthenticatedHttpRequest, kasus_id: int) -> HttpResponse:
    if services.kasus_unfollow(user=request.user, kasus_id=kasus_id):
        messages.success(request, _("Anda berhenti mengikuti kasus ini."))
    return redirect("akun_profile")
