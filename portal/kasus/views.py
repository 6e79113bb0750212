"""Case pages: the staff back-office, the resident's own cases and the public tracking page."""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal import ratelimit
from portal.akun import roles as r
from portal.akun.access import staff_required
from portal.akun.models import User
from portal.akun.requests import AuthenticatedHttpRequest
from portal.page_cache import cached_page

from . import forms as f
from . import selectors, services, staff_tools
from . import templat as templat_service
from .filters import KasusFilter
from .kinds import kind_label
from .models import Kasus, Riwayat, Status, TemplatJawaban, TindakLanjut
from .panels import panels_for

Visibility = Riwayat.Visibility
QUEUE_PAGE_SIZE = 25
TRACK_ATTEMPTS = 10
TRACK_WINDOW_SECONDS = 15 * 60
IDEMPOTENCY_SECONDS = 24 * 60 * 60


# Staff actions --------------------------------------------------------------------------------

# (case, acting user, the form's cleaned data) -> (success message, case to go back to)
Run = Callable[[Kasus, User, dict[str, Any]], tuple[str, Kasus]]


@dataclass(frozen=True)
class Action:
    slug: str  # URL segment and form prefix
    title: Promise
    button: Promise
    form: type[f.ActionForm]
    roles: frozenset[str]
    run: Run
    transition: str | None = None  # shown only when services.allowed_actions() has it
    danger: bool = False
    # A costly form (hundreds of options) is rendered only when asked for with ?aksi=<slug>.
    on_request: bool = False
    # The triage and answer steps, done case after case, offer "save and open the next case".
    offers_next: bool = False

    def available(self, kasus: Kasus) -> bool:
        if kasus.status == Status.DIGABUNG:
            return False
        return self.transition is None or self.transition in services.allowed_actions(kasus)


def _verify(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_verify(
        kasus_id=kasus.pk, actor=user, kategori=data["kategori"], priority=data["priority"], note=data["note"]
    )
    return _("Kasus telah diverifikasi."), kasus


def _verify_dispose(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    staff_tools.kasus_verify_and_dispose(
        kasus_id=kasus.pk,
        actor=user,
        kategori=data["kategori"],
        priority=data["priority"],
        opd=data["opd"],
        note=data["note"],
    )
    return _("Kasus telah diverifikasi dan didisposisikan ke %(opd)s.") % {"opd": data["opd"].display_name}, kasus


def _assign(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    staff_tools.kasus_assign(kasus_id=kasus.pk, actor=user, officer=data["officer"])
    return _("Penugasan kasus telah disimpan."), kasus


def _reject(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_reject(kasus_id=kasus.pk, actor=user, reason=data["reason"])
    return _("Kasus telah ditolak."), kasus


def _request_info(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_request_info(kasus_id=kasus.pk, actor=user, question=data["question"])
    return _("Permintaan informasi telah dikirim ke pelapor."), kasus


def _dispose(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_dispose(kasus_id=kasus.pk, actor=user, opd=data["opd"], note=data["note"])
    return _("Kasus telah didisposisikan ke %(opd)s.") % {"opd": data["opd"].display_name}, kasus


def _start(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_start(kasus_id=kasus.pk, actor=user, note=data["note"])
    return _("Tindak lanjut kasus telah dimulai."), kasus


def _answer(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_answer(kasus_id=kasus.pk, actor=user, answer=data["answer"])
    return _("Jawaban telah dikirim ke pelapor."), kasus


def _note(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_note_add(kasus_id=kasus.pk, actor=user, message=data["message"])
    return _("Catatan internal telah disimpan."), kasus


def _tindak_lanjut(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=user, description=data["description"], opd=data["opd"], due_date=data["due_date"]
    )
    return _("Tindak lanjut telah ditambahkan."), kasus


def _merge(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    target = data["target"]
    survivor = services.kasus_merge(kasus_id=kasus.pk, into_id=target.pk, actor=user, reason=data["reason"])
    return _("Kasus telah digabung ke %(ref)s.") % {"ref": survivor.reference}, survivor


def _update(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_update_details(
        kasus_id=kasus.pk, actor=user, kategori=data["kategori"], wilayah=data["wilayah"], priority=data["priority"]
    )
    return _("Detail kasus telah diperbarui."), kasus


def _lapor(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
    services.kasus_link_lapor(kasus_id=kasus.pk, actor=user, lapor_tracking_id=data["lapor_tracking_id"])
    return _("Nomor SP4N-LAPOR! telah disimpan."), kasus


PETUGAS = frozenset({r.PETUGAS})
OPD = frozenset({r.OPD})
NOTE_ROLES = frozenset({r.PETUGAS, r.OPD, r.PIMPINAN, r.ADMIN})

ACTIONS: dict[str, Action] = {
    a.slug: a
    for a in [
        Action(
            "verifikasi-disposisi",
            gettext_lazy("Verifikasi dan disposisi"),
            gettext_lazy("Verifikasi dan disposisikan"),
            f.VerifyDisposeForm,
            PETUGAS,
            _verify_dispose,
            "verify",
            offers_next=True,
        ),
        Action(
            "verifikasi",
            gettext_lazy("Verifikasi"),
            gettext_lazy("Verifikasi"),
            f.VerifyForm,
            PETUGAS,
            _verify,
            "verify",
        ),
        Action(
            "minta-informasi",
            gettext_lazy("Minta informasi tambahan"),
            gettext_lazy("Kirim permintaan"),
            f.RequestInfoForm,
            PETUGAS,
            _request_info,
            "request_info",
        ),
        Action(
            "disposisi",
            gettext_lazy("Disposisi ke OPD"),
            gettext_lazy("Disposisikan"),
            f.DisposeForm,
            PETUGAS,
            _dispose,
            "dispose",
        ),
        Action("mulai", gettext_lazy("Mulai tindak lanjut"), gettext_lazy("Mulai"), f.StartForm, OPD, _start, "start"),
        Action(
            "jawab",
            gettext_lazy("Jawab pelapor"),
            gettext_lazy("Kirim jawaban"),
            f.AnswerForm,
            OPD,
            _answer,
            "answer",
            offers_next=True,
        ),
        Action(
            "catatan", gettext_lazy("Catatan internal"), gettext_lazy("Simpan catatan"), f.NoteForm, NOTE_ROLES, _note
        ),
        Action(
            "tindak-lanjut",
            gettext_lazy("Tambah tindak lanjut"),
            gettext_lazy("Tambah"),
            f.TindakLanjutForm,
            PETUGAS,
            _tindak_lanjut,
        ),
        Action(
            "ubah",
            gettext_lazy("Koreksi klasifikasi"),
            gettext_lazy("Simpan"),
            f.UpdateDetailsForm,
            PETUGAS,
            _update,
            on_request=True,
        ),
        Action(
            "lapor",
            gettext_lazy("Nomor SP4N-LAPOR!"),
            gettext_lazy("Simpan nomor"),
            f.LaporForm,
            PETUGAS,
            _lapor,
        ),
        Action(
            "gabung",
            gettext_lazy("Gabungkan ke kasus lain"),
            gettext_lazy("Gabungkan"),
            f.MergeForm,
            PETUGAS,
            _merge,
            "merge",
        ),
        Action(
            "tugaskan",
            gettext_lazy("Tugaskan ke petugas"),
            gettext_lazy("Simpan penugasan"),
            f.AssignForm,
            PETUGAS,
            _assign,
        ),
        Action(
            "tolak",
            gettext_lazy("Tolak"),
            gettext_lazy("Tolak kasus"),
            f.RejectForm,
            PETUGAS,
            _reject,
            "reject",
            danger=True,
        ),
    ]
}
DONE_ROLES = frozenset({r.PETUGAS, r.OPD})


class _Choices:
    """Choice lists read lazily, at most once per page, shared by every form on it."""

    @cached_property
    def opd(self) -> list[tuple[object, str]]:
        return selectors.opd_choices()

    @cached_property
    def kategori(self) -> list[tuple[object, str]]:
        return selectors.kategori_choices()

    @cached_property
    def wilayah(self) -> list[tuple[Any, Any]]:
        return selectors.wilayah_choices()

    @cached_property
    def officer(self) -> list[tuple[object, str]]:
        return selectors.officer_choices()

    def for_forms(self) -> f.LazyChoices:
        return {
            "opd": lambda: self.opd,
            "kategori": lambda: self.kategori,
            "wilayah": lambda: self.wilayah,
            "officer": lambda: self.officer,
        }


def _initial(slug: str, kasus: Kasus) -> dict[str, Any]:
    if slug == "verifikasi":
        return {"kategori": kasus.kategori_id, "priority": kasus.priority}
    if slug == "verifikasi-disposisi":
        # The OPD is left empty: the service then takes the default OPD of the kategori finally chosen.
        return {"kategori": kasus.kategori_id, "priority": kasus.priority}
    if slug == "disposisi":
        default_opd = kasus.kategori.default_opd_id if kasus.kategori else None
        return {"opd": kasus.opd_id or default_opd}
    if slug == "tindak-lanjut":
        return {"opd": kasus.opd_id}
    if slug == "tugaskan":
        return {"officer": kasus.assigned_to_id}
    if slug == "lapor":
        return {"lapor_tracking_id": kasus.lapor_tracking_id}
    if slug == "ubah":
        return {"kategori": kasus.kategori_id, "wilayah": kasus.wilayah_id, "priority": kasus.priority}
    return {}


def _may(user: User, roles: frozenset[str]) -> bool:
    return bool(r.user_roles(user) & roles)


def _may_complete(user: User, item: TindakLanjut) -> bool:
    if not _may(user, DONE_ROLES) or item.status != TindakLanjut.Status.TERBUKA:
        return False
    return not selectors.is_opd_only(user) or item.opd_id == user.opd_id


def _templat_options(
    kasus: Kasus, actions: list[dict[str, Any]], panels: list[tuple[str, dict[str, Any]]]
) -> list[TemplatJawaban]:
    """Reply templates, read only when the page shows a form they can fill."""
    fills = any(a["form"] is not None and a["action"].slug in templat_service.TARGETS for a in actions)
    if fills or any(ctx.get("answer_form") for _template, ctx in panels):
        return list(templat_service.templat_for(kasus))
    return []


def _render_staff_detail(
    request: AuthenticatedHttpRequest, kasus: Kasus, *, bound: tuple[str, f.ActionForm] | None = None
) -> HttpResponse:
    """The staff case page; `bound` shows one action's form as posted (400 when it has errors)."""
    user = request.user
    show_identity = selectors.sees_reporter_identity(user, kasus)
    if show_identity:
        services.record_identity_view(viewer=user, kasus=kasus)
    choices = _Choices()
    forms_by_slug = dict([bound]) if bound else {}
    panels = panels_for(kasus, request, "staff")
    replaced = set().union(*(ctx.get("replaces_actions", ()) for _template, ctx in panels))

    actions: list[dict[str, Any]] = []
    for action in ACTIONS.values():
        if action.slug in replaced or not (_may(user, action.roles) and action.available(kasus)):
            continue
        form: f.ActionForm | None
        if action.slug in forms_by_slug:
            form = forms_by_slug[action.slug]
        elif action.on_request and request.GET.get("aksi") != action.slug:
            form = None
        else:
            form = action.form(prefix=action.slug, initial=_initial(action.slug, kasus), choices=choices.for_forms())
        url = reverse("kasus:action", args=[kasus.reference, action.slug])
        actions.append(
            {"action": action, "form": form, "url": url, "requested": request.GET.get("aksi") == action.slug}
        )

    entries = selectors.present_entries(
        list(selectors.timeline(kasus)), kasus, sees_identity=show_identity, staff_view=True
    )
    for entry in entries:
        entry.show_message = True

    items = list(selectors.tindak_lanjut_of(kasus))
    for item in items:
        item.done_form = None
        if _may_complete(user, item):
            prefix = f"selesai-{item.pk}"
            item.done_form = forms_by_slug[prefix] if prefix in forms_by_slug else f.TindakLanjutDoneForm(prefix=prefix)

    context = {
        "templat_options": _templat_options(kasus, actions, panels),
        "panel_actions": any(ctx.get("actions_template") for _template, ctx in panels),
        "kasus": kasus,
        "antrean": _queue_params(request),
        "entries": entries,
        "items": items,
        "actions": actions,
        "show_identity": show_identity,
        "show_contact": selectors.sees_reporter_contact(user, kasus),
        "panels": panels,
        "failed_emails": selectors.failed_emails(kasus),
    }
    return render(request, "kasus/staff_detail.html", context, status=400 if bound and bound[1].errors else 200)


def _claim(request: AuthenticatedHttpRequest, form: f.ActionForm) -> str | None:
    """Reserve the form's idempotency token; None when this exact submission was already handled."""
    token = form.cleaned_data.get("idem") or ""
    if not token:
        return ""
    key = f"kasus:idem:{request.user.pk}:{token}"
    return key if cache.add(key, 1, IDEMPOTENCY_SECONDS) else None


def _queue_params(request: HttpRequest) -> str:
    """The queue's query string the officer came from, carried from case to case by "save and open the next"."""
    return (request.POST.get("antrean") or request.GET.get("antrean") or "")[:1000]


def _detail_url(reference: str, antrean: str) -> str:
    url = reverse("kasus:detail", args=[reference])
    return f"{url}?{urlencode({'antrean': antrean})}" if antrean else url


def _run(request: AuthenticatedHttpRequest, kasus: Kasus, form: f.ActionForm, run: Run) -> HttpResponse:
    key = _claim(request, form)
    if key is None:
        messages.info(request, _("Permintaan ini sudah diproses sebelumnya."))
        return redirect("kasus:detail", kasus.reference)
    antrean = _queue_params(request)
    # Chosen before the action moves this case, so "next" is the row below it in the queue the officer saw.
    next_case = (
        staff_tools.next_in_queue(request.user, kasus, QueryDict(antrean)) if request.POST.get("lanjut") else None
    )
    try:
        message, back_to = run(kasus, request.user, form.cleaned_data)
    except services.KasusError as exc:
        if key:
            cache.delete(key)
        messages.error(request, str(exc))
        return redirect("kasus:detail", kasus.reference)
    messages.success(request, message)
    if request.POST.get("lanjut"):
        if next_case is None:
            messages.info(request, _("Tidak ada kasus berikutnya di antrean ini."))
            return redirect(f"{reverse('kasus:queue')}?{antrean}" if antrean else reverse("kasus:queue"))
        return redirect(_detail_url(next_case.reference, antrean))
    return redirect(_detail_url(back_to.reference, antrean))


@staff_required()
def staff_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    filterset = KasusFilter(
        request.GET or None, queryset=selectors.staff_queue(user), hide_opd=selectors.is_opd_only(user), user=user
    )
    key = staff_tools.sort_key(request.GET)
    qs = filterset.qs
    status, searched = filterset.lateness()
    if key:
        rows = selectors.QueueRows(qs, [staff_tools.sorted_queue(qs, key)], estimate_first=searched)
    elif filterset.is_valid() and filterset.form.cleaned_data.get("overdue"):
        # Every row is overdue: one section (the lateness test twice would mislead the planner's estimate).
        rows = selectors.QueueRows(qs, [qs.order_by("-created_at", "-pk")], estimate_first=searched)
    else:
        rows = selectors.OverdueFirst(qs, status=status, searched=searched)
    # QueueRows and OverdueFirst have the length and slices Paginator uses; not being iterable keeps any row
    # from being read beyond the page.
    page: Page[Kasus] = Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    for kasus in page:
        kasus.show_identity = selectors.sees_reporter_identity(user, kasus)
    services.record_identity_views(viewer=user, cases=[k for k in page if k.show_identity])
    filter_cache_key = f"{selectors.is_opd_only(user)}:{request.GET.urlencode()}"
    antrean = request.GET.copy()
    antrean.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "filter_cache_key": filter_cache_key,
        "antrean": antrean.urlencode(),
        "sort": key,
        "bulk_form": f.BulkForm(auto_id="massal-%s", choices=_Choices().for_forms()),
        "saved_filters": staff_tools.saved_filters(user),
    }
    return render(request, "kasus/staff_queue.html", context)


@require_POST
@staff_required()
def staff_filter_save(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save the queue's current filter under a name the officer chooses."""
    form = f.SaveFilterForm(request.POST)
    query = (request.POST.get("query") or "")[:2000]
    back = f"{reverse('kasus:queue')}?{query}" if query else reverse("kasus:queue")
    if not form.is_valid():
        messages.error(request, _("Beri nama filter ini, paling banyak 80 karakter."))
        return redirect(back)
    try:
        saved = staff_tools.filter_save(user=request.user, name=form.cleaned_data["name"], query=query)
    except services.KasusError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Filter “%(name)s” telah disimpan.") % {"name": saved.name})
    return redirect(back)


@require_POST
@staff_required()
def staff_filter_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if staff_tools.filter_delete(user=request.user, pk=pk):
        messages.success(request, _("Filter telah dihapus."))
    return redirect("kasus:queue")


@staff_required(r.PETUGAS, r.OPD)
@require_http_methods(["GET", "HEAD", "POST"])
def staff_templat(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Reply templates: the list, and a form to add one (or to change the one named by pk)."""
    templat = get_object_or_404(TemplatJawaban, pk=pk) if pk is not None else None
    initial = {"title": templat.title, "kategori": templat.kategori_id, "body": templat.body} if templat else None
    form = f.TemplatForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            templat_service.templat_save(
                actor=request.user, title=data["title"], body=data["body"], kategori=data["kategori"], templat=templat
            )
            messages.success(request, _("Templat jawaban telah disimpan."))
            return redirect("kasus:templat")
        status = 400
    else:
        status = 200
    context = {"form": form, "templat": templat, "items": TemplatJawaban.objects.select_related("kategori")}
    return render(request, "kasus/staff_templat.html", context, status=status)


@require_POST
@staff_required(r.PETUGAS, r.OPD)
def staff_templat_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    templat_service.templat_delete(actor=request.user, templat=get_object_or_404(TemplatJawaban, pk=pk))
    messages.success(request, _("Templat jawaban telah dihapus."))
    return redirect("kasus:templat")


@require_POST
@staff_required(r.PETUGAS)
def staff_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The queue's bulk action: each ticked case through its own service call, then one summary message."""
    antrean = _queue_params(request)
    back = f"{reverse('kasus:queue')}?{antrean}" if antrean else reverse("kasus:queue")
    form = f.BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    result = staff_tools.bulk_apply(
        user=request.user, kasus_ids=data["kasus"], action=data["aksi"], opd=data["opd"], officer=data["officer"]
    )
    if result.done:
        messages.success(
            request,
            ngettext("%(count)d kasus berhasil: %(refs)s.", "%(count)d kasus berhasil: %(refs)s.", len(result.done))
            % {"count": len(result.done), "refs": ", ".join(result.done)},
        )
    for reference, reason in result.refused:
        messages.error(request, _("%(ref)s tidak diproses: %(reason)s") % {"ref": reference, "reason": reason})
    if not result.done and not result.refused:
        messages.error(request, _("Tidak ada kasus terpilih yang dapat Anda proses."))
    return redirect(back)


@staff_required()
def staff_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    kasus = selectors.staff_kasus(request.user, reference)
    if kasus.status == Status.DIGABUNG and kasus.merged_into is not None:
        messages.info(
            request,
            _("Kasus %(ref)s telah digabung ke kasus ini.") % {"ref": kasus.reference},
        )
        return redirect("kasus:detail", kasus.merged_into.reference)
    return _render_staff_detail(request, kasus)


@staff_required()
def staff_timeline_csv(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The case's whole timeline as a spreadsheet, in the reader's language, naming whom this viewer may see."""
    kasus = selectors.staff_kasus(request.user, reference)
    sees_identity = selectors.sees_reporter_identity(request.user, kasus)
    if sees_identity:
        services.record_identity_view(viewer=request.user, kasus=kasus)
    entries = selectors.present_entries(
        list(selectors.timeline(kasus)), kasus, sees_identity=sees_identity, staff_view=True
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kasus.reference}-riwayat.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Waktu"), _("Jenis"), _("Oleh"), _("Visibilitas"), _("Isi")])
    for entry in entries:
        writer.writerow(
            [
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                kind_label(entry.kind),
                _csv_safe(str(entry.actor_label)),
                entry.get_visibility_display(),
                _csv_safe(entry.body),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _with_templat(request: AuthenticatedHttpRequest, kasus: Kasus, action: Action) -> f.ActionForm:
    """The posted form again with the chosen reply template's text in its field ("Pakai templat" without script)."""
    chosen = templat_service.chosen(kasus, request.POST.get("templat", ""))
    if chosen is None:
        return action.form(prefix=action.slug, initial=_initial(action.slug, kasus), choices=_Choices().for_forms())
    data = request.POST.copy()
    data[f"{action.slug}-{templat_service.TARGETS[action.slug]}"] = chosen.body
    return action.form(data, prefix=action.slug, choices=_Choices().for_forms())


@require_POST
@staff_required()
def staff_action(request: AuthenticatedHttpRequest, reference: str, slug: str) -> HttpResponse:
    action = ACTIONS.get(slug)
    if action is None:
        raise Http404
    kasus = selectors.staff_kasus(request.user, reference)
    if not _may(request.user, action.roles):
        raise PermissionDenied
    if request.POST.get("pakai_templat") and slug in templat_service.TARGETS:
        return _render_staff_detail(request, kasus, bound=(slug, _with_templat(request, kasus, action)))
    form = action.form(request.POST, prefix=slug, choices=_Choices().for_forms())
    if form.is_valid() and slug == "gabung":
        target = selectors.find_merge_target(form.cleaned_data["into_reference"])
        if target is None:
            form.add_error("into_reference", _("Kasus dengan nomor itu tidak ditemukan."))
        else:
            form.cleaned_data["target"] = target
    if not form.is_valid():
        return _render_staff_detail(request, kasus, bound=(slug, form))
    return _run(request, kasus, form, action.run)


@require_POST
@staff_required()
def staff_tindak_lanjut_done(request: AuthenticatedHttpRequest, reference: str, pk: int) -> HttpResponse:
    kasus = selectors.staff_kasus(request.user, reference)
    item = get_object_or_404(TindakLanjut, pk=pk, kasus=kasus)
    if not _may(request.user, DONE_ROLES) or (
        selectors.is_opd_only(request.user) and item.opd_id != request.user.opd_id
    ):
        raise PermissionDenied
    prefix = f"selesai-{item.pk}"
    form = f.TindakLanjutDoneForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _render_staff_detail(request, kasus, bound=(prefix, form))

    def complete(kasus: Kasus, user: User, data: dict[str, Any]) -> tuple[str, Kasus]:
        services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=user, evidence=data["evidence"])
        return _("Tindak lanjut ditandai selesai."), kasus

    return _run(request, kasus, form, complete)


COMMITMENT_PAGE_SIZE = 50


@staff_required()
def staff_commitments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every tindak lanjut promised on the cases this staff member may open: who does what by when."""
    form = f.CommitmentFilterForm(request.GET or None)
    status, opd_id = selectors.CommitmentFilter.TERBUKA, None
    if form.is_valid():
        status = form.cleaned_data["status"] or selectors.CommitmentFilter.TERBUKA
        opd_id = form.cleaned_data["opd"].pk if form.cleaned_data["opd"] else None
    if selectors.is_opd_only(request.user):
        opd_id = request.user.opd_id
    items = selectors.commitments(request.user, opd_id=opd_id, status=status)
    page = Paginator(items, COMMITMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kasus/staff_commitments.html", {"form": form, "page": page})


# Residents and the public ---------------------------------------------------------------------


def _public_entries(kasus: Kasus, visibilities: tuple[str, ...], *, show_content: bool) -> list[Riwayat]:
    entries = list(selectors.timeline(kasus, visibilities))
    # Residents' pages never name the reporter: the page may be a tracking link someone forwarded.
    selectors.present_entries(entries, kasus, sees_identity=False, staff_view=False)
    for entry in entries:
        entry.show_message = show_content
    return entries


def _public_context(
    request: HttpRequest, kasus: Kasus, *, as_reporter: bool, show_content: bool, survivor_url: str = ""
) -> dict[str, Any]:
    visibilities = (Visibility.PUBLIK, Visibility.PELAPOR) if as_reporter else (Visibility.PUBLIK,)
    return {
        "kasus": kasus,
        "entries": _public_entries(kasus, visibilities, show_content=show_content),
        "items": list(selectors.tindak_lanjut_of(kasus)) if show_content else [],
        "show_content": show_content,
        "as_reporter": as_reporter,
        "panels": panels_for(kasus, request, "public"),
        # Where a merged case continues: a page this visitor may open, never the survivor's own tracking link.
        "survivor_url": survivor_url,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account's email choices: every case step or only the essentials; staff may take a daily digest."""
    current = services.preferensi_of(request.user)
    form = f.PreferensiForm(request.POST or None, initial={"kabar": current.kabar, "digest": current.digest})
    is_staff = bool(r.user_roles(request.user) & set(r.STAFF_ROLES))
    if not is_staff:
        del form.fields["digest"]
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "kasus/preferences.html", {"form": form}, status=400)
        digest = form.cleaned_data.get("digest", False) if is_staff else current.digest
        services.preferensi_set(user=request.user, kabar=form.cleaned_data["kabar"], digest=digest)
        messages.success(request, _("Pilihan email Anda telah disimpan."))
        return redirect("kasus:preferences")
    return render(request, "kasus/preferences.html", {"form": form})


@require_POST
@login_required
def my_case_kabar(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Per-case choice of emails, for a signed-in resident following the case."""
    kasus = selectors.resident_kasus(request.user, reference)
    form = f.KabarKasusForm(request.POST)
    if form.is_valid() and services.pengikut_set_kabar(
        kasus=kasus, user=request.user, kabar=form.cleaned_data["kabar"]
    ):
        messages.success(request, _("Pilihan email untuk kasus ini telah disimpan."))
    else:
        messages.error(request, _("Pilihan email tidak dapat disimpan untuk kasus ini."))
    return redirect("kasus:mine_detail", kasus.reference)


@login_required
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    # An audiensi's or sarasehan's own status says more than the case's (e.g. "Dikonfirmasi" with its time).
    cases = (
        selectors.resident_cases(request.user)
        .select_related("kategori", "kecamatan")
        .prefetch_related("audiensi", "pendaftaran_sarasehan__sarasehan")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kasus/mine.html", {"page": page})


@login_required
def my_case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    kasus = selectors.resident_kasus(request.user, reference)
    survivor_url = reverse("kasus:mine_detail", args=[kasus.merged_into.reference]) if kasus.merged_into else ""
    # A reporter of a case merged into this one follows it: its public timeline, not the reporter's own entries.
    as_reporter = kasus.reporter_id == request.user.pk
    context = _public_context(request, kasus, as_reporter=as_reporter, show_content=True, survivor_url=survivor_url)
    row = kasus.pengikut.filter(user=request.user).first()
    context["kabar_form"] = f.KabarKasusForm(initial={"kabar": row.kabar}) if row else None
    return render(request, "kasus/mine_detail.html", context)


def _track_allowed(request: HttpRequest) -> bool:
    """At most TRACK_ATTEMPTS tries per address per window, so references cannot be probed in bulk."""
    return ratelimit.hit_address("lacak", request, TRACK_ATTEMPTS, TRACK_WINDOW_SECONDS)


@cached_page
def track(request: HttpRequest) -> HttpResponse:
    form = f.TrackForm(request.POST or None)
    if request.method == "POST":
        if not _track_allowed(request):
            messages.error(request, _("Terlalu banyak percobaan. Silakan coba lagi dalam 15 menit."))
            return render(request, "kasus/track.html", {"form": form}, status=429)
        if form.is_valid():
            kasus = selectors.kasus_for_tracking(form.cleaned_data["reference"])
            email = form.cleaned_data["email"].strip().lower()
            if kasus is not None and kasus.contact_email() and kasus.contact_email().lower() == email:
                selectors.remember_owner(request, kasus)
                return redirect("kasus:track_detail", kasus.tracking_token)
            # One message whether the number exists or not.
            form.add_error(None, _("Nomor kasus dan email tidak cocok dengan data kami. Periksa kembali."))
        return render(request, "kasus/track.html", {"form": form}, status=400)
    return render(request, "kasus/track.html", {"form": form})


@cached_page
def track_detail(request: HttpRequest, token: str) -> HttpResponse:
    kasus = get_object_or_404(
        Kasus.objects.select_related("kategori", "kecamatan", "opd", "merged_into"), tracking_token=token
    )
    # Confidential content needs proof (signed in, or reference + email); the link alone is not enough.
    show_content = selectors.viewer_sees_content(kasus, request)
    as_reporter = selectors.viewer_is_reporter(kasus, request)
    survivor_url = reverse("kasus:track_survivor", args=[token]) if kasus.merged_into_id else ""
    context = _public_context(
        request, kasus, as_reporter=as_reporter, show_content=show_content, survivor_url=survivor_url
    )
    response = render(request, "kasus/track_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def track_survivor(request: HttpRequest, token: str) -> HttpResponse:
    """The public page of the case a merged case went into, reached with the merged case's own tracking link.

    Its reporter follows the survivor without holding the survivor's link, which would let them act as its reporter.
    """
    merged = get_object_or_404(
        Kasus.objects.select_related("reporter"), tracking_token=token, merged_into__isnull=False
    )
    kasus = get_object_or_404(
        Kasus.objects.select_related("kategori", "kecamatan", "opd", "merged_into"), pk=merged.merged_into_id
    )
    # The merged case's proven reporter raised the same matter; the link alone shows only what is public.
    show_content = selectors.viewer_sees_content(kasus, request) or selectors.viewer_proved_reporter(merged, request)
    context = _public_context(request, kasus, as_reporter=False, show_content=show_content)
    context["merged_from"] = merged
    response = render(request, "kasus/track_detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


CODE_SENDS = 5
CODE_SEND_WINDOW_SECONDS = 15 * 60


def _code_send_allowed(request: HttpRequest) -> bool:
    """At most CODE_SENDS code emails per address per window, across cases (the service limits each case)."""
    return ratelimit.hit_address("kasus-kode", request, CODE_SENDS, CODE_SEND_WINDOW_SECONDS)


def _code_page(request: HttpRequest, kasus: Kasus, form: f.KodeAksesForm, status: int = 200) -> HttpResponse:
    context = {
        "kasus": kasus,
        "form": form,
        "has_email": bool(kasus.contact_email()),
        "show_content": selectors.viewer_sees_content(kasus, request),
    }
    response = render(request, "kasus/track_code.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def track_code(request: HttpRequest, token: str) -> HttpResponse:
    """Enter the one-time code that lets a tracking-link holder act on a confidential case."""
    kasus = get_object_or_404(Kasus.objects.select_related("reporter"), tracking_token=token)
    if selectors.viewer_may_act(kasus, request):
        return redirect("kasus:track_detail", token)
    form = f.KodeAksesForm(request.POST or None)
    if request.method != "POST":
        return _code_page(request, kasus, form)
    if form.is_valid():
        try:
            services.kode_akses_verify(kasus_id=kasus.pk, code=form.cleaned_data["code"])
        except services.KasusError as exc:
            form.add_error("code", str(exc))
        else:
            selectors.grant_action(request, kasus)
            messages.success(request, _("Kode benar. Anda dapat menanggapi kasus ini selama satu jam."))
            return redirect("kasus:track_detail", token)
    return _code_page(request, kasus, form, status=400)


@never_cache
@require_POST
def track_code_send(request: HttpRequest, token: str) -> HttpResponse:
    kasus = get_object_or_404(Kasus, tracking_token=token)
    if not _code_send_allowed(request):
        messages.error(request, _("Terlalu banyak permintaan kode. Silakan coba lagi dalam 15 menit."))
        return _code_page(request, kasus, f.KodeAksesForm(), status=429)
    try:
        services.kode_akses_send(kasus_id=kasus.pk)
    except services.KasusError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Kode sekali pakai telah dikirim ke alamat email pelapor. Kode berlaku 15 menit."))
    return redirect("kasus:track_code", token)
