import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from icalendar import Calendar

from audiensi import services
from tests.factories import staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db


def test_it_attaches_an_ics_that_parses_back(django_capture_on_commit_callbacks):
    pejabat = open_availability()
    pejabat.email = "bupati@wonogirikab.go.id"
    pejabat.save()
    audiensi = request_audiensi(pejabat)
    with django_capture_on_commit_callbacks(execute=True):
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    filename, content, mimetype = mail.outbox[-1].attachments[0]
    assert (filename, mimetype) == ("audiensi.ics", "text/calendar")
    cal = Calendar.from_ical(content)
    assert cal["method"] == "REQUEST"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    event = cal.walk("VEVENT")[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == audiensi.starts_at and end == audiensi.ends_at
    assert start.tzinfo == zoneinfo.ZoneInfo("Asia/Jakarta") and event["dtstart"].params["TZID"] == "Asia/Jakarta"
    assert end - start == dt.timedelta(minutes=30)
    assert str(event["organizer"]) == "mailto:bupati@wonogirikab.go.id"
    assert event["organizer"].params["CN"] == pejabat.jabatan
    assert str(event["location"]) == pejabat.lokasi
    assert str(event["uid"]) == f"audiensi-{audiensi.pk}@audiensi.wonogirikab.go.id"
    assert str(event["attendee"]) == f"mailto:{audiensi.pemohon.email}"


def test_it_serves_the_private_feed_of_confirmed_audiensi_only(client):
    pejabat = open_availability()
    confirmed = request_audiensi(pejabat, index=0)
    services.audiensi_confirm(audiensi_id=confirmed.pk, actor=staff("protokol"))
    request_audiensi(pejabat, index=0)  # still waiting: not in the feed
    token = pejabat.pengaturan_audiensi.feed_token
    response = client.get(f"/petugas/audiensi/feed/{pejabat.slug}/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"audiensi-{confirmed.pk}@audiensi.wonogirikab.go.id"]
    assert "attendee" not in events[0]
    assert client.get(f"/petugas/audiensi/feed/{pejabat.slug}/wrong-token.ics").status_code == 404


def test_it_attaches_a_cancellation_with_the_same_uid(django_capture_on_commit_callbacks):
    audiensi = request_audiensi(open_availability())
    with django_capture_on_commit_callbacks(execute=True):
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
        services.audiensi_cancel(audiensi_id=audiensi.pk, actor=audiensi.pemohon, reason="Sakit")
    invitation = Calendar.from_ical(mail.outbox[-2].attachments[0][1]).walk("VEVENT")[0]
    cal = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    cancel = cal.walk("VEVENT")[0]
    assert cal["method"] == "CANCEL" and cancel["status"] == "CANCELLED"
    assert cancel["uid"] == invitation["uid"] and cancel["sequence"] >= invitation["sequence"]
