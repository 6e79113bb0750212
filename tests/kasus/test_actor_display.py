"""Who a timeline entry names: the reporter's actions are "Pelapor", never "Sistem", never a hidden identity."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.akun.models import User
from portal.kasus import selectors, services
from portal.kasus.models import Kasus
from tests.aspirasi.factories import submit
from tests.factories import OpdFactory, UserFactory, staff

pytestmark = pytest.mark.django_db

NAME = "Siti Rahmawati Anonim"


def actors(html: str) -> list[str]:
    return [part.split("</span>", 1)[0] for part in html.split('<span class="actor">')[1:]]


def answered_by_staff(kasus: Kasus) -> User:
    """A petugas verifies and disposes `kasus`; the OPD's officer, returned, starts and answers it."""
    opd = OpdFactory()
    petugas = staff("petugas")
    services.kasus_verify(kasus_id=kasus.pk, actor=petugas)
    services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=opd)
    officer = staff("opd", opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=officer)
    services.kasus_answer(kasus_id=kasus.pk, actor=officer, answer="Sudah ditambal.")
    return officer


def anonymous_guest_case_acted_on_by_a_signed_in_resident(client, capture) -> Kasus:
    """A guest's anonymous aspirasi; later its reporter, signed in, answers and disputes through the tracking link."""
    kasus = submit(is_anonymous=True).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=staff("petugas"), question="Di RT berapa?")
    client.force_login(UserFactory(full_name=NAME))
    client.post(reverse("aspirasi:add_info", args=[kasus.tracking_token]), {"message": "RT 03 RW 01."})
    officer = answered_by_staff(kasus)
    with capture(execute=True):
        response = client.post(reverse("aspirasi:dispute", args=[kasus.tracking_token]), {"reason": "Masih berlubang."})
    assert response.status_code == 302
    kasus.refresh_from_db()
    kasus.officer = officer
    return kasus


def test_it_shows_the_opd_page_the_reporter_not_the_signed_in_residents_name(
    client, django_capture_on_commit_callbacks
):
    kasus = anonymous_guest_case_acted_on_by_a_signed_in_resident(client, django_capture_on_commit_callbacks)
    client.force_login(kasus.officer)
    html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert NAME not in html
    assert actors(html).count("Pelapor") == 3  # the submission, the added information, the dispute


def test_it_names_the_reporter_in_the_opd_email_without_their_name(client, django_capture_on_commit_callbacks):
    kasus = anonymous_guest_case_acted_on_by_a_signed_in_resident(client, django_capture_on_commit_callbacks)
    (email,) = [m for m in mail.outbox if kasus.officer.email in m.to and "Masih berlubang." in m.body]
    assert "Oleh: Pelapor" in email.body
    assert NAME not in email.body


def test_it_exports_the_timeline_with_the_reporter_not_their_name(client, django_capture_on_commit_callbacks):
    kasus = anonymous_guest_case_acted_on_by_a_signed_in_resident(client, django_capture_on_commit_callbacks)
    client.force_login(kasus.officer)
    response = client.get(reverse("kasus:timeline_csv", args=[kasus.reference]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    by_kind = {row[1]: row[2] for row in rows[1:]}
    assert by_kind["Informasi tambahan diterima"] == "Pelapor"
    assert by_kind["Jawaban disanggah"] == "Pelapor"
    assert NAME not in response.content.decode()


def test_it_shows_the_name_to_petugas_who_may_see_the_identity(client, django_capture_on_commit_callbacks):
    kasus = anonymous_guest_case_acted_on_by_a_signed_in_resident(client, django_capture_on_commit_callbacks)
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert NAME in actors(html)


def test_it_credits_a_guests_accept_to_the_reporter_never_to_the_system(client):
    kasus = submit(reporter_name="Budi Santoso").kasus
    answered_by_staff(kasus)
    client.post(reverse("aspirasi:accept", args=[kasus.tracking_token]), {"rating": "5", "comment": "Terima kasih"})

    public = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert actors(public)[-1] == "Pelapor"
    client.force_login(staff("petugas"))
    staff_html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert actors(staff_html)[0] == actors(staff_html)[-1] == "Budi Santoso"  # submitted and accepted
    assert "Sistem" not in actors(staff_html)


def test_it_keeps_sistem_for_the_portals_own_periodic_work(client):
    kasus = submit(reporter=UserFactory()).kasus
    opd = OpdFactory()
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    services.kasus_answer(kasus_id=kasus.pk, actor=staff("opd", opd=opd), answer="Selesai.")
    services.kasus_autoclose_answered(now=timezone.now() + dt.timedelta(days=60))
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert actors(html)[-1] == "Sistem"


def public_entry_by(kasus: Kasus, actor: User) -> None:
    services.kasus_log(kasus=kasus, kind="kasus.info_received", visibility="publik", message="Tambahan", actor=actor)


def test_a_superuser_without_a_role_is_pemkab_staff_and_a_resident_is_warga_on_the_tracking_page(client):
    kasus = submit().kasus
    public_entry_by(kasus, UserFactory(is_superuser=True, full_name="Admin Tanpa Peran"))
    public_entry_by(kasus, UserFactory(full_name="Warga Lain Bernama"))
    html = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
    assert actors(html)[-2:] == ["Petugas Pemkab", "Warga"]
    assert "Admin Tanpa Peran" not in html and "Warga Lain Bernama" not in html


def timeline_queries(kasus: Kasus, django_assert_max_num_queries) -> int:
    """Queries to read the timeline and name its actors; asserts the labels while counting."""
    with django_assert_max_num_queries(10) as queries:
        entries = selectors.present_entries(
            list(selectors.timeline(kasus)), kasus, sees_identity=False, staff_view=False
        )
    assert {entry.actor_label for entry in entries if entry.actor_id} <= {"Pelapor", "Petugas Pemkab"}
    return len(queries)


def test_the_timeline_reads_its_actors_roles_in_one_query_however_many_actors(django_assert_max_num_queries):
    few, many = submit().kasus, submit().kasus
    public_entry_by(few, staff("petugas"))
    for role in ("petugas", "protokol", "pimpinan", "admin"):
        public_entry_by(many, staff(role))
    assert timeline_queries(few, django_assert_max_num_queries) == 2  # the entries, the actors' roles
    assert timeline_queries(many, django_assert_max_num_queries) == 2
