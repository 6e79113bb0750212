"""Notification preferences: residents choose every step or only the essentials; staff take a daily digest."""

import pytest
from django.urls import reverse

from portal.kasus import services
from portal.kasus.digest import staff_digest_send
from portal.kasus.models import Kabar, OutboxEmail, Pengikut, PreferensiNotifikasi
from portal.kasus.outbox import outbox_deliver
from tests.factories import OpdFactory, UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def templates_to(email: str) -> list[str]:
    return list(OutboxEmail.objects.filter(to=email).order_by("pk").values_list("template", flat=True))


def test_a_reporter_who_chose_only_essentials_gets_no_step_email_but_gets_the_request_for_information():
    reporter = UserFactory()
    PreferensiNotifikasi.objects.create(user=reporter, kabar=Kabar.PENTING)
    kasus = open_kasus(reporter=reporter)
    OutboxEmail.objects.all().delete()
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    services.kasus_request_info(kasus_id=kasus.pk, actor=staff("petugas"), question="Di RT berapa?")
    assert templates_to(reporter.email) == ["kasus_info_requested"]


def test_a_reporter_gets_every_step_by_default_with_a_link_to_the_email_choices():
    reporter = UserFactory()
    kasus = open_kasus(reporter=reporter)
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    email = OutboxEmail.objects.get(to=reporter.email, template="kasus_status")
    assert reverse("kasus:preferences") in email.body_text


def test_a_per_case_choice_overrides_the_account_choice():
    reporter = UserFactory()
    PreferensiNotifikasi.objects.create(user=reporter, kabar=Kabar.PENTING)
    kasus = open_kasus(reporter=reporter)
    services.pengikut_set_kabar(kasus=kasus, user=reporter, kabar=Kabar.SEMUA)
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    assert "kasus_status" in templates_to(reporter.email)


def test_a_follower_who_chose_only_essentials_gets_the_answer_but_not_the_steps():
    kasus = open_kasus()
    follower = UserFactory()
    services.pengikut_add(kasus=kasus, user=follower)
    services.pengikut_set_kabar(kasus=kasus, user=follower, kabar=Kabar.PENTING)
    opd = OpdFactory()
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    services.kasus_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=staff("opd", opd=opd))
    services.kasus_answer(kasus_id=kasus.pk, actor=staff("opd", opd=opd), answer="Sudah ditambal.")
    assert templates_to(follower.email) == ["kasus_answered"]


def test_a_guest_follower_gets_every_step():
    kasus = open_kasus()
    services.pengikut_add(kasus=kasus, email="tamu@example.org")
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    assert templates_to("tamu@example.org") == ["kasus_status"]


def test_the_resident_chooses_for_one_case_on_its_page(client):
    reporter = UserFactory()
    kasus = open_kasus(reporter=reporter)
    client.force_login(reporter)
    page = client.get(reverse("kasus:mine_detail", args=[kasus.reference])).content.decode()
    assert reverse("kasus:mine_kabar", args=[kasus.reference]) in page
    response = client.post(reverse("kasus:mine_kabar", args=[kasus.reference]), {"kabar": "penting"})
    assert response.status_code == 302
    assert Pengikut.objects.get(kasus=kasus, user=reporter).kabar == "penting"


def test_a_bad_per_case_choice_changes_nothing(client):
    reporter = UserFactory()
    kasus = open_kasus(reporter=reporter)
    client.force_login(reporter)
    response = client.post(reverse("kasus:mine_kabar", args=[kasus.reference]), {"kabar": "semua-nya"})
    assert response.status_code == 302
    assert Pengikut.objects.get(kasus=kasus, user=reporter).kabar == ""


def test_the_resident_chooses_for_every_case_on_the_account_page(client):
    resident = UserFactory()
    client.force_login(resident)
    page = client.get(reverse("kasus:preferences")).content.decode()
    assert 'name="digest"' not in page
    response = client.post(reverse("kasus:preferences"), {"kabar": "penting", "digest": "on"})
    assert response.status_code == 302
    pref = PreferensiNotifikasi.objects.get(user=resident)
    assert pref.kabar == "penting" and pref.digest is False


def test_the_preferences_page_answers_bad_input_with_an_error_not_a_crash(client):
    client.force_login(UserFactory())
    response = client.post(reverse("kasus:preferences"), {"kabar": "x"})
    assert response.status_code == 400
    assert not PreferensiNotifikasi.objects.exists()


def test_an_officer_with_the_digest_gets_disposition_notices_held_not_sent():
    opd = OpdFactory(email="")
    officer = staff("opd", opd=opd)
    PreferensiNotifikasi.objects.create(user=officer, digest=True)
    other = staff("opd", opd=opd)
    kasus = open_kasus()
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    services.kasus_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=opd)
    held = OutboxEmail.objects.get(to=officer.email, template="kasus_disposed")
    assert held.state == OutboxEmail.State.DIGEST
    assert OutboxEmail.objects.get(to=other.email, template="kasus_disposed").state != OutboxEmail.State.DIGEST
    assert outbox_deliver(outbox_id=held.pk) is False


def test_the_daily_digest_sends_one_email_per_officer_with_a_path_to_the_choices():
    opd = OpdFactory(email="")
    officer = staff("opd", opd=opd)
    PreferensiNotifikasi.objects.create(user=officer, digest=True)
    for _ in range(2):
        kasus = open_kasus()
        services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
        services.kasus_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=opd)
    assert staff_digest_send() == 1
    digest = OutboxEmail.objects.get(to=officer.email, template="staff_digest")
    assert digest.body_text.count("==") == 4
    assert reverse("kasus:preferences") in digest.body_text
    assert not OutboxEmail.objects.filter(state=OutboxEmail.State.DIGEST).exists()
    assert staff_digest_send() == 0


def test_staff_choose_the_digest_on_the_preferences_page(client):
    officer = staff("opd")
    client.force_login(officer)
    client.post(reverse("kasus:preferences"), {"kabar": "semua", "digest": "on"})
    assert PreferensiNotifikasi.objects.get(user=officer).digest is True


def test_a_routine_staff_notice_sent_on_its_own_links_to_the_email_choices():
    opd = OpdFactory(email="")
    officer = staff("opd", opd=opd)
    kasus = open_kasus()
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    services.kasus_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=opd)
    notice = OutboxEmail.objects.get(to=officer.email, template="kasus_disposed")
    assert reverse("kasus:preferences") in notice.body_text
