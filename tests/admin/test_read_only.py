import pytest
from django.contrib import admin

from aspirasi.models import Aspirasi, Lampiran
from audiensi.admin import ServiceFormAdmin
from audiensi.models import Audiensi
from portal.admin_site import ReadOnlyAdminMixin, ReferenceAdminMixin
from portal.akun.models import PermintaanDataPribadi
from portal.audit.models import AuditEntry
from portal.kasus.models import Kasus, OutboxEmail, Riwayat, TindakLanjut
from sarasehan.models import PendaftaranSarasehan, PoinSarasehan, Sarasehan
from skm.models import ResponsSurvei, UndanganSurvei
from tests.factories import staff

SERVICE_OWNED = [
    Kasus,
    Riwayat,
    TindakLanjut,
    OutboxEmail,
    Aspirasi,
    Lampiran,
    Audiensi,
    Sarasehan,
    PendaftaranSarasehan,
    PoinSarasehan,
    AuditEntry,
    PermintaanDataPribadi,
    UndanganSurvei,
    ResponsSurvei,
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda m: m.__name__)
def test_the_admin_may_not_add_change_or_delete_a_model_a_service_owns(model, rf):
    request = rf.get("/admin/")
    request.user = staff("admin", is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.django_db
@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda m: m.__name__)
def test_the_admin_refuses_the_add_page_of_a_model_a_service_owns(model, admin_client):
    opts = model._meta
    assert admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == 403


def test_every_model_in_the_admin_is_read_only_audited_reference_data_or_written_through_a_service():
    unguarded = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, ReadOnlyAdminMixin | ReferenceAdminMixin | ServiceFormAdmin)
    ]
    assert unguarded == []
