import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from aspirasi import services
from aspirasi.models import Aspirasi, Lampiran
from portal.kasus.models import Kasus, OutboxEmail, Riwayat
from tests.concurrency import at_once, errors
from tests.factories import UserFactory, desa, kecamatan

from .factories import form_data, jpeg_bytes, upload

SUBMIT = "/aspirasi/kirim/"


def confirm_link(message) -> str:
    line = next(ln for ln in message.body.splitlines() if "/aspirasi/konfirmasi/" in ln)
    return line.strip().removeprefix("http://testserver")


@pytest.mark.django_db
def test_it_shows_the_form_to_guests_with_consent_and_grouped_wilayah(client):
    response = client.get(SUBMIT)
    html = response.content.decode()
    assert response.status_code == 200
    assert "UU No. 27 Tahun 2022" in html and "Berapa lama" in html
    assert "<optgroup" in html and 'name="reporter_email"' in html
    assert 'class="honeypot"' in html and 'name="idempotency_key"' in html


@pytest.mark.django_db
def test_it_hides_guest_fields_from_a_signed_in_resident(client):
    client.force_login(UserFactory())
    html = client.get(SUBMIT).content.decode()
    assert 'name="reporter_email"' not in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_creates_case_aspirasi_files_and_timeline_for_a_resident(client):
    warga = UserFactory()
    client.force_login(warga)
    data = form_data(jenis="aspirasi")
    data["lampiran"] = [upload("jalan.jpg", jpeg_bytes())]
    response = client.post(SUBMIT, data)
    assert response.status_code == 302 and response.url == reverse("aspirasi:sent")
    kasus = Kasus.objects.get()
    aspirasi = Aspirasi.objects.get()
    assert kasus.reporter == warga and kasus.confirmed_at is not None and kasus.due_at is not None
    assert aspirasi.kasus == kasus and aspirasi.jenis == "aspirasi" and aspirasi.consent_at is not None
    assert kasus.wilayah == desa() and kasus.kecamatan == desa().parent
    assert Lampiran.objects.get().kasus == kasus
    entry = Riwayat.objects.get(kasus=kasus)
    assert entry.kind == "aspirasi.submitted" and entry.visibility == "publik"
    page = client.get(response.url).content.decode()
    assert kasus.reference in page and kasus.tracking_token in page
    (email,) = mail.outbox
    assert email.to == [warga.email] and kasus.reference in email.subject and kasus.tracking_token in email.body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_waits_for_a_guest_to_confirm_the_email_link(client):
    response = client.post(SUBMIT, form_data())
    kasus = Kasus.objects.get()
    assert kasus.confirmed_at is None and not Kasus.objects.confirmed().exists()
    page = client.get(response.url).content.decode()
    assert "siti.rahayu@example.org" in page and "7 hari" in page
    (email,) = mail.outbox
    assert email.to == ["siti.rahayu@example.org"] and kasus.reference in email.subject
    other = client.__class__(enforce_csrf_checks=True)
    # Opening the link (as a mail scanner does) only shows the button.
    page = other.get(confirm_link(email))
    assert (
        page.status_code == 200
        and "Konfirmasi laporan" in page.content.decode()
        and 'method="post"' in page.content.decode()
    )
    kasus.refresh_from_db()
    assert kasus.confirmed_at is None
    assert other.post(confirm_link(email)).status_code == 403  # no CSRF token
    response = other.post(confirm_link(email), {"csrfmiddlewaretoken": page.context["csrf_token"]})
    assert response.status_code == 302 and response.url == reverse("kasus:track_detail", args=[kasus.tracking_token])
    kasus.refresh_from_db()
    assert kasus.confirmed_at is not None and kasus.due_at is not None
    assert Riwayat.objects.filter(kasus=kasus, kind="kasus.confirmed").count() == 1
    assert kasus.tracking_token in mail.outbox[-1].body
    # A second click is harmless.
    assert other.get(confirm_link(email)).status_code == 200
    assert other.post(confirm_link(email), {"csrfmiddlewaretoken": page.context["csrf_token"]}).status_code == 302
    assert Riwayat.objects.filter(kasus=kasus, kind="kasus.confirmed").count() == 1


@pytest.mark.django_db
def test_the_confirmation_email_is_one_a_guest_cannot_opt_out_of(client):
    # Confirming is what the guest must do for the case to count; a link to "only the essentials" has no place here.
    client.post(SUBMIT, form_data())
    email = OutboxEmail.objects.get(template="aspirasi_confirm")
    assert "List-Unsubscribe" not in email.headers and "/berhenti/" not in email.body_text


@pytest.mark.django_db
def test_it_refuses_an_expired_or_tampered_confirmation_link(client, monkeypatch):
    client.post(SUBMIT, form_data())
    aspirasi = Aspirasi.objects.get()
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - 8 * 24 * 3600)
    old = services.confirm_token(aspirasi)
    monkeypatch.setattr(signing.time, "time", real_time)
    for method in (client.get, client.post):
        response = method(reverse("aspirasi:confirm", args=[old]))
        assert response.status_code == 400 and "kedaluwarsa" in response.content.decode()
        response = method(reverse("aspirasi:confirm", args=[services.confirm_token(aspirasi) + "x"]))
        assert response.status_code == 400 and "tidak sah" in response.content.decode()
    assert Kasus.objects.get().confirmed_at is None


@pytest.mark.django_db
def test_it_shows_an_anonymous_guests_tracking_link_once_with_a_warning(client):
    data = form_data(is_anonymous="on", reporter_name="", reporter_email="", reporter_phone="")
    response = client.post(SUBMIT, data)
    kasus = Kasus.objects.get()
    assert kasus.is_anonymous and kasus.confirmed_at is not None and kasus.reporter_name == ""
    page = client.get(response.url).content.decode()
    assert kasus.tracking_token in page and "hanya menampilkannya sekali" in page
    again = client.get(response.url).content.decode()
    assert kasus.tracking_token not in again


@pytest.mark.django_db
def test_it_requires_a_name_and_email_unless_anonymous(client):
    response = client.post(SUBMIT, form_data(reporter_name="", reporter_email=""))
    html = response.content.decode()
    assert "Tuliskan nama Anda" in html and "Tuliskan email Anda" in html
    assert not Kasus.objects.exists()


@pytest.mark.django_db
def test_it_requires_consent_and_keeps_the_values(client):
    response = client.post(SUBMIT, form_data(consent=None, title="Saluran air tersumbat"))
    html = response.content.decode()
    assert "Persetujuan diperlukan" in html and "Saluran air tersumbat" in html
    assert not Kasus.objects.exists()


@pytest.mark.django_db
def test_it_makes_one_case_from_a_double_submit(client):
    data = form_data()
    first = client.post(SUBMIT, data)
    second = client.post(SUBMIT, data)
    assert first.status_code == second.status_code == 302
    assert Kasus.objects.count() == 1 and Aspirasi.objects.count() == 1
    assert len(mail.outbox) <= 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_makes_one_case_from_two_simultaneous_submits():
    key = "a" * 32

    def submit():
        return services.aspirasi_submit(
            jenis="aspirasi", title="Sama", description="Isi", wilayah=kecamatan(), idempotency_key=key
        ).kasus.pk

    outcomes = at_once(submit, submit)
    assert errors(outcomes) == []
    assert outcomes[0].value == outcomes[1].value
    assert Kasus.objects.count() == 1 and Aspirasi.objects.count() == 1


@pytest.mark.django_db
def test_it_pretends_success_to_a_bot_that_fills_the_honeypot(client):
    response = client.post(SUBMIT, form_data(website="http://spam.example"))
    assert response.status_code == 302 and response.url == reverse("aspirasi:sent")
    assert not Kasus.objects.exists()
    assert "Terima kasih" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_it_rate_limits_per_ip_address(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "2/3600"
    for i in range(2):
        client.post(SUBMIT, form_data(reporter_email=f"orang{i}@example.org"))
    response = client.post(SUBMIT, form_data(reporter_email="orang9@example.org", title="Yang ketiga"))
    html = response.content.decode()
    assert response.status_code == 200 and "Terlalu banyak kiriman" in html and "Yang ketiga" in html
    assert Kasus.objects.count() == 2


@pytest.mark.django_db
def test_it_rate_limits_per_email_across_addresses(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "2/3600"
    for i in range(2):
        client.post(SUBMIT, form_data(), REMOTE_ADDR=f"10.0.0.{i}")
    response = client.post(SUBMIT, form_data(), REMOTE_ADDR="10.0.0.9")
    assert "Terlalu banyak kiriman" in response.content.decode()
    assert Kasus.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_a_desa_outside_the_chosen_kecamatan(client):
    other_kec = kecamatan("Wonogiri") if desa().parent.nama != "Wonogiri" else kecamatan("Pracimantoro")
    response = client.post(SUBMIT, form_data(kecamatan=str(other_kec.pk)))
    assert "tidak berada di kecamatan" in response.content.decode()
    response = client.post(SUBMIT, form_data(kecamatan="", desa=""))
    assert "Pilih kecamatan" in response.content.decode()
    assert not Kasus.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "abc", "-1", "a kecamatan"])
def test_it_refuses_a_desa_that_is_not_in_the_list_and_keeps_what_was_typed(client, value):
    posted = str(kecamatan("Wonogiri").pk) if value == "a kecamatan" else value
    response = client.post(SUBMIT, form_data(kecamatan="", desa=posted, title="Jembatan Ngadirojo retak"))
    html = response.content.decode()
    assert response.status_code == 200 and "Jembatan Ngadirojo retak" in html
    assert "Masukkan pilihan yang valid" in html
    assert not Kasus.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1.5", "a desa"])
def test_it_refuses_a_kecamatan_that_is_not_in_the_list_and_keeps_what_was_typed(client, value):
    posted = str(desa().pk) if value == "a desa" else value
    response = client.post(SUBMIT, form_data(kecamatan=posted, desa="", title="Jembatan Ngadirojo retak"))
    html = response.content.decode()
    assert response.status_code == 200 and "Jembatan Ngadirojo retak" in html
    assert "Pilih kecamatan dari daftar." in html
    assert not Kasus.objects.exists()


@pytest.mark.django_db
def test_a_kecamatan_alone_places_the_case_in_it(client):
    place = kecamatan("Wonogiri")
    client.post(SUBMIT, form_data(kecamatan=str(place.pk), desa=""))
    assert Kasus.objects.get().wilayah == place


@pytest.mark.django_db
def test_it_takes_the_kecamatan_from_the_desa_without_javascript(client):
    client.post(SUBMIT, form_data(kecamatan=""))
    assert Kasus.objects.get().kecamatan == desa().parent


@pytest.mark.django_db
def test_it_lists_the_desa_of_a_kecamatan_for_htmx(client):
    kec = desa().parent
    html = client.get(reverse("aspirasi:desa_options"), {"kecamatan": kec.pk}).content.decode()
    assert desa().nama in html and html.count("<option") == kec.children.count() + 1


@pytest.mark.django_db
def test_it_lists_no_desa_for_a_bad_kecamatan(client):
    html = client.get(reverse("aspirasi:desa_options"), {"kecamatan": "x'; drop"}).content.decode()
    assert html.count("<option") == 1
