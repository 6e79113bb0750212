"""Who may see what: attachments, anonymous identities, confidential content."""

import pytest
from django.urls import reverse

from aspirasi import services as aspirasi_services
from aspirasi.models import Lampiran
from portal.kasus import services
from portal.kasus.models import OutboxEmail
from tests.factories import OpdFactory, UserFactory, staff

from .factories import form_data, jpeg_bytes, submit, upload

pytestmark = pytest.mark.django_db

SECRET_NAME = "Rahasia Wibowo"
SECRET_EMAIL = "rahasia.wibowo@example.org"
SECRET_PHONE = "081299887766"


def anonymous_case(opd, **kwargs):
    """An anonymous (named to petugas only) case disposed to `opd`, with a photo whose name carries the identity."""
    from aspirasi.files import clean_upload

    result = aspirasi_services.aspirasi_submit(
        jenis="pengaduan",
        title="Pungutan liar di kantor desa",
        description="Diminta uang tanpa kuitansi.",
        reporter_name=SECRET_NAME,
        reporter_email="",
        reporter_phone=SECRET_PHONE,
        is_anonymous=True,
        files=[clean_upload(upload("Rahasia Wibowo KTP.jpg", jpeg_bytes()))],
        **kwargs,
    )
    kasus = result.kasus
    # Guests with no email are confirmed at once; record the email as petugas would learn it later.
    type(kasus).objects.filter(pk=kasus.pk).update(reporter_email=SECRET_EMAIL)
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    kasus.refresh_from_db()
    return kasus


def assert_no_identity(text: str):
    for secret in (SECRET_NAME, "Rahasia-Wibowo", SECRET_EMAIL, SECRET_PHONE):
        assert secret not in text


def test_it_serves_an_attachment_to_its_reporter_as_a_safe_download(client):
    warga = UserFactory()
    kasus = submit(reporter=warga, photos=1).kasus
    item = Lampiran.objects.get(kasus=kasus)
    client.force_login(warga)
    response = client.get(reverse("aspirasi:lampiran", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "foto0.jpg" in response["Content-Disposition"]
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_it_answers_404_to_another_resident_and_to_an_opd_without_the_case(client):
    kasus = submit(reporter=UserFactory(), photos=1).kasus
    item = Lampiran.objects.get(kasus=kasus)
    url = reverse("aspirasi:lampiran", args=[item.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff("opd"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("aspirasi:lampiran_token", args=[item.pk, "x" * 32])).status_code == 404


def test_it_serves_the_disposed_opd_petugas_and_the_tracking_link_holder(client):
    opd = OpdFactory()
    kasus = submit(reporter=UserFactory(), photos=1).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    item = Lampiran.objects.get(kasus=kasus)
    assert client.get(reverse("aspirasi:lampiran_token", args=[item.pk, kasus.tracking_token])).status_code == 200
    client.force_login(staff("opd", opd=opd))
    assert client.get(reverse("aspirasi:lampiran", args=[item.pk])).status_code == 200
    client.force_login(staff("petugas"))
    assert client.get(reverse("aspirasi:lampiran", args=[item.pk])).status_code == 200


def test_it_needs_proof_not_just_the_link_for_a_confidential_cases_files(client):
    kasus = submit(is_confidential=True, photos=1).kasus
    item = Lampiran.objects.get(kasus=kasus)
    assert client.get(reverse("aspirasi:lampiran_token", args=[item.pk, kasus.tracking_token])).status_code == 404


def test_it_hides_an_anonymous_reporter_from_the_opd_page_and_downloads(client):
    opd = OpdFactory()
    kasus = anonymous_case(opd)
    client.force_login(staff("opd", opd=opd))
    queue = client.get(reverse("kasus:queue")).content.decode()
    assert kasus.reference in queue
    assert_no_identity(queue)
    page = client.get(reverse("kasus:detail", args=[kasus.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pungutan liar" in html
    assert_no_identity(html)
    item = Lampiran.objects.get(kasus=kasus)
    response = client.get(reverse("aspirasi:lampiran", args=[item.pk]))
    assert response.status_code == 200 and f"lampiran-{item.pk}.jpg" in response["Content-Disposition"]
    # Petugas do see who it is.
    client.force_login(staff("petugas"))
    assert SECRET_NAME in client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()


def test_it_keeps_an_anonymous_reporter_out_of_opd_emails(client):
    opd = OpdFactory()
    officer = staff("opd", opd=opd)
    kasus = anonymous_case(opd)
    services.kasus_start(kasus_id=kasus.pk, actor=officer)
    aspirasi_services.aspirasi_request_reroute(kasus_id=kasus.pk, actor=officer, reason="Ranah inspektorat")
    to_opd = OutboxEmail.objects.filter(to__in=[opd.email, officer.email])
    assert to_opd.exists()
    for row in to_opd:
        assert_no_identity(row.subject + row.body_text + row.body_html)


def test_it_keeps_anonymous_and_confidential_cases_off_the_public_pages(client):
    opd = OpdFactory()
    anon = anonymous_case(opd)
    secret = submit(reporter=UserFactory(), is_confidential=True, title="Dugaan korupsi dana desa").kasus
    services.kasus_verify(kasus_id=secret.pk, actor=None)
    page = client.get(reverse("dasbor:transparansi")).content.decode()
    csv = client.get(reverse("aspirasi:transparency_csv")).content.decode()
    for text in (page, csv):
        assert anon.reference in text  # the case is public, its reporter is not
        assert_no_identity(text)
        assert "Dugaan korupsi" not in text and secret.reference not in text


def test_it_does_not_let_an_opd_answer_or_reroute_a_case_of_another_opd(client):
    kasus = anonymous_case(OpdFactory())
    client.force_login(staff("opd"))
    assert client.post(reverse("aspirasi:answer", args=[kasus.reference]), {"answer": "x"}).status_code == 404
    assert client.post(reverse("aspirasi:reroute", args=[kasus.reference]), {"reason": "x"}).status_code == 404


def test_it_lets_only_petugas_record_other_channels(client):
    client.force_login(UserFactory())
    assert client.get(reverse("aspirasi:record")).status_code == 403
    client.force_login(staff("opd"))
    assert client.get(reverse("aspirasi:record")).status_code == 403


def test_it_does_not_show_a_guest_the_tracking_link_of_someone_elses_submission(client):
    client.post(reverse("aspirasi:submit"), form_data())
    other = client.__class__()
    assert "KSS-" not in other.get(reverse("aspirasi:sent")).content.decode()
