import csv
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.akun import roles
from portal.akun.access import staff_required
from portal.akun.requests import AuthenticatedHttpRequest, signed_in_user
from portal.kasus.models import Kasus
from portal.kasus.selectors import (
    remember_owner,
    staff_kasus,
    viewer_is_reporter,
    viewer_may_act,
    viewer_proved_reporter,
    viewer_sees_content,
)
from portal.kasus.services import KasusError
from portal.kasus.templat import chosen
from portal.page_cache import cached_form_page, rendering_for_cache
from portal.ratelimit import client_address
from portal.wilayah.models import DESA_LEVELS, Wilayah

from . import kept, selectors, services
from .forms import (
    ANSWER_PREFIX,
    IDEMPOTENCY_KEY_PLACEHOLDER,
    REROUTE_PREFIX,
    AcceptForm,
    AnswerForm,
    AspirasiForm,
    DesaOptionsForm,
    DisputeForm,
    InfoForm,
    RerouteForm,
    StaffRecordForm,
    WilayahOptions,
    new_idempotency_key,
)
from .map_views import allow_geolocation, map_config, nearby_context
from .models import Jenis, Lampiran

SENT_SESSION_KEY = "aspirasi_sent"
# The check page's buttons: send the report, or go back to the form to change an answer.
SEND_KEY = "kirim"
CHANGE_KEY = "ubah"
CHECKED_FIELDS = (
    "jenis",
    "title",
    "description",
    "kategori",
    "kecamatan",
    "desa",
    "address_detail",
    "is_anonymous",
    "is_confidential",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
)


# The no-JavaScript "check for reports nearby" button: validates and shows the list, sends nothing.
CHECK_BUTTON = "cek_sekitar"


def _form_context(form: AspirasiForm, options: WilayahOptions) -> dict[str, Any]:
    """The pin's map, the photo's GPS offered as the pin, and the cases already reported near the choice."""
    context: dict[str, Any] = {
        "form": form,
        "wilayah_options": options,
        "map": map_config(),
        "photo_gps": None,
        "nearby": None,
    }
    if form.is_bound:
        context["photo_gps"] = form.photo_gps
        context["nearby"] = nearby_context(form.data)
    return context


@never_cache
@allow_geolocation
@require_http_methods(["GET", "POST"])
@cached_form_page({IDEMPOTENCY_KEY_PLACEHOLDER: new_idempotency_key})
def submit(request: HttpRequest) -> HttpResponse:
    """The form, then "check your answers" (the same data re-posted as hidden fields), then send.

    A POST without SEND_KEY that validates shows the check page; "change" re-opens the form filled in. Checked files
    are kept server-side (aspirasi.kept) so neither an error nor the check step asks for them again.
    Long because the three steps share one form, its kept files and the rate-limit answer.
    """
    options = selectors.wilayah_options()
    user = signed_in_user(request)
    if request.method == "GET":
        kept.forget_files(request)
        initial: dict[str, Any] = {}
        preset = DesaOptionsForm(request.GET)
        if preset.is_valid() and preset.cleaned_data["kecamatan"]:
            initial["kecamatan"] = preset.cleaned_data["kecamatan"]
        if rendering_for_cache(request):
            initial["idempotency_key"] = IDEMPOTENCY_KEY_PLACEHOLDER
        form = AspirasiForm(user=user, wilayah_options=options, initial=initial)
        return _submit_page(request, form, options)
    form = AspirasiForm(request.POST, request.FILES, user=user, wilayah_options=options)
    if form.is_honeypot:
        # Look like success to the bot; store nothing.
        request.session.pop(SENT_SESSION_KEY, None)
        return redirect("aspirasi:sent")
    if CHANGE_KEY in request.POST:
        initial = {key: request.POST.get(key) for key in request.POST if key not in (SEND_KEY, CHANGE_KEY)}
        return _submit_page(request, AspirasiForm(user=user, wilayah_options=options, initial=initial), options)
    # "Check nearby" (the no-JavaScript way to see cases already reported) shows the form again with the list.
    if not form.is_valid() or CHECK_BUTTON in request.POST:
        if form.cleaned_data.get("lampiran"):
            kept.keep_files(request, form.cleaned_data["lampiran"])
        return _submit_page(request, form, options)
    data = form.cleaned_data
    files = data["lampiran"] or (kept.kept_files(request) if request.POST.get("keep_files") else [])
    if SEND_KEY not in request.POST:
        if data["lampiran"]:
            kept.keep_files(request, data["lampiran"])
        context = {"form": form, "answers": _answers(form), "files": files}
        return render(request, "aspirasi/check.html", context)
    try:
        result = services.aspirasi_submit(
            **form.case_fields(),
            reporter=user,
            reporter_name=data.get("reporter_name", ""),
            reporter_email=data.get("reporter_email", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_language=request.LANGUAGE_CODE,
            files=files,
            client_ip=client_address(request),
        )
    except KasusError as exc:
        # Kept only now: a report sent at once would otherwise copy its files to the cache for nothing.
        if data["lampiran"]:
            kept.keep_files(request, data["lampiran"])
        form.add_error(None, str(exc))
        return _submit_page(request, form, options)
    kept.forget_files(request)
    if result.created or viewer_proved_reporter(result.kasus, request):
        remember_owner(request, result.kasus)
        request.session[SENT_SESSION_KEY] = result.kasus.pk
    else:
        # The idempotency key is not a credential: a replay from another session learns nothing.
        request.session.pop(SENT_SESSION_KEY, None)
    return redirect("aspirasi:sent")


def _answers(form: AspirasiForm) -> list[tuple[str, str, str]]:
    """(question, answer, field id to change it) for the check page, in the form's order."""
    data, rows = form.cleaned_data, []
    for name in CHECKED_FIELDS:
        if name not in form.fields:
            continue
        value: Any = data.get(name)
        if name == "jenis":
            value = Jenis(value).label
        elif isinstance(value, bool):
            value = _("Ya") if value else _("Tidak")
        rows.append((str(form.fields[name].label), str(value) if value else "—", form[name].auto_id))
    return rows


def _submit_page(request: HttpRequest, form: AspirasiForm, options: WilayahOptions) -> HttpResponse:
    context = {**_form_context(form, options), "kept_files": kept.kept_files(request)}
    return render(request, "aspirasi/submit.html", context)


@require_GET
def desa_options(request: HttpRequest) -> HttpResponse:
    """htmx: the desa/kelurahan <option>s of one kecamatan."""
    form = DesaOptionsForm(request.GET)
    if not form.is_valid():
        return render(request, "aspirasi/_desa_options.html", {"desa_list": []}, status=400)
    kec = form.cleaned_data["kecamatan"]
    desa = Wilayah.objects.filter(parent_id=kec, tingkat__in=DESA_LEVELS) if kec else []
    return render(request, "aspirasi/_desa_options.html", {"desa_list": desa})


@never_cache
def sent(request: HttpRequest) -> HttpResponse:
    """The reference and the tracking link, shown once after a submission."""
    kasus_id = request.session.pop(SENT_SESSION_KEY, None)
    kasus = Kasus.objects.select_related("reporter").filter(pk=kasus_id).first() if kasus_id else None
    return render(request, "aspirasi/sent.html", {"kasus": kasus})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not confirm a report for the guest."""
    try:
        if request.method != "POST":
            return render(request, "aspirasi/confirm.html", {"kasus": services.confirm_link_kasus(token=token)})
        kasus = services.aspirasi_confirm(token=token)
    except services.ConfirmLinkInvalid as exc:
        return render(request, "aspirasi/confirm_invalid.html", {"message": str(exc)}, status=400)
    remember_owner(request, kasus)
    messages.success(
        request, _("Terima kasih, email Anda terkonfirmasi. Laporan %(ref)s masuk antrean.") % {"ref": kasus.reference}
    )
    return redirect("kasus:track_detail", token=kasus.tracking_token)


@never_cache
def lampiran_download(request: HttpRequest, pk: int, token: str | None = None, view: str = "") -> FileResponse:
    """One file, for staff within their scope or for a resident it belongs to (selectors.resident_files).

    `view` "tampil" shows an image inline and "kecil" its thumbnail: only images, which were re-encoded at
    upload, are ever served inline; a PDF is always a download.
    """
    lampiran = get_object_or_404(Lampiran.objects.select_related("kasus__reporter"), pk=pk)
    as_resident = selectors.resident_may_download(request, lampiran)
    if not (as_resident or selectors.staff_may_download(request, lampiran)):
        raise Http404
    if view and not lampiran.is_image:
        raise Http404
    filename = lampiran.original_name
    if selectors.identity_hidden_from(request.user, lampiran.kasus) and not as_resident:
        filename = f"lampiran-{lampiran.pk}.{lampiran.extension}"  # the original name may carry the reporter's
    storage = lampiran.file.storage
    # An image stored before thumbnails existed is shown whole.
    if view == "kecil" and storage.exists(lampiran.thumbnail_name):
        content, content_type = storage.open(lampiran.thumbnail_name, "rb"), "image/jpeg"
    else:
        content, content_type = lampiran.file.open("rb"), lampiran.content_type
    response = FileResponse(content, as_attachment=not view, filename=filename, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Resident actions on the tracking page ------------------------------------------------------------------------------


def _reporter_case(request: HttpRequest, token: str) -> Kasus:
    kasus = get_object_or_404(Kasus, tracking_token=token)
    if not viewer_is_reporter(kasus, request):
        raise Http404
    return kasus


def _back_to(request: HttpRequest, kasus: Kasus) -> str:
    """Back to the page the form was on (tracking page or /kasus-saya/), never to another site."""
    url = request.POST.get("next", "")
    # A path only: redirect() would take any other text for a view name to reverse.
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=False
    ):
        return url
    return reverse("kasus:track_detail", args=[kasus.tracking_token])


# What a form's view does with the case and the cleaned data; a KasusError shows the form again with it.
_Call = Callable[[Kasus, dict[str, Any]], None]


def _resident_action(
    request: HttpRequest, token: str, form_class: type[forms.Form], action: str, title: str, call: _Call
) -> HttpResponse:
    kasus = _reporter_case(request, token)
    if not viewer_may_act(kasus, request):
        # A confidential case: the link shows it; the reporter's account or a one-time code acts on it.
        if request.method == "POST":
            raise PermissionDenied
        return redirect("kasus:track_code", kasus.tracking_token)
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                call(kasus, form.cleaned_data)
            except KasusError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect(_back_to(request, kasus))
    else:
        form = form_class()
    return render(
        request,
        "aspirasi/resident_action.html",
        {
            "kasus": kasus,
            "form": form,
            "action": action,
            "title": title,
            # As on the tracking page: a confidential case's title needs proof, not just the link.
            "show_content": viewer_sees_content(kasus, request),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def add_info(request: HttpRequest, token: str) -> HttpResponse:
    def call(kasus: Kasus, data: dict[str, Any]) -> None:
        services.aspirasi_add_info(
            kasus_id=kasus.pk, actor=signed_in_user(request), message=data["message"], files=data["lampiran"]
        )
        messages.success(request, _("Informasi tambahan terkirim. Terima kasih."))

    return _resident_action(request, token, InfoForm, "aspirasi:add_info", _("Tambah informasi"), call)


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    def call(kasus: Kasus, data: dict[str, Any]) -> None:
        services.aspirasi_accept(
            kasus_id=kasus.pk, actor=signed_in_user(request), rating=data["rating"], comment=data["comment"]
        )
        messages.success(request, _("Terima kasih atas penilaian Anda. Kasus ditutup."))

    return _resident_action(request, token, AcceptForm, "aspirasi:accept", _("Terima jawaban"), call)


@never_cache
@require_http_methods(["GET", "POST"])
def dispute(request: HttpRequest, token: str) -> HttpResponse:
    def call(kasus: Kasus, data: dict[str, Any]) -> None:
        services.aspirasi_dispute(kasus_id=kasus.pk, actor=signed_in_user(request), reason=data["reason"])
        messages.success(request, _("Sanggahan Anda tercatat. Kasus dibuka kembali untuk OPD."))

    return _resident_action(request, token, DisputeForm, "aspirasi:dispute", _("Sanggah jawaban"), call)


# Staff --------------------------------------------------------------------------------------------------------------


def _staff_action(
    request: AuthenticatedHttpRequest,
    reference: str,
    form: forms.Form,
    action: str,
    title: str,
    success: str,
    call: _Call,
) -> HttpResponse:
    """An OPD form posted from the case page: run it, or show it again with the error (files need reselecting)."""
    kasus = staff_kasus(request.user, reference)
    if form.is_valid():
        try:
            call(kasus, form.cleaned_data)
        except KasusError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("kasus:detail", reference=kasus.reference)
    return render(
        request,
        "aspirasi/staff_action.html",
        {"kasus": kasus, "form": form, "action": action, "title": title},
        status=400,
    )


def _answer_with_templat(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Without script, "Pakai templat" shows the answer form again with the template's text in place."""
    kasus = staff_kasus(request.user, reference)
    picked = chosen(kasus, request.POST.get("templat", ""))
    answer_text = picked.body if picked else request.POST.get(f"{ANSWER_PREFIX}-answer", "")
    form = AnswerForm(prefix=ANSWER_PREFIX, initial={"answer": answer_text})
    context = {"kasus": kasus, "form": form, "action": "aspirasi:answer", "title": _("Jawab dengan lampiran")}
    return render(request, "aspirasi/staff_action.html", context)


@staff_required(roles.OPD)
@require_POST
def answer(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    def call(kasus: Kasus, data: dict[str, Any]) -> None:
        services.aspirasi_answer(kasus_id=kasus.pk, actor=request.user, answer=data["answer"], files=data["lampiran"])

    if request.POST.get("pakai_templat"):
        return _answer_with_templat(request, reference)
    form = AnswerForm(request.POST, request.FILES, prefix=ANSWER_PREFIX)
    return _staff_action(
        request,
        reference,
        form,
        "aspirasi:answer",
        _("Jawab dengan lampiran"),
        _("Jawaban terkirim kepada pelapor."),
        call,
    )


@staff_required(roles.OPD)
@require_POST
def reroute(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    def call(kasus: Kasus, data: dict[str, Any]) -> None:
        services.aspirasi_request_reroute(
            kasus_id=kasus.pk, actor=request.user, reason=data["reason"], suggested_opd=data["suggested_opd"]
        )

    form = RerouteForm(request.POST, prefix=REROUTE_PREFIX)
    return _staff_action(
        request,
        reference,
        form,
        "aspirasi:reroute",
        _("Minta pengalihan OPD"),
        _("Permintaan pengalihan dikirim ke petugas."),
        call,
    )


@never_cache
@allow_geolocation
@staff_required(roles.PETUGAS)
@require_http_methods(["GET", "POST"])
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    options = selectors.wilayah_options()
    if request.method == "POST":
        form = StaffRecordForm(request.POST, request.FILES, wilayah_options=options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.aspirasi_submit(
                    **form.case_fields(),
                    reporter_name=data["reporter_name"],
                    reporter_email=data["reporter_email"],
                    reporter_phone=data["reporter_phone"],
                    files=data["lampiran"],
                    channel=data["channel"],
                    source_url=data["source_url"],
                    lapor_tracking_id=data["lapor_tracking_id"],
                    recorded_by=request.user,
                )
            except KasusError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Aspirasi tercatat sebagai kasus %(ref)s.") % {"ref": result.kasus.reference}
                )
                return redirect("kasus:detail", reference=result.kasus.reference)
    else:
        form = StaffRecordForm(wilayah_options=options)
    return render(request, "aspirasi/record.html", _form_context(form, options))


# Transparency -------------------------------------------------------------------------------------------------------


def transparency_csv(request: HttpRequest) -> HttpResponse:
    """Open data: the recent public cases, no personal data."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="aspirasi-transparansi.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["nomor", "judul", "status", "kategori", "kecamatan", "opd", "dikonfirmasi", "dijawab", "nomor_sp4n_lapor"]
    )
    for row in selectors.recent_public_cases(limit=500):
        writer.writerow(
            [
                row["reference"],
                _csv_safe(row["title"]),
                row["status"],
                row["kategori__nama"] or "",
                row["kecamatan__nama"] or "",
                row["opd__nama"] or "",
                row["confirmed_at"].date().isoformat() if row["confirmed_at"] else "",
                row["answered_at"].date().isoformat() if row["answered_at"] else "",
                _csv_safe(row["lapor_tracking_id"]),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
