import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus.models import Kasus, OutboxEmail
from sarasehan import selectors, services
from sarasehan.models import PendaftaranSarasehan, PoinSarasehan, Sarasehan
from tests.factories import OpdFactory, UserFactory, desa, kecamatan, open_kasus, staff

from .factories import emailed_registration, move, on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db
S = PendaftaranSarasehan.Status


def detail_url(s):
    return reverse("sarasehan:detail", args=[s.slug])


def test_it_lists_upcoming_and_past_with_fixed_queries(client, django_assert_max_num_queries):
    for i in range(5):
        sarasehan(title=f"Mendatang {i}")
        past = sarasehan(title=f"Lalu {i}")
        move(past, starts_at=timezone.now() - dt.timedelta(days=3 + i), ends_at=timezone.now() - dt.timedelta(days=2))
    sarasehan(title="Draf tersembunyi", publish=False)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("sarasehan:list"))
    body = response.content.decode()
    assert response.status_code == 200 and "Mendatang 4" in body and "Lalu 4" in body
    assert "Draf tersembunyi" not in body


def test_the_home_page_shows_the_next_three(client, django_assert_max_num_queries):
    for i in range(5):
        sarasehan(title=f"Forum {i}", starts_in=dt.timedelta(days=i + 1))
    with django_assert_max_num_queries(1):
        response = client.get("/")
    body = response.content.decode()
    assert "Forum 0" in body and "Forum 2" in body and "Forum 3" not in body


def test_the_detail_page_has_fixed_queries_for_guests_and_residents(client, django_assert_max_num_queries):
    s = sarasehan()
    s.pejabat.set([])
    services.agenda_add_cases(sarasehan_id=s.pk, actor=None, kasus_ids=[open_kasus().pk for _i in range(3)])
    register(s, 5)
    with django_assert_max_num_queries(4):
        response = client.get(detail_url(s))
    assert response.status_code == 200 and "Kursi tersisa" in response.content.decode()
    client.force_login(UserFactory())
    with django_assert_max_num_queries(8):
        assert client.get(detail_url(s)).status_code == 200


def test_the_detail_page_after_the_event_shows_notulen_and_points(client, django_assert_max_num_queries):
    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    for i in range(4):
        services.poin_record(sarasehan_id=s.pk, actor=None, speaker_name=f"Warga {i}", content=f"Persoalan {i}")
    confidential = open_kasus(is_confidential=True, title="Rahasia sekali")
    services.poin_record(
        sarasehan_id=s.pk, actor=None, speaker_name="R", content="x", kasus_reference=confidential.reference
    )
    move(s, starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1))
    services.notulen_publish(sarasehan_id=s.pk, actor=None, notulen="Bupati membuka acara.")
    with django_assert_max_num_queries(4):
        response = client.get(detail_url(s))
    body = response.content.decode()
    assert "Bupati membuka acara." in body and "Persoalan 3" in body
    assert "Rahasia sekali" not in body and "Warga 1" not in body  # no speaker names in public
    assert 'id="daftar"' not in body


def test_drafts_are_not_public(client):
    s = sarasehan(publish=False)
    assert client.get(detail_url(s)).status_code == 404
    assert client.get(reverse("sarasehan:ics", args=[s.slug])).status_code == 404


def test_the_calendar_file(client):
    s = sarasehan()
    response = client.get(reverse("sarasehan:ics", args=[s.slug]))
    assert response["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in response.content


def test_a_guest_registers_confirms_from_the_email_and_sees_the_qr_code(client):
    s = sarasehan()
    response = client.post(
        detail_url(s),
        {"name": "Sumarni", "email": "Sumarni@example.org", "phone": "0812", "desa": desa().pk, "topic": ""},
    )
    reg = PendaftaranSarasehan.objects.get()
    assert response.status_code == 302 and response.url == reverse("sarasehan:check_email", args=[s.slug])
    assert reg.email == "sumarni@example.org" and reg.status == S.MENUNGGU_KONFIRMASI
    assert "Periksa email Anda" in client.get(response.url).content.decode()
    body = OutboxEmail.objects.get(template="sarasehan_confirm", to=reg.email).body_text
    assert emailed_registration(body) == reg
    token = re.search(r"/sarasehan/pendaftaran/([^/\s]+)/", body).group(1)
    pending = client.get(reverse("sarasehan:registration", args=[token])).content.decode()
    assert "Konfirmasi pendaftaran" in pending and "<svg" not in pending
    confirmed = client.post(reverse("sarasehan:registration_confirm", args=[token]), follow=True)
    body = confirmed.content.decode()
    assert reg.code in body and "<svg" in body and "Batalkan pendaftaran" in body
    reg.refresh_from_db()
    assert reg.status == S.TERDAFTAR and reg.email_confirmed_at is not None


def test_a_guest_cannot_tell_whether_an_email_is_registered_and_its_owner_is_mailed(client):
    s = sarasehan()
    owner = register(s)
    taken = client.post(detail_url(s), {"name": "Orang lain", "email": "TAMU0@example.org"})
    fresh = client.post(detail_url(s), {"name": "Orang baru", "email": "baru@example.org"})
    assert (
        (taken.status_code, taken.url)
        == (fresh.status_code, fresh.url)
        == (302, reverse("sarasehan:check_email", args=[s.slug]))
    )
    again = OutboxEmail.objects.get(template="sarasehan_existing", to=owner.email)
    assert owner.code in again.body_text and emailed_registration(again.body_text) == owner
    assert [a["filename"] for a in again.attachments] == ["qr.png"]
    assert PendaftaranSarasehan.objects.filter(email=owner.email).count() == 1


def test_a_signed_in_residents_duplicate_registration_shows_a_clear_error_and_keeps_values(client):
    s = sarasehan()
    warga = UserFactory()
    services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=warga)
    client.force_login(warga)
    response = client.post(detail_url(s), {"name": "Nama lain"})
    body = response.content.decode()
    assert response.status_code == 200 and "sudah terdaftar" in body and 'value="Nama lain"' in body
    assert PendaftaranSarasehan.objects.count() == 1


def test_registration_closed_shows_no_form_and_refuses_posts(client):
    s = sarasehan()
    move(s, registration_opens_at=timezone.now() + dt.timedelta(days=1))
    response = client.get(detail_url(s))
    assert "Pendaftaran dibuka pada" in response.content.decode()
    client.post(detail_url(s), {"name": "A", "email": "a@example.org"})
    assert not PendaftaranSarasehan.objects.exists()


def test_the_honeypot_refuses_bots(client):
    s = sarasehan()
    client.post(detail_url(s), {"name": "Bot", "email": "bot@example.org", "website": "http://spam"})
    assert not PendaftaranSarasehan.objects.exists()


def test_a_signed_in_resident_registers_with_their_case_and_sees_it_in_their_account(client):
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    s = sarasehan()
    client.force_login(warga)
    response = client.post(detail_url(s), {"name": "Budi", "kasus": kasus.pk, "email": "other@example.org"})
    reg = PendaftaranSarasehan.objects.get()
    assert response.status_code == 302 and reg.user == warga and reg.email == warga.email and reg.kasus == kasus
    mine = client.get(reverse("sarasehan:mine")).content.decode()
    assert s.title in mine and reg.code in mine


def test_a_resident_cannot_bring_another_residents_case(client):
    s = sarasehan()
    foreign = open_kasus(reporter=UserFactory())
    client.force_login(UserFactory())
    response = client.post(detail_url(s), {"name": "Budi", "kasus": foreign.pk})
    assert response.status_code == 200 and not PendaftaranSarasehan.objects.exists()


def test_cancel_by_signed_link_and_tampered_links(client):
    s = sarasehan(capacity=1)
    reg, waiting, third = register(s, 3)
    token = selectors.registration_token(reg)
    response = client.post(reverse("sarasehan:registration_cancel", args=[token]), follow=True)
    assert "dibatalkan" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == S.TERDAFTAR
    again = client.post(reverse("sarasehan:registration_cancel", args=[token]), follow=True)
    assert "langkah “batalkan” tidak dapat dilakukan" in again.content.decode()
    waiting_page = client.get(reverse("sarasehan:registration", args=[selectors.registration_token(third)]))
    assert "urutan ke-1" in waiting_page.content.decode()
    bad = client.get(reverse("sarasehan:registration", args=[token[:-2] + "xx"]))
    assert bad.status_code == 404 and "Tautan tidak valid" in bad.content.decode()
    assert client.post(reverse("sarasehan:registration_cancel", args=[token + "x"])).status_code == 404


def test_staff_pages_need_the_right_role(client):
    s = sarasehan()
    client.force_login(UserFactory())
    assert client.get(reverse("sarasehan:checkin", args=[s.slug])).status_code == 403
    client.force_login(staff("opd"))
    assert client.get(reverse("sarasehan:staff_list")).status_code == 403
    client.force_login(staff("petugas"))
    assert client.get(reverse("sarasehan:checkin", args=[s.slug])).status_code == 200
    assert client.get(reverse("sarasehan:staff_create")).status_code == 403
    client.force_login(staff("protokol", mfa=False))
    assert client.get(reverse("sarasehan:staff_create")).status_code == 302


def test_protokol_creates_publishes_edits_and_cancels(client):
    client.force_login(staff("protokol"))
    start = timezone.localtime() + dt.timedelta(days=10)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title": "Sarasehan Pertanian",
        "theme": "Pupuk",
        "venue": "Pendapa Kecamatan",
        "kecamatan": kecamatan().pk,
        "starts_at": start.strftime(fmt),
        "ends_at": (start + dt.timedelta(hours=2)).strftime(fmt),
        "capacity": 50,
        "registration_opens_at": timezone.localtime().strftime(fmt),
        "registration_closes_at": (start - dt.timedelta(days=1)).strftime(fmt),
    }
    response = client.post(reverse("sarasehan:staff_create"), data)
    s = Sarasehan.objects.get()
    assert response.status_code == 302 and s.status == "draf" and s.capacity == 50
    client.post(reverse("sarasehan:staff_publish", args=[s.slug]))
    s.refresh_from_db()
    assert s.status == "terbit"
    move(s, registration_opens_at=timezone.now() - dt.timedelta(hours=1))
    register(s)
    data["venue"] = "Aula Baru"
    data["registration_opens_at"] = timezone.localtime(s.registration_opens_at).strftime(fmt)
    client.post(reverse("sarasehan:staff_edit", args=[s.slug]), data)
    assert OutboxEmail.objects.filter(template="sarasehan_changed").count() == 1
    bad = client.post(reverse("sarasehan:staff_edit", args=[s.slug]), {**data, "capacity": 0})
    assert bad.status_code == 200
    client.post(reverse("sarasehan:staff_cancel", args=[s.slug]), {"reason": "Cuaca buruk"})
    s.refresh_from_db()
    assert s.status == "dibatalkan" and OutboxEmail.objects.filter(template="sarasehan_cancelled").count() == 1


def test_the_checkin_page_has_fixed_queries_and_clear_messages(client, django_assert_max_num_queries):
    s, other = sarasehan(), sarasehan(title="Lain")
    regs = register(s, 5)
    elsewhere = register(other, prefix="lain")
    on_the_day(s)
    client.force_login(staff("petugas"))
    url = reverse("sarasehan:checkin", args=[s.slug])
    client.get(url)
    with django_assert_max_num_queries(7):
        response = client.get(url + f"?kode={regs[0].code}")
    assert response.status_code == 200 and f'value="{regs[0].code}"' in response.content.decode()
    ok = client.post(url, {"code": regs[0].code}, follow=True).content.decode()
    assert "tercatat hadir" in ok
    twice = client.post(url, {"code": regs[0].code}, follow=True).content.decode()
    assert "sudah tercatat hadir" in twice
    wrong = client.post(url, {"code": elsewhere.code}, follow=True).content.decode()
    assert "sarasehan lain" in wrong
    walk = client.post(reverse("sarasehan:walk_in", args=[s.slug]), {"name": "Mbah Darmo"}, follow=True)
    assert "peserta langsung" in walk.content.decode()
    assert PendaftaranSarasehan.objects.filter(status=S.LANGSUNG, checked_in_at__isnull=False).count() == 1


def test_staff_record_a_point_and_a_double_submit_records_it_once(client):
    s = sarasehan()
    reg = register(s)
    on_the_day(s)
    services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=None)
    opd = OpdFactory()
    client.force_login(staff("protokol"))
    url = reverse("sarasehan:points", args=[s.slug])
    page = client.get(url)
    token = page.context["form"].initial["token"]
    data = {
        "pendaftaran": reg.pk,
        "content": "Lampu jalan mati",
        "opd_answered": opd.pk,
        "answer": "Segera dicek",
        "followup": "Ganti lampu",
        "followup_opd": opd.pk,
        "followup_due": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "token": token,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    poin = PoinSarasehan.objects.get()
    assert poin.kasus.channel == "sarasehan" and Kasus.objects.count() == 1
    bad = client.post(url, {**data, "followup_opd": "", "token": "new"})
    assert bad.status_code == 200 and "OPD dan tenggat" in bad.content.decode()


def test_the_staff_detail_and_agenda_pages(client):
    s = sarasehan(capacity=1)
    register(s, 3)
    kasus = open_kasus(wilayah=desa())
    client.force_login(staff("protokol"))
    detail = client.get(reverse("sarasehan:staff_detail", args=[s.slug])).content.decode()
    assert "Daftar tunggu" in detail and "tamu2@example.org" in detail
    agenda_url = reverse("sarasehan:staff_agenda", args=[s.slug])
    listing = client.get(agenda_url).content.decode()
    assert kasus.reference in listing
    client.post(agenda_url, {"kasus": [kasus.pk], "invite": "1"})
    assert s.agenda_items.filter(kasus=kasus, invited_at__isnull=False).exists()


def test_the_case_panels_show_sarasehan_points(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore

    from portal.kasus.panels import panels_for

    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    poin = services.poin_record(sarasehan_id=s.pk, actor=None, speaker_name="Warga", content="Pupuk langka")
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    staff_panels = dict(panels_for(poin.kasus, request, "staff"))
    assert staff_panels["sarasehan/panel_staff.html"]["sarasehan_points"] == [poin]
    assert "sarasehan/panel_public.html" in dict(panels_for(poin.kasus, request, "public"))
    assert "sarasehan/panel_staff.html" not in dict(panels_for(open_kasus(), request, "staff"))

    anonymous = open_kasus(is_anonymous=True)
    services.poin_record(
        sarasehan_id=s.pk, actor=None, speaker_name="Nama Rahasia", content="x", kasus_reference=anonymous.reference
    )
    request.user = staff("opd")
    ctx = dict(panels_for(anonymous, request, "staff"))["sarasehan/panel_staff.html"]
    assert ctx["show_speaker"] is False and ctx["link_sarasehan"] is False
    request.user = staff("petugas")
    assert dict(panels_for(anonymous, request, "staff"))["sarasehan/panel_staff.html"]["show_speaker"] is True
