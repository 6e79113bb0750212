"""A resident's copy and erasure on the account page; staff's list of PDP requests under /petugas/."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aspirasi.models import Lampiran
from portal.akun import roles as r
from portal.akun.access import staff_required
from portal.akun.models import OPEN_PDP_STATUSES, PermintaanDataPribadi, User
from portal.akun.requests import AuthenticatedHttpRequest
from portal.audit.services import audit_record

from .forms import EraseForm, JawabanForm, KeputusanLampiranForm, PermintaanForm
from .services import (
    PDP_EXPORTED,
    DataRightsError,
    permintaan_answer,
    permintaan_decide_lampiran,
    permintaan_record,
    personal_data_zip,
    user_erase,
    user_export_requested,
)

PDP_STAFF = (r.PETUGAS, r.ADMIN)


def _zip_response(user: User) -> HttpResponse:
    response = HttpResponse(personal_data_zip(user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-{timezone.localdate():%Y%m%d}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    user_export_requested(user=request.user)
    return _zip_response(request.user)


@login_required
def erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_erase(user=request.user, actor=request.user)
        except DataRightsError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Akun Anda telah ditutup dan identitas Anda dihapus dari kasus Anda."))
            return redirect("home")
    return render(request, "datapribadi/erase.html", {"form": form}, status=400 if form.is_bound else 200)


@staff_required(*PDP_STAFF)
def pdp_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PermintaanForm(
        request.POST if request.method == "POST" else None, initial={"received_at": timezone.localtime()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = User.objects.filter(email__iexact=data["email"]).first() if data["email"] else None
        permintaan = permintaan_record(
            actor=request.user,
            jenis=data["jenis"],
            kanal=data["kanal"],
            user=account,
            detail=data["detail"],
            received_at=data["received_at"],
        )
        messages.success(request, _("Permintaan dicatat."))
        return redirect("akun_pdp_detail", pk=permintaan.pk)
    now = timezone.now()
    rows = PermintaanDataPribadi.objects.annotate(
        # Overdue open requests first, then open ones by deadline, then the finished ones.
        urutan=Case(
            When(status__in=OPEN_PDP_STATUSES, due_at__lt=now, then=Value(0)),
            When(status__in=OPEN_PDP_STATUSES, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("urutan", "due_at", "pk")[:200]
    return render(
        request, "datapribadi/permintaan_list.html", {"rows": rows, "form": form}, status=400 if form.is_bound else 200
    )


@staff_required(*PDP_STAFF)
def pdp_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    permintaan = get_object_or_404(PermintaanDataPribadi.objects.select_related("user", "handled_by"), pk=pk)
    answer_form = JawabanForm(request.POST if request.POST.get("step") == "answer" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "answer" and answer_form.is_valid():
                permintaan_answer(permintaan_id=pk, actor=request.user, **answer_form.cleaned_data)
                return redirect("akun_pdp_detail", pk=pk)
            if step == "decide":
                decide = KeputusanLampiranForm(request.POST)
                if decide.is_valid():
                    permintaan_decide_lampiran(
                        permintaan_id=pk,
                        actor=request.user,
                        lampiran_id=decide.cleaned_data["lampiran"],
                        keep=decide.cleaned_data["keep"],
                        reason=decide.cleaned_data["reason"],
                    )
                    return redirect("akun_pdp_detail", pk=pk)
            if (
                step == "erase"
                and permintaan.user is not None
                and permintaan.jenis == PermintaanDataPribadi.Jenis.PENGHAPUSAN
            ):
                if permintaan.status != PermintaanDataPribadi.Status.BARU:
                    raise DataRightsError(_("Permintaan ini sudah dijalankan."))
                user_erase(user=permintaan.user, actor=request.user, permintaan=permintaan)
                return redirect("akun_pdp_detail", pk=pk)
        except DataRightsError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, _("Periksa kembali isian Anda."))
    pending = Lampiran.objects.filter(pk__in=permintaan.pending_lampiran).select_related("kasus")
    decide_forms = [(lp, KeputusanLampiranForm(initial={"lampiran": lp.pk})) for lp in pending]
    context = {
        "permintaan": permintaan,
        "answer_form": answer_form,
        "decide_forms": decide_forms,
        "export_url": reverse("akun_pdp_export", args=[pk]),
    }
    return render(
        request, "datapribadi/permintaan_detail.html", context, status=400 if request.method == "POST" else 200
    )


@staff_required(*PDP_STAFF)
@require_POST
def pdp_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Staff prepare the copy for a resident who asked by letter or in person."""
    permintaan = get_object_or_404(PermintaanDataPribadi, pk=pk, jenis=PermintaanDataPribadi.Jenis.AKSES)
    if permintaan.user is None:
        messages.error(request, _("Permintaan ini tidak terhubung ke akun."))
        return redirect("akun_pdp_detail", pk=pk)
    audit_record(actor=request.user, action=PDP_EXPORTED, obj=permintaan)
    return _zip_response(permintaan.user)
