"""A guest reporter (no account, so no preferences page) can stop the step emails of their case from the email
itself: a signed link and RFC 8058 one-click headers switch the case to the answer and requests for information."""

import pytest
from django.test import Client

from portal.kasus import services
from portal.kasus.models import Kabar, OutboxEmail, Pengikut
from tests.factories import UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db

GUEST = "tamu.pelapor@example.org"


def guest_case():
    return open_kasus(reporter_name="Tamu Pelapor", reporter_email=GUEST)


def step_email_to_the_guest(kasus) -> OutboxEmail:
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    return OutboxEmail.objects.get(to=GUEST, template="kasus_status")


def one_click(email: OutboxEmail):
    """What a mail client does with the header: POST without session or CSRF token."""
    url = email.headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    return Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})


def test_a_step_email_to_a_guest_reporter_carries_the_link_and_one_click_headers():
    email = step_email_to_the_guest(guest_case())
    link = email.headers["List-Unsubscribe"].strip("<>")
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/berhenti/" in link and link in email.body_text


def test_the_one_click_post_leaves_the_guest_only_the_essentials():
    kasus = guest_case()
    assert one_click(step_email_to_the_guest(kasus)).status_code == 200
    assert Pengikut.objects.get(kasus=kasus, email=GUEST).kabar == Kabar.PENTING


def test_after_the_one_click_the_answer_and_requests_for_information_still_reach_the_guest():
    kasus = guest_case()
    one_click(step_email_to_the_guest(kasus))
    OutboxEmail.objects.all().delete()
    services.kasus_request_info(kasus_id=kasus.pk, actor=staff("petugas"), question="Di RT berapa?")
    services.kasus_info_received(kasus_id=kasus.pk, actor=None, message="RT 03.")
    sent = list(OutboxEmail.objects.filter(to=GUEST).values_list("template", flat=True))
    assert sent == ["kasus_info_requested"]


def test_an_essential_email_to_a_guest_has_no_opt_out():
    kasus = guest_case()
    services.kasus_request_info(kasus_id=kasus.pk, actor=staff("petugas"), question="Di RT berapa?")
    email = OutboxEmail.objects.get(to=GUEST, template="kasus_info_requested")
    assert "List-Unsubscribe" not in email.headers and "/berhenti/" not in email.body_text


def test_opening_the_link_only_asks_for_confirmation():
    kasus = guest_case()
    email = step_email_to_the_guest(kasus)
    url = email.headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    page = Client().get(url)
    assert page.status_code == 200 and "Hanya email yang penting" in page.content.decode()
    assert Pengikut.objects.get(kasus=kasus, email=GUEST).kabar == ""


def test_a_reporter_with_an_account_gets_the_preferences_page_not_the_guest_link():
    reporter = UserFactory()
    kasus = open_kasus(reporter=reporter)
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    email = OutboxEmail.objects.get(to=reporter.email, template="kasus_status")
    assert "List-Unsubscribe" not in email.headers and "/berhenti/" not in email.body_text


def test_the_guest_link_changes_nothing_for_an_address_that_is_not_the_cases_guest_reporter():
    from portal.ikuti.services import unsubscribe

    kasus = guest_case()
    assert unsubscribe(kind="r", key=kasus.pk, email="orang.lain@example.org") == 0
    assert Pengikut.objects.get(kasus=kasus, email=GUEST).kabar == ""
