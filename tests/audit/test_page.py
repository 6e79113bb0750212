import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.akun.roles import ADMIN, OPD, PETUGAS, PIMPINAN, PROTOKOL
from portal.audit.models import AuditEntry
from portal.audit.services import audit_record
from tests.factories import OpdFactory, UserFactory, staff

pytestmark = pytest.mark.django_db
URL = "/petugas/audit/"


@pytest.mark.parametrize("role", [ADMIN, PIMPINAN])
def test_admin_and_pimpinan_may_read_the_audit_page(client, role):
    client.force_login(staff(role))
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", [PETUGAS, PROTOKOL, OPD])
def test_other_staff_may_not_read_the_audit_page(client, role):
    client.force_login(staff(role))
    assert client.get(URL).status_code == 403


def test_a_resident_may_not_read_the_audit_page(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/login/" in response["Location"]


def test_an_admin_without_two_factor_is_sent_to_enrol(client):
    client.force_login(staff(ADMIN, mfa=False))
    response = client.get(URL)
    assert response.status_code == 302
    assert "/akun/" in response["Location"] and "totp" in response["Location"]


def test_the_staff_navigation_links_to_the_audit_page_for_pimpinan_only_among_readers(client):
    client.force_login(staff(PIMPINAN))
    assert URL in client.get("/petugas/").content.decode()
    client.force_login(staff(PETUGAS))
    assert URL not in client.get("/petugas/").content.decode()


def _entries(response) -> list[AuditEntry]:
    return [row.entry for row in response.context["rows"]]


def test_it_lists_entries_newest_first(client):
    opd = OpdFactory()
    older = audit_record(actor=None, action="reference.changed", obj=opd)
    newer = audit_record(actor=None, action="reference.deleted", obj=opd)
    client.force_login(staff(ADMIN))
    assert _entries(client.get(URL)) == [newer, older]


def test_it_filters_by_actor(client):
    one, other = staff(ADMIN), staff(ADMIN)
    mine = audit_record(actor=one, action="reference.changed", obj=OpdFactory())
    audit_record(actor=other, action="reference.changed", obj=OpdFactory())
    client.force_login(one)
    assert _entries(client.get(URL, {"actor": one.pk})) == [mine]


def test_it_filters_by_object_type_and_id(client):
    opd, other = OpdFactory(), OpdFactory()
    wanted = audit_record(actor=None, action="reference.changed", obj=opd)
    audit_record(actor=None, action="reference.changed", obj=other)
    audit_record(actor=None, action="reference.changed", obj=staff(PETUGAS))
    client.force_login(staff(ADMIN))
    assert len(_entries(client.get(URL, {"object_type": "wilayah.opd"}))) == 2
    assert _entries(client.get(URL, {"object_type": "wilayah.opd", "object_id": str(opd.pk)})) == [wanted]


def test_it_filters_by_date_range(client):
    opd = OpdFactory()
    old = audit_record(actor=None, action="reference.changed", obj=opd)
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    recent = audit_record(actor=None, action="reference.changed", obj=opd)
    today = timezone.localdate()
    client.force_login(staff(ADMIN))
    assert _entries(client.get(URL, {"since": today - dt.timedelta(days=1)})) == [recent]
    assert _entries(client.get(URL, {"until": today - dt.timedelta(days=2)})) == [old]


@pytest.mark.parametrize(
    "params",
    [{"since": "1999-12-31"}, {"until": "2101-01-01"}, {"since": "99999-01-01"}, {"actor": "x"}, {"page": "-1"}],
)
def test_it_refuses_out_of_bounds_filters_without_failing(client, params):
    audit_record(actor=None, action="reference.changed", obj=OpdFactory())
    client.force_login(staff(ADMIN))
    response = client.get(URL, params)
    assert response.status_code == 200
    if "page" not in params:
        assert _entries(response) == []


def test_it_shows_twenty_five_entries_a_page(client):
    opd = OpdFactory()
    for _ in range(26):
        audit_record(actor=None, action="reference.changed", obj=opd)
    client.force_login(staff(ADMIN))
    assert len(_entries(client.get(URL))) == 25
    assert len(_entries(client.get(URL, {"page": 2}))) == 1


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_entries(client):
    admin = staff(ADMIN)
    client.force_login(admin)
    audit_record(actor=admin, action="reference.changed", obj=OpdFactory(), changes={"email": ["a", "b"]})
    _queries(client)  # warm the per-process caches (content types, translations)
    few = _queries(client)
    for _ in range(20):
        audit_record(actor=staff(ADMIN), action="reference.changed", obj=OpdFactory(), changes={"email": ["a", "b"]})
    assert _queries(client) == few


def test_an_admin_edit_of_an_opd_shows_on_the_audit_page_with_its_actor(client):
    admin = staff(ADMIN, is_staff=True, is_superuser=True, full_name="Admin Pemkab")
    client.force_login(admin)
    opd = OpdFactory(nama="Dinas Lama", email="")
    data = {"nama": "Dinas Baru", "nama_en": "", "singkatan": "", "email": "", "is_active": "on"}
    assert client.post(f"/admin/wilayah/opd/{opd.pk}/change/", data).status_code == 302
    client.force_login(staff(PIMPINAN))
    page = client.get(URL).content.decode()
    assert "Admin Pemkab" in page
    assert "Dinas Lama → Dinas Baru" in page


def test_it_shows_an_actions_registered_label(client):
    audit_record(actor=None, action="reference.changed", obj=OpdFactory())
    client.force_login(staff(ADMIN))
    assert [row.action for row in client.get(URL).context["rows"]] == ["Data referensi diubah"]
