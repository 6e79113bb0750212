import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import bounds
from portal.akun import roles
from portal.akun.access import staff_required
from portal.akun.models import User
from portal.akun.requests import AuthenticatedHttpRequest
from portal.akun.selectors import email_verified
from portal.kasus import selectors as kasus_selectors
from portal.kasus import services as kasus_services
from portal.kasus.models import OPEN_STATUSES, Kasus, Riwayat
from portal.page_cache import cached_page
from portal.wilayah.models import Pejabat

from . import availability as availability_services
from . import forms, selectors, services
from .ics import download_ics, feed_ics
from .models import AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian, Status
from .selectors import Slot
from .services import AudiensiError

PROTOKOL_WRITE = (roles.PROTOKOL, roles.ADMIN)
# Pimpinan read every staff page; the actions stay with protokol.
READERS = (roles.PIMPINAN,)
SLOTS_ON_INDEX = 6


def _slot_from(value: str, pejabat_list: list[Pejabat]) -> tuple[Pejabat, dt.datetime]:
    parsed = selectors.parse_slot_value(value)
    if parsed is None:
        raise AudiensiError(_("Pilih slot yang tersedia."))
    slug, start = parsed
    pejabat = next((p for p in pejabat_list if p.slug == slug), None)
    if pejabat is None:
        raise AudiensiError(_("Pejabat tidak ditemukan."))
    return pejabat, start


def _grouped(slots_by_pejabat: dict[int, list[Slot]], pejabat_list: list[Pejabat]) -> list[tuple[Pejabat, list[Slot]]]:
    return [(p, slots_by_pejabat.get(p.pk, [])) for p in pejabat_list]


# Residents ------------------------------------------------------------------------------------


@cached_page
def index(request: HttpRequest) -> HttpResponse:
    pejabat_list = selectors.bookable_pejabat()
    slots = selectors.free_slots(pejabat_list, limit_per_pejabat=SLOTS_ON_INDEX)
    return render(request, "audiensi/index.html", {"groups": _grouped(slots, pejabat_list)})


@login_required
def ajukan(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not email_verified(request.user):
        return render(request, "audiensi/verify_email.html", status=403)
    pejabat_list = selectors.bookable_pejabat()
    slots_by_pejabat = selectors.free_slots(pejabat_list)
    all_slots = [s for p in pejabat_list for s in slots_by_pejabat.get(p.pk, [])]
    if request.method == "POST":
        form = forms.AjukanForm(request.POST, slots=all_slots, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pejabat, start = _slot_from(data["slot"], pejabat_list)
                audiensi = services.audiensi_request(
                    user=request.user,
                    pejabat=pejabat,
                    start=start,
                    topic=data["topic"],
                    jumlah_peserta=data["jumlah_peserta"],
                    anggota=data["anggota"],
                    kasus_reference=data["kasus_reference"],
                    ringkasan=data["ringkasan"],
                    idempotency_key=data["idempotency_key"],
                )
            except AudiensiError as exc:
                form.add_error("slot" if isinstance(exc, services.SlotTaken) else None, str(exc))
                # Show the slots as they are now: the one just taken disappears.
                slots_by_pejabat = selectors.free_slots(pejabat_list)
            else:
                messages.success(
                    request, _("Permohonan audiensi terkirim. Slot Anda ditahan sampai protokol memutuskan.")
                )
                return redirect("audiensi:mine_detail", pk=audiensi.pk)
    else:
        form = forms.AjukanForm(
            slots=all_slots,
            user=request.user,
            initial={"slot": request.GET.get("slot", ""), "idempotency_key": secrets.token_urlsafe(24)},
        )
    return render(
        request,
        "audiensi/ajukan.html",
        {"form": form, "groups": _grouped(slots_by_pejabat, pejabat_list), "my_cases": _my_open_cases(request.user)},
    )


def _my_open_cases(user: User) -> QuerySet[Kasus]:
    return Kasus.objects.filter(reporter=user, status__in=OPEN_STATUSES).only("reference", "title")[:20]


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "audiensi/mine.html", {"audiensi_list": selectors.audiensi_for_resident(request.user)})


@login_required
def mine_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmed audiensi as a calendar file for the resident's own calendar."""
    audiensi = get_object_or_404(
        Audiensi.objects.select_related("pejabat"), pk=pk, pemohon=request.user, status=Status.DIKONFIRMASI
    )
    response = HttpResponse(download_ics(audiensi), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audiensi-{audiensi.pk}.ics"'
    return response


@login_required
def mine_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audiensi = get_object_or_404(
        Audiensi.objects.select_related("pejabat", "kasus", "opd"), pk=pk, pemohon=request.user
    )
    kasus = audiensi.kasus
    # After a merge the case may be another resident's: then this audiensi's own entries (logged on either
    # case) and, unless the case is confidential, its public ones; never its tracking link.
    owns_case = kasus.reporter_id == request.user.pk
    if owns_case:
        entries = Q(kasus=kasus)
    else:
        entries = Q(data__audiensi=audiensi.pk)
        if not kasus.is_confidential:
            entries |= Q(kasus=kasus, visibility=Riwayat.Visibility.PUBLIK)
    timeline = list(
        Riwayat.objects.filter(entries, visibility__in=[Riwayat.Visibility.PUBLIK, Riwayat.Visibility.PELAPOR])
        .select_related("actor__opd")
        .order_by("created_at", "id")
    )
    kasus_selectors.present_entries(timeline, kasus, sees_identity=False, staff_view=False)
    links = {}
    if audiensi.is_open:
        links = {
            "batal": services.link_token(audiensi, "batal"),
            "jadwal_ulang": services.link_token(audiensi, "jadwal-ulang"),
        }
        if audiensi.status == Status.DIUSULKAN:
            links["terima"] = services.link_token(audiensi, "terima")
            links["tolak"] = services.link_token(audiensi, "tolak")
    return render(
        request,
        "audiensi/mine_detail.html",
        {
            "audiensi": audiensi,
            "timeline": timeline,
            "links": links,
            "owns_case": owns_case,
            "note": selectors.confirmation_note(timeline, audiensi),
        },
    )


def link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from an email: cancel, reschedule, accept or decline a proposed slot."""
    try:
        audiensi_id, action = services.link_read(token)
    except signing.BadSignature:
        return render(request, "audiensi/link_invalid.html", status=400)
    audiensi = Audiensi.objects.select_related("pejabat", "kasus", "pemohon").filter(pk=audiensi_id).first()
    if audiensi is None:
        return render(request, "audiensi/link_invalid.html", status=400)
    actor = audiensi.pemohon
    ctx = {"audiensi": audiensi, "action": action, "token": token}
    data = request.POST if request.method == "POST" else None
    form: forms.RescheduleForm | forms.OptionalReasonForm | None
    if action == "jadwal-ulang":
        form = forms.RescheduleForm(data, slots=selectors.replacement_slots(audiensi))
    elif action == "batal":
        form = forms.OptionalReasonForm(data)
    else:
        form = None
    if request.method == "POST" and (form is None or form.is_valid()):
        cleaned = form.cleaned_data if form is not None else {}
        try:
            if action == "batal":
                services.audiensi_cancel(audiensi_id=audiensi.pk, actor=actor, reason=cleaned["reason"])
                messages.success(request, _("Audiensi dibatalkan."))
            elif action == "jadwal-ulang":
                _pejabat, start = _slot_from(cleaned["slot"], [audiensi.pejabat])
                services.audiensi_reschedule(
                    audiensi_id=audiensi.pk, actor=actor, start=start, reason=cleaned["reason"]
                )
                messages.success(request, _("Permintaan jadwal ulang terkirim; protokol akan memutuskan."))
            else:
                services.audiensi_respond(audiensi_id=audiensi.pk, actor=actor, accept=action == "terima")
                messages.success(request, _("Tanggapan Anda tersimpan."))
        except AudiensiError as exc:
            if form is not None:
                form.add_error(None, str(exc))
            else:
                messages.error(request, str(exc))
        else:
            return redirect("audiensi:link", token=token)
    ctx["form"] = form
    ctx["can_act"] = audiensi.is_open and (action in ("batal", "jadwal-ulang") or audiensi.status == Status.DIUSULKAN)
    return render(request, "audiensi/link.html", ctx)


# Protokol -------------------------------------------------------------------------------------

STAFF_PAGE_SIZE = 50


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = forms.StaffListFilterForm(request.GET)
    status, pejabat_slug = filters.value("status"), filters.value("pejabat")
    qs = selectors.audiensi_for_protokol(status=status, pejabat_slug=pejabat_slug)
    if not status:
        qs = qs.filter(status__in=[Status.MENUNGGU, Status.DIUSULKAN, Status.DIKONFIRMASI])
    page = Paginator(qs, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audiensi/staff_list.html",
        {
            "page": page,
            "status": status,
            "pejabat_slug": pejabat_slug,
            "statuses": Status.choices,
            "pejabat_list": Pejabat.objects.filter(is_active=True),
        },
    )


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    asked = forms.DayForm(request.GET)
    day = asked.day()
    form = forms.DayForm(initial={"tanggal": day}) if asked.is_valid() else asked
    return render(
        request,
        "audiensi/staff_day.html",
        {"day": day, "audiensi_list": selectors.audiensi_for_day(day), "form": form},
        status=200 if asked.is_valid() else 400,
    )


def _calendar(request: AuthenticatedHttpRequest, view: str) -> HttpResponse:
    asked = forms.DayForm(request.GET)
    day = asked.day()
    if view == "week":
        days = selectors.week_calendar(day)
        previous, following = days[0].day - dt.timedelta(days=7), days[0].day + dt.timedelta(days=7)
    else:
        days = selectors.month_calendar(day)
        previous, following = (days[0].day - dt.timedelta(days=1)).replace(day=1), days[-1].day + dt.timedelta(days=1)
    return render(
        request,
        f"audiensi/staff_{view}.html",
        {
            "days": days,
            "previous": previous,
            "next": following,
            "can_open_sarasehan": roles.has_role(request.user, roles.PROTOKOL, roles.PETUGAS, roles.ADMIN),
            "form": forms.DayForm(initial={"tanggal": day}) if asked.is_valid() else asked,
        },
        status=200 if asked.is_valid() else 400,
    )


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_week(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Protokol's (and, read-only, pimpinan's) week: audiensi, exceptions, sarasehan and free slots per day."""
    return _calendar(request, "week")


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_month(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The month at a glance, each day's counts linking to its week."""
    return _calendar(request, "month")


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_day_sheet(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The day's sheet for the front desk, laid out for paper by print CSS (no script)."""
    asked = forms.DayForm(request.GET)
    day = asked.day()
    return render(
        request,
        "audiensi/staff_day_sheet.html",
        {
            "day": day,
            "audiensi_list": selectors.audiensi_for_day(day),
            "calendar": selectors.calendar_days(day, day)[0],
        },
        status=200 if asked.is_valid() else 400,
    )


def _staff_detail_context(audiensi: Audiensi, user: User, **overrides: Any) -> dict[str, Any]:
    # Each form is prefixed with its action so that field ids on the page are unique.
    ctx = {
        "audiensi": audiensi,
        "confirm_form": forms.ConfirmForm(prefix="konfirmasi"),
        "propose_form": forms.ProposeForm(slots=selectors.replacement_slots(audiensi), prefix="usulkan"),
        "pejabat_form": forms.HandoverPejabatForm(prefix="alihkan-pejabat"),
        "opd_form": forms.HandoverOpdForm(prefix="alihkan-opd"),
        "decline_form": forms.ReasonForm(prefix="tolak"),
        "checkin_form": forms.CheckInForm(prefix="kehadiran"),
        "can_check_in": services.check_in_open(audiensi),
        "notulen_form": forms.NotulenForm(
            initial={"notulen": audiensi.notulen, "notulen_internal": audiensi.notulen_internal}, prefix="notulen"
        ),
        "tl_form": forms.TindakLanjutForm(prefix="tindak-lanjut"),
        "tindak_lanjut": audiensi.kasus.tindak_lanjut.filter(
            source_kind="audiensi", source_id=audiensi.pk
        ).select_related("opd"),
        "timeline": kasus_selectors.present_entries(
            list(kasus_selectors.timeline(audiensi.kasus).filter(kind__startswith="audiensi.")),
            audiensi.kasus,
            sees_identity=kasus_selectors.sees_reporter_identity(user, audiensi.kasus),
            staff_view=True,
        ),
        "can_act": True,
    }
    ctx.update(overrides)
    return ctx


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def staff_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    audiensi = get_object_or_404(Audiensi.objects.select_related("pejabat", "kasus", "pemohon", "opd"), pk=pk)
    can_act = roles.has_role(request.user, *PROTOKOL_WRITE)
    # The page names the pemohon, who is the case's reporter: audited when that case is protected.
    if kasus_selectors.sees_reporter_identity(request.user, audiensi.kasus):
        kasus_services.record_identity_view(viewer=request.user, kasus=audiensi.kasus)
    return render(request, "audiensi/staff_detail.html", _staff_detail_context(audiensi, request.user, can_act=can_act))


ACTIONS = {
    "konfirmasi": ("confirm_form", forms.ConfirmForm),
    "usulkan": ("propose_form", forms.ProposeForm),
    "alihkan-pejabat": ("pejabat_form", forms.HandoverPejabatForm),
    "alihkan-opd": ("opd_form", forms.HandoverOpdForm),
    "tolak": ("decline_form", forms.ReasonForm),
    "kehadiran": ("checkin_form", forms.CheckInForm),
    "notulen": ("notulen_form", forms.NotulenForm),
    "tindak-lanjut": ("tl_form", forms.TindakLanjutForm),
}


def _run_action(action: str, audiensi: Audiensi, data: dict[str, Any], actor: User) -> str:
    aid = audiensi.pk
    if action == "konfirmasi":
        services.audiensi_confirm(audiensi_id=aid, actor=actor, note=data["reason"])
        return _("Audiensi dikonfirmasi; undangan dikirim ke pemohon.")
    if action == "usulkan":
        _pejabat, start = _slot_from(data["slot"], [audiensi.pejabat])
        services.audiensi_propose(audiensi_id=aid, actor=actor, start=start, reason=data["reason"])
        return _("Jadwal lain diusulkan kepada pemohon.")
    if action == "alihkan-pejabat":
        services.audiensi_handover_pejabat(audiensi_id=aid, actor=actor, pejabat=data["pejabat"], reason=data["reason"])
        return _("Permohonan dialihkan.")
    if action == "alihkan-opd":
        services.audiensi_handover_opd(audiensi_id=aid, actor=actor, opd=data["opd"], reason=data["reason"])
        return _("Permohonan dialihkan ke OPD.")
    if action == "tolak":
        services.audiensi_decline(audiensi_id=aid, actor=actor, reason=data["reason"])
        return _("Permohonan ditolak.")
    if action == "kehadiran":
        services.audiensi_check_in(audiensi_id=aid, actor=actor, hadir=data["hadir"], note=data["note"])
        return _("Kehadiran dicatat.")
    if action == "notulen":
        services.audiensi_notulen_save(
            audiensi_id=aid, actor=actor, notulen=data["notulen"], notulen_internal=data["notulen_internal"]
        )
        return _("Notulen disimpan pada kasus.")
    services.audiensi_tindak_lanjut_add(
        audiensi_id=aid, actor=actor, description=data["description"], opd=data["opd"], due_date=data["due_date"]
    )
    return _("Tindak lanjut dicatat pada kasus.")


@require_POST
@staff_required(*PROTOKOL_WRITE)
def staff_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    audiensi = get_object_or_404(Audiensi.objects.select_related("pejabat", "kasus", "pemohon", "opd"), pk=pk)
    form_name, form_class = ACTIONS[action]
    if form_class is forms.ProposeForm:
        form = form_class(request.POST, slots=selectors.replacement_slots(audiensi), prefix=action)
    else:
        form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            messages.success(request, _run_action(action, audiensi, form.cleaned_data, request.user))
        except AudiensiError as exc:
            messages.error(request, str(exc))
        else:
            return redirect("audiensi:staff_detail", pk=pk)
    audiensi.refresh_from_db()
    context = _staff_detail_context(audiensi, request.user, **{form_name: form})
    return render(request, "audiensi/staff_detail.html", context, status=400)


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def availability_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "audiensi/availability_list.html", {"pejabat_list": Pejabat.objects.all()})


@staff_required(*PROTOKOL_WRITE, readers=READERS)
def availability(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    pejabat = get_object_or_404(Pejabat.objects.select_related("pengaturan_audiensi"), slug=slug)
    pengaturan = selectors.settings_for(pejabat)
    ctx = {
        "pejabat": pejabat,
        "pengaturan": pengaturan,
        "settings_form": forms.PengaturanForm(instance=pengaturan),
        "rule_form": forms.AturanForm(),
        "exception_form": forms.PengecualianForm(),
        "can_act": roles.has_role(request.user, *PROTOKOL_WRITE),
    }
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            done = _availability_op(request, op, pejabat, pengaturan, ctx)
        except AudiensiError as exc:
            messages.error(request, str(exc))
            done = False
        if done:
            messages.success(request, _("Ketersediaan diperbarui."))
            return redirect("audiensi:availability", slug=slug)
    ctx["rules"] = AturanMingguan.objects.filter(pejabat=pejabat)
    ctx["exceptions"] = Pengecualian.objects.filter(pejabat=pejabat, date__gte=timezone.localdate())
    ctx["feed_url"] = (
        request.build_absolute_uri(
            reverse("audiensi:feed", kwargs={"slug": pejabat.slug, "token": pengaturan.feed_token})
        )
        if pengaturan.pk
        else ""
    )
    return render(request, "audiensi/availability.html", ctx, status=200 if request.method == "GET" else 400)


def _posted_id(request: HttpRequest) -> int:
    """The row id a delete button posts; anything else names no row (the service then refuses)."""
    value = request.POST.get("id", "")
    return int(value) if value.isascii() and value.isdigit() and int(value) <= bounds.ID_MAX else 0


def _save_form(
    ctx: dict[str, Any], name: str, form: BaseForm, save: Callable[..., object], pejabat: Pejabat, actor: Any
) -> bool:
    """Save a valid posted form through its service; an invalid one goes back into the page as `name`."""
    ctx[name] = form
    if not form.is_valid():
        return False
    save(pejabat=pejabat, actor=actor, **form.cleaned_data)
    return True


def _availability_op(
    request: AuthenticatedHttpRequest, op: str, pejabat: Pejabat, pengaturan: PengaturanAudiensi, ctx: dict[str, Any]
) -> bool:
    actor = request.user
    form: forms.PengaturanForm | forms.AturanForm | forms.PengecualianForm
    if op == "settings":
        form = forms.PengaturanForm(request.POST, instance=PengaturanAudiensi(pejabat=pejabat))
        return _save_form(ctx, "settings_form", form, availability_services.pengaturan_save, pejabat, actor)
    elif op == "rule":
        form = forms.AturanForm(request.POST)
        return _save_form(ctx, "rule_form", form, availability_services.aturan_add, pejabat, actor)
    elif op == "rule-delete":
        availability_services.aturan_delete(aturan_id=_posted_id(request), pejabat=pejabat, actor=actor)
        return True
    elif op == "exception":
        form = forms.PengecualianForm(request.POST)
        return _save_form(ctx, "exception_form", form, availability_services.pengecualian_add, pejabat, actor)
    elif op == "exception-delete":
        availability_services.pengecualian_delete(pengecualian_id=_posted_id(request), pejabat=pejabat, actor=actor)
        return True
    return False


def feed(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A private calendar feed of a pejabat's confirmed audiensi; the token in the URL is the credential."""
    pengaturan = get_object_or_404(PengaturanAudiensi.objects.select_related("pejabat"), pejabat__slug=slug)
    if not secrets.compare_digest(pengaturan.feed_token, token):
        raise Http404
    since = timezone.now() - dt.timedelta(days=30)
    qs = (
        Audiensi.objects.filter(
            pejabat=pengaturan.pejabat, status__in=[Status.DIKONFIRMASI, Status.HADIR], starts_at__gte=since
        )
        .select_related("pejabat", "kasus", "pemohon")
        .order_by("starts_at")
    )
    response = HttpResponse(feed_ics(pengaturan.pejabat.jabatan, qs), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="audiensi-{slug}.ics"'
    return response
