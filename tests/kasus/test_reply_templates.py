"""Reply templates: petugas and OPD keep them per kategori, audited, and insert one into an answer or a request."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.kasus import services
from portal.kasus.models import TemplatJawaban
from tests.aspirasi.factories import submit
from tests.factories import KategoriFactory, OpdFactory, UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def test_an_officer_creates_a_template_and_the_audit_log_records_it(client):
    officer = staff("opd")
    client.force_login(officer)
    kat = KategoriFactory()
    response = client.post(
        reverse("kasus:templat"), {"title": "Jalan rusak", "kategori": kat.pk, "body": "Terima kasih."}
    )
    assert response.status_code == 302
    templat = TemplatJawaban.objects.get()
    assert templat.kategori == kat and templat.body == "Terima kasih."
    assert AuditEntry.objects.filter(action="kasus.templat_created", actor=officer).exists()


def test_a_template_is_edited_and_deleted_with_audit_entries(client):
    templat = TemplatJawaban.objects.create(title="Lama", body="Isi lama")
    client.force_login(staff("petugas"))
    client.post(reverse("kasus:templat_edit", args=[templat.pk]), {"title": "Baru", "kategori": "", "body": "Isi baru"})
    templat.refresh_from_db()
    assert templat.title == "Baru" and templat.kategori is None
    client.post(reverse("kasus:templat_delete", args=[templat.pk]))
    assert not TemplatJawaban.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"kasus.templat_changed", "kasus.templat_deleted"} <= actions


def test_a_template_without_a_body_is_refused_with_a_message(client):
    client.force_login(staff("petugas"))
    response = client.post(reverse("kasus:templat"), {"title": "Kosong", "body": ""})
    assert response.status_code == 400 and not TemplatJawaban.objects.exists()


def test_residents_cannot_open_the_templates_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("kasus:templat")).status_code == 403


def test_the_request_for_information_offers_the_cases_kategori_templates_and_the_general_ones(client):
    kat, other = KategoriFactory(), KategoriFactory()
    kasus = open_kasus(kategori=kat)
    TemplatJawaban.objects.create(title="Umum", body="a")
    TemplatJawaban.objects.create(title="Khusus", kategori=kat, body="b")
    TemplatJawaban.objects.create(title="Lain", kategori=other, body="c")
    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert 'data-templat-target="id_minta-informasi-question"' in page
    assert ">Umum<" in page and ">Khusus<" in page and ">Lain<" not in page
    assert "js/templat.js" in page


def test_pakai_templat_without_script_fills_the_field_and_changes_nothing(client):
    kasus = open_kasus()
    templat = TemplatJawaban.objects.create(title="Minta RT", body="Mohon sebutkan RT dan RW lokasi.")
    client.force_login(staff("petugas"))
    response = client.post(
        reverse("kasus:action", args=[kasus.reference, "minta-informasi"]),
        {"templat": templat.pk, "pakai_templat": "1", "minta-informasi-question": ""},
    )
    kasus.refresh_from_db()
    assert response.status_code == 200 and kasus.status == "baru"
    assert "Mohon sebutkan RT dan RW lokasi.</textarea>" in response.content.decode()


def test_pakai_templat_fills_the_opd_answer_with_attachments(client):
    opd = OpdFactory()
    kasus = submit(photos=0).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    templat = TemplatJawaban.objects.create(title="Selesai", body="Perbaikan sudah selesai.")
    client.force_login(staff("opd", opd=opd))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert 'data-templat-target="id_jawablampiran-answer"' in page
    response = client.post(
        reverse("aspirasi:answer", args=[kasus.reference]), {"templat": templat.pk, "pakai_templat": "1"}
    )
    kasus.refresh_from_db()
    assert response.status_code == 200 and kasus.status == "ditindaklanjuti"
    assert "Perbaikan sudah selesai.</textarea>" in response.content.decode()
