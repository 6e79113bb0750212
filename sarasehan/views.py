from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import ratelimit
from portal.akun import roles
from portal.akun.access import staff_required
from portal.akun.requests import AuthenticatedHttpRequest
from portal.akun.roles import has_role
from portal.kasus.models import Kasus
from portal.page_cache import cached_page

from . import ics, selectors, services
from .forms import (
    AgendaAddForm,
    AgendaFilterForm,
    CancelSarasehanForm,
    CheckInForm,
    NotulenForm,
    PendaftaranForm,
    PoinForm,
    SarasehanForm,
    WalkInForm,
)
from .models import PendaftaranSarasehan, PoinSarasehan, Sarasehan

MANAGERS = (roles.PROTOKOL, roles.ADMIN)
DOOR = (roles.PROTOKOL, roles.PETUGAS, roles.ADMIN)
# Pimpinan read every staff page; the actions stay with the roles that own them.
READERS = (roles.PIMPINAN,)


# Public


def _registration_within_limit(request: HttpRequest, form: PendaftaranForm) -> bool:
    """Count one registration per client address and per mailbox; over either limit, say so on the form.

    The address allowance is larger than the mailbox one: a family or a village office may share one address.
    """
    within = True
    per_address = ratelimit.configured("SARASEHAN_LIMIT_PER_ADDRESS", "20/3600")
    if per_address is not None:
        within = ratelimit.hit_address("sarasehan:ip", request, *per_address)
    per_email = ratelimit.configured("SARASEHAN_LIMIT_PER_EMAIL", "3/3600")
    email = form.cleaned_data.get("email") or (request.user.email if request.user.is_authenticated else "")
    if per_email is not None and email:
        within = ratelimit.hit("sarasehan:email", ratelimit.normalise_email(email), *per_email) and within
    if not within:
        form.add_error(None, _("Terlalu banyak pendaftaran dalam waktu singkat. Silakan coba lagi nanti."))
    return within


@cached_page
def sarasehan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sarasehan/list.html",
        {"upcoming": selectors.upcoming(), "past": selectors.past()},
    )


# Long because the public page is also the registration form: its post and the answer to each outcome
# (registered, waitlisted, email to confirm, already registered, over the limit) read together here.
@cached_page
def sarasehan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        sarasehan = selectors.public_detail(slug)
    except Sarasehan.DoesNotExist:
        raise Http404
    if sarasehan.has_lapsed_holds:
        # The seats shown do not wait for the periodic task.
        services.pendaftaran_release_holds(sarasehan_id=sarasehan.pk)
        sarasehan.refresh_from_db(fields=["confirmed_count"])
    user = request.user if request.user.is_authenticated else None
    own_cases = selectors.open_cases_of_user(user) if user else None
    form = None
    status = 200
    if sarasehan.registration_state() == Sarasehan.Window.DIBUKA:
        initial = {}
        if user:
            initial = {"name": user.full_name, "email": user.email, "phone": user.phone, "desa": user.wilayah_id}
        form = PendaftaranForm(request.POST or None, user=user, own_cases=own_cases, initial=initial)
        if request.method == "POST" and form.is_valid() and not _registration_within_limit(request, form):
            status = 429
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                reg = services.pendaftaran_create(
                    sarasehan_id=sarasehan.pk,
                    name=data["name"],
                    email=data.get("email") or "",
                    phone=data["phone"],
                    desa=data["desa"],
                    user=user,
                    topic=data["topic"],
                    kasus_id=data["kasus"].pk if data.get("kasus") else None,
                    language=getattr(request, "LANGUAGE_CODE", "id"),
                )
            except services.AlreadyRegistered as exc:
                # A guest sees the same page whether or not the address was registered; the mailbox learns which.
                if user is None:
                    return redirect("sarasehan:check_email", sarasehan.slug)
                form.add_error(None, str(exc))
            except services.SarasehanError as exc:
                form.add_error(None, str(exc))
            else:
                if reg.status == PendaftaranSarasehan.Status.MENUNGGU_KONFIRMASI:
                    return redirect("sarasehan:check_email", sarasehan.slug)
                if reg.status == PendaftaranSarasehan.Status.TERDAFTAR:
                    messages.success(request, _("Pendaftaran berhasil. Kode Anda: %(code)s.") % {"code": reg.code})
                else:
                    messages.warning(
                        request,
                        _("Kursi sudah penuh. Anda masuk daftar tunggu; kami kirim email bila ada kursi untuk Anda."),
                    )
                return redirect("sarasehan:registration", selectors.registration_token(reg))
    elif request.method == "POST":
        messages.error(request, _("Sarasehan ini tidak menerima pendaftaran saat ini."))
    selectors.with_page_details(sarasehan)
    points = selectors.points_public(sarasehan) if sarasehan.notulen_published_at else []
    return render(
        request,
        "sarasehan/detail.html",
        {"sarasehan": sarasehan, "form": form, "points": points, "state": sarasehan.registration_state()},
        status=status,
    )


def check_email(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        sarasehan = selectors.public_detail(slug)
    except Sarasehan.DoesNotExist:
        raise Http404
    return render(
        request,
        "sarasehan/check_email.html",
        {"sarasehan": sarasehan, "hold_minutes": settings.SARASEHAN_HOLD_MINUTES},
    )


def sarasehan_ics(request: HttpRequest, slug: str) -> HttpResponse:
    sarasehan = get_object_or_404(Sarasehan.objects.published().select_related("kecamatan"), slug=slug)
    response = HttpResponse(ics.calendar_file(sarasehan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sarasehan.slug}.ics"'
    return response


def _registration_or_page(request: HttpRequest, token: str) -> PendaftaranSarasehan | HttpResponse:
    """The registration behind a signed link, or the page explaining why the link no longer works."""
    try:
        reg = selectors.registration_from_token(token)
    except selectors.RegistrationLinkExpired:
        return render(request, "sarasehan/link_expired.html", status=410)
    if reg is None:
        return render(request, "sarasehan/link_invalid.html", status=404)
    return reg


def registration_detail(request: HttpRequest, token: str) -> HttpResponse:
    reg = _registration_or_page(request, token)
    if isinstance(reg, HttpResponse):
        return reg
    if reg.hold_expires_at is not None and reg.hold_expires_at <= timezone.now():
        # Seat accounting does not wait for the periodic task when someone looks.
        services.pendaftaran_release_holds(sarasehan_id=reg.sarasehan_id)
        reg.refresh_from_db(fields=["status", "hold_expires_at"])
    return render(
        request,
        "sarasehan/registration.html",
        {
            "reg": reg,
            "sarasehan": reg.sarasehan,
            "token": token,
            "qr_svg": selectors.qr_svg_inline(reg) if reg.status == PendaftaranSarasehan.Status.TERDAFTAR else "",
            "position": selectors.waitlist_position(reg),
        },
    )


@require_POST
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    reg = _registration_or_page(request, token)
    if isinstance(reg, HttpResponse):
        return reg
    try:
        reg = services.pendaftaran_confirm(pendaftaran_id=reg.pk, actor=None)
    except services.SarasehanError as exc:
        messages.error(request, str(exc))
    else:
        if reg.status == PendaftaranSarasehan.Status.TERDAFTAR:
            messages.success(request, _("Pendaftaran dikonfirmasi. Kode Anda: %(code)s.") % {"code": reg.code})
        else:
            messages.warning(
                request,
                _("Email dikonfirmasi. Kursi sudah penuh: Anda di daftar tunggu; kami kirim email bila ada kursi."),
            )
    return redirect("sarasehan:registration", token)


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    reg = _registration_or_page(request, token)
    if isinstance(reg, HttpResponse):
        return reg
    try:
        services.pendaftaran_cancel(pendaftaran_id=reg.pk, actor=request.user)
    except services.SarasehanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Pendaftaran Anda dibatalkan. Terima kasih telah memberi tahu kami."))
    return redirect("sarasehan:registration", token)


@login_required
def my_registrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    regs = selectors.registrations_of_user(request.user)
    rows = [(reg, selectors.registration_url(reg, absolute=False)) for reg in regs]
    return render(request, "sarasehan/mine.html", {"rows": rows})


# Staff


def _staff_sarasehan(slug: str) -> Sarasehan:
    return get_object_or_404(Sarasehan.objects.select_related("kecamatan"), slug=slug)


@staff_required(*DOOR, readers=READERS)
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = Sarasehan.objects.select_related("kecamatan").order_by("-starts_at")[:100]
    return render(request, "sarasehan/staff_list.html", {"items": items})


@staff_required(*MANAGERS)
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SarasehanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            sarasehan = services.sarasehan_create(actor=request.user, **data)
        except services.SarasehanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Sarasehan disimpan sebagai draf. Terbitkan bila sudah siap."))
            return redirect("sarasehan:staff_detail", sarasehan.slug)
    return render(request, "sarasehan/staff_form.html", {"form": form})


@staff_required(*MANAGERS)
def staff_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    form = SarasehanForm(request.POST or None, instance=sarasehan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pejabat = list(data.pop("pejabat"))
        try:
            changed = services.sarasehan_update(
                sarasehan_id=Sarasehan.objects.get(slug=slug).pk, actor=request.user, pejabat=pejabat, **data
            )
        except services.SarasehanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Perubahan disimpan.") if changed else _("Tidak ada perubahan."),
            )
            return redirect("sarasehan:staff_detail", slug)
    return render(request, "sarasehan/staff_form.html", {"form": form, "sarasehan": sarasehan})


@staff_required(*DOOR, readers=READERS)
def staff_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    regs = list(
        PendaftaranSarasehan.objects.filter(sarasehan=sarasehan)
        .select_related("desa", "kasus")
        .order_by("status", "created_at", "pk")
    )
    S = PendaftaranSarasehan.Status
    return render(
        request,
        "sarasehan/staff_detail.html",
        {
            "sarasehan": sarasehan,
            "confirmed": [r for r in regs if r.status == S.TERDAFTAR],
            "waiting": [r for r in regs if r.status == S.MENUNGGU],
            "walk_ins": [r for r in regs if r.status == S.LANGSUNG],
            "cancelled": [r for r in regs if r.status == S.DIBATALKAN],
            "unconfirmed": [r for r in regs if r.status == S.MENUNGGU_KONFIRMASI],
            "agenda": sarasehan.agenda_items.select_related("kasus"),
            "cancel_form": CancelSarasehanForm(),
            "notulen_form": NotulenForm(initial={"notulen": sarasehan.notulen}),
            "can_manage": has_role(request.user, *MANAGERS),
        },
    )


def _manage(
    request: HttpRequest,
    slug: str,
    call: Callable[[Sarasehan], object],
    success: str,
    *,
    form: BaseForm | None = None,
    invalid: str = "",
) -> HttpResponse:
    """Run one protokol action on a sarasehan and go back to its staff page with the outcome.

    A `form` that does not validate runs nothing and says `invalid`.
    """
    sarasehan = _staff_sarasehan(slug)
    if form is not None and not form.is_valid():
        messages.error(request, invalid)
        return redirect("sarasehan:staff_detail", slug)
    try:
        call(sarasehan)
    except services.SarasehanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("sarasehan:staff_detail", slug)


@require_POST
@staff_required(*MANAGERS)
def staff_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    def call(sarasehan: Sarasehan) -> None:
        services.sarasehan_publish(sarasehan_id=sarasehan.pk, actor=request.user)

    return _manage(request, slug, call, _("Sarasehan diterbitkan."))


@require_POST
@staff_required(*MANAGERS)
def staff_cancel(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    form = CancelSarasehanForm(request.POST)

    def call(sarasehan: Sarasehan) -> None:
        services.sarasehan_cancel(sarasehan_id=sarasehan.pk, actor=request.user, reason=form.cleaned_data["reason"])

    success = _("Sarasehan dibatalkan; pendaftar diberi tahu lewat email.")
    return _manage(request, slug, call, success, form=form, invalid=_("Alasan pembatalan wajib diisi."))


@require_POST
@staff_required(*MANAGERS)
def staff_notulen(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    form = NotulenForm(request.POST)

    def call(sarasehan: Sarasehan) -> None:
        services.notulen_publish(sarasehan_id=sarasehan.pk, actor=request.user, notulen=form.cleaned_data["notulen"])

    success = _("Notulen diterbitkan di halaman sarasehan.")
    return _manage(request, slug, call, success, form=form, invalid=_("Notulen tidak boleh kosong."))


@staff_required(*MANAGERS)
def staff_agenda(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    if request.method == "POST":
        form = AgendaAddForm(request.POST)
        if form.is_valid():
            try:
                added = services.agenda_add_cases(
                    sarasehan_id=sarasehan.pk,
                    actor=request.user,
                    kasus_ids=form.cleaned_data["kasus"],
                    invite=form.cleaned_data["invite"],
                )
            except services.SarasehanError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(n)s kasus ditambahkan ke agenda.") % {"n": added})
            return redirect("sarasehan:staff_detail", slug)
        messages.error(request, _("Pilihan kasus tidak valid."))
    initial = {"kecamatan": sarasehan.kecamatan_id} if not request.GET else None
    filters = AgendaFilterForm(request.GET or None, initial=initial)
    cases = Kasus.objects.open().confirmed().select_related("kategori", "wilayah")
    kecamatan = sarasehan.kecamatan_id
    kategori = None
    if request.GET and filters.is_valid():
        kecamatan = filters.cleaned_data["kecamatan"]
        kategori = filters.cleaned_data["kategori"]
    if kecamatan:
        cases = cases.filter(kecamatan=kecamatan)
    if kategori:
        cases = cases.filter(kategori=kategori)
    cases = cases.exclude(agenda_sarasehan__sarasehan=sarasehan).order_by("-created_at")[:200]
    return render(
        request,
        "sarasehan/staff_agenda.html",
        {"sarasehan": sarasehan, "filters": filters, "cases": cases},
        status=400 if request.method == "POST" else 200,
    )


# The outcome of the last check-in, shown once, full screen, after the redirect.
DOOR_RESULT = "sarasehan_door_result"


@staff_required(*DOOR, readers=READERS)
def staff_checkin(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("kode", "")})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            reg = services.pendaftaran_check_in(sarasehan_id=sarasehan.pk, code=code, actor=request.user)
        except services.SarasehanError as exc:
            outcome = "sudah" if selectors.already_in(sarasehan, code) else "tidak"
            request.session[DOOR_RESULT] = {"outcome": outcome, "text": str(exc)}
        else:
            request.session[DOOR_RESULT] = {
                "outcome": "hadir",
                "text": _("%(name)s tercatat hadir.") % {"name": reg.name},
            }
        return redirect("sarasehan:checkin", slug)
    response = render(
        request,
        "sarasehan/checkin.html",
        {
            "sarasehan": sarasehan,
            "form": form,
            "walk_in_form": WalkInForm(),
            "summary": selectors.checkin_summary(sarasehan),
            "door_state": sarasehan.door_state(),
            "door_result": request.session.pop(DOOR_RESULT, None),
        },
    )
    # The one page that may use the camera: to scan the registration QR code at the door.
    response["Permissions-Policy"] = settings.PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
    return response


@require_POST
@staff_required(*DOOR)
def staff_walk_in(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            reg = services.pendaftaran_walk_in(sarasehan_id=sarasehan.pk, actor=request.user, **form.cleaned_data)
        except services.SarasehanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s dicatat sebagai peserta langsung dan hadir.") % {"name": reg.name})
        return redirect("sarasehan:checkin", slug)
    return render(
        request,
        "sarasehan/checkin.html",
        {
            "sarasehan": sarasehan,
            "form": CheckInForm(),
            "walk_in_form": form,
            "summary": selectors.checkin_summary(sarasehan),
            "door_state": sarasehan.door_state(),
        },
    )


@staff_required(*DOOR, readers=READERS)
def staff_points(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    sarasehan = _staff_sarasehan(slug)
    form = PoinForm(request.POST or None, sarasehan=sarasehan, initial={"token": services.new_idempotency_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            poin = services.poin_record(
                sarasehan_id=sarasehan.pk,
                actor=request.user,
                content=data["content"],
                speaker_name=data["speaker_name"],
                pendaftaran_id=data["pendaftaran"].pk if data["pendaftaran"] else None,
                kasus_reference=data["kasus_reference"],
                kategori=data["kategori"],
                opd_answered=data["opd_answered"],
                answer=data["answer"],
                followup=data["followup"],
                followup_opd=data["followup_opd"],
                followup_due=data["followup_due"],
                idempotency_key=data["token"],
            )
        except services.SarasehanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Poin dicatat pada kasus %(ref)s.") % {"ref": poin.kasus.reference})
            return redirect("sarasehan:points", slug)
    points = PoinSarasehan.objects.filter(sarasehan=sarasehan).select_related("kasus", "opd_answered")
    return render(
        request,
        "sarasehan/staff_points.html",
        {
            "sarasehan": sarasehan,
            "form": form,
            "points": points,
            "now": timezone.now(),
            "door_state": sarasehan.door_state(),
        },
    )
