"""The shared timeline is written in the portal's language whoever acts; errors stay in the actor's."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from portal.kasus.models import Riwayat, TindakLanjut
from sarasehan import services
from tests.factories import OpdFactory, UserFactory, open_kasus, staff

from .factories import sarasehan

pytestmark = pytest.mark.django_db


def messages(kasus, kind: str) -> list[str]:
    return [entry.text for entry in Riwayat.objects.filter(kasus=kasus, kind=kind)]


def test_it_writes_registration_and_agenda_entries_in_indonesian_for_an_english_actor():
    s = sarasehan()
    warga = UserFactory()
    own, agenda = open_kasus(reporter=warga), open_kasus()
    with translation.override("en"):
        services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=warga, kasus_id=own.pk)
        guest = services.pendaftaran_create(
            sarasehan_id=s.pk, name="Wati", email="wati@example.org", topic="Irigasi kering", language="en"
        )
        services.agenda_add_cases(sarasehan_id=s.pk, actor=staff("protokol"), kasus_ids=[agenda.pk])
    assert messages(own, "sarasehan.registered") == [f"Pelapor akan menyampaikan kasus ini di sarasehan {s.title}."]
    assert messages(guest.kasus, "sarasehan.registered") == [
        f"Persoalan didaftarkan untuk disampaikan di sarasehan {s.title}."
    ]
    (entry,) = messages(agenda, "sarasehan.agenda")
    assert entry.startswith(f"Kasus ini masuk agenda sarasehan {s.title}, ")


def test_it_writes_points_answers_and_commitments_in_indonesian_but_errors_in_english():
    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    kasus, opd = open_kasus(), OpdFactory()
    with translation.override("en"):
        services.poin_record(
            sarasehan_id=s.pk,
            actor=staff("protokol"),
            speaker_name="Kades",
            content="Jembatan rusak",
            kasus_reference=kasus.reference,
            answer="Akan disurvei",
            followup="Perbaikan jembatan",
            followup_opd=opd,
            followup_due=timezone.localdate() + dt.timedelta(days=30),
        )
        with pytest.raises(services.SarasehanError, match="Case KSS-X not found"):
            services.poin_record(
                sarasehan_id=s.pk, actor=staff(), speaker_name="A", content="B", kasus_reference="KSS-X"
            )
    (raised,) = messages(kasus, "sarasehan.raised")
    assert raised.startswith(f"Disampaikan di sarasehan {s.title} (") and raised.endswith("): Jembatan rusak")
    assert messages(kasus, "sarasehan.answered") == ["Dijawab di tempat oleh pejabat: Akan disurvei"]
    assert TindakLanjut.objects.get(kasus=kasus).source.startswith(f"Sarasehan {s.title}, ")


def test_it_opens_a_case_for_a_point_raised_with_an_indonesian_first_entry():
    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    with translation.override("en"):
        poin = services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="Bu Sri", content="Air bersih")
    assert messages(poin.kasus, "sarasehan.raised")[0].startswith(f"Disampaikan di sarasehan {s.title} (")
