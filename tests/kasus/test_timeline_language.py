"""The timeline speaks the reader's language, whichever language the entry was written in."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from portal.kasus import services
from portal.kasus.kinds import registered_kinds, riwayat_text
from portal.kasus.models import Riwayat
from portal.wilayah.models import Opd
from tests.factories import UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def write(kasus, kind: str, spec, *, language: str) -> Riwayat:
    """An entry of `kind` written while the actor's language is `language`."""
    params = {name: f"<{name}>" for name in spec.params}
    with translation.override(language):
        return services.kasus_log(
            kasus=kasus, kind=kind, visibility=services.Visibility.PUBLIK, actor=None, message="", params=params
        )


def read(entry: Riwayat, language: str) -> str:
    with translation.override(language):
        return riwayat_text(Riwayat.objects.get(pk=entry.pk))


@pytest.mark.parametrize("kind", sorted(registered_kinds()))
def test_it_renders_every_registered_kind_in_the_readers_language(kind):
    spec = registered_kinds()[kind]
    kasus = open_kasus()
    by_indonesian, by_english = write(kasus, kind, spec, language="id"), write(kasus, kind, spec, language="en")
    if spec.template is None:  # only a person's own words: shown as they were written, to every reader
        words = services.kasus_log(
            kasus=kasus, kind=kind, visibility=services.Visibility.PUBLIK, actor=None, message="Jalan masih rusak."
        )
        assert read(words, "en") == read(words, "id") == "Jalan masih rusak."
        return
    indonesian, english = read(by_indonesian, "id"), read(by_indonesian, "en")
    assert english and indonesian and english != indonesian
    # Written in English, read the same way as one written in Indonesian.
    assert read(by_english, "id") == indonesian and read(by_english, "en") == english
    assert all(f"<{name}>" in english for name in spec.params if name not in {"level", "own", "accepted_proposal"})


def test_it_shows_a_disposition_with_the_agencys_name_in_each_readers_language(client):
    health = Opd.objects.get(nama="Dinas Kesehatan")
    kasus = open_kasus(reporter=UserFactory())
    petugas = staff("petugas")
    with translation.override("en"):
        services.kasus_verify(kasus_id=kasus.pk, actor=petugas)
        services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=health)
    client.force_login(staff("petugas"))
    page = reverse("kasus:detail", args=[kasus.reference])
    assert "Kasus diteruskan ke Dinas Kesehatan untuk ditindaklanjuti." in client.get(page).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(page).content.decode()
    assert "Health Office" in english and "Dinas Kesehatan" not in english


def test_it_shows_the_tracking_page_in_the_visitors_language(client):
    kasus = open_kasus(reporter=UserFactory())
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    track = reverse("kasus:track_detail", args=[kasus.tracking_token])
    assert "Kasus telah diverifikasi dan akan diteruskan ke OPD terkait." in client.get(track).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(track).content.decode()
    assert "Kasus telah diverifikasi" not in english and "Kasus dibuka melalui" not in english


def test_it_emails_the_entry_in_the_recipients_language(django_capture_on_commit_callbacks):
    kasus = open_kasus(reporter=UserFactory(language="en"))
    services.kasus_verify(kasus_id=kasus.pk, actor=staff("petugas"))
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        services.kasus_dispose(kasus_id=kasus.pk, actor=staff("petugas"), opd=Opd.objects.get(nama="Dinas Kesehatan"))
    body = mail.outbox[-1].body
    assert "Health Office" in body and "Dinas Kesehatan" not in body


def test_it_renders_dates_of_a_commitment_in_the_readers_language():
    kasus = open_kasus()
    services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=staff("petugas"),
        description="Perbaikan",
        opd=Opd.objects.get(nama="Dinas Kesehatan"),
        due_date=dt.date(2026, 8, 17),
    )
    entry = Riwayat.objects.get(kasus=kasus, kind="tindak_lanjut.added")
    assert "17 Agustus 2026" in read(entry, "id") and "Dinas Kesehatan" in read(entry, "id")
    assert "17 August 2026" in read(entry, "en") and "Health Office" in read(entry, "en")


def test_it_shows_an_entry_written_before_templates_as_it_was_stored():
    kasus = open_kasus()
    entry = Riwayat.objects.create(
        kasus=kasus, kind="kasus.autoclosed", visibility="publik", message="Teks lama.", created_at=timezone.now()
    )
    assert read(entry, "en") == read(entry, "id") == "Teks lama."


def test_it_exports_the_timeline_in_the_readers_language(client):
    kasus = open_kasus(reporter=UserFactory())
    petugas = staff("petugas")
    services.kasus_verify(kasus_id=kasus.pk, actor=petugas)
    services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=Opd.objects.get(nama="Dinas Kesehatan"))
    client.force_login(staff("petugas"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    export = client.get(reverse("kasus:timeline_csv", args=[kasus.reference])).content.decode()
    assert "Case forwarded to Health Office for follow-up." in export and "Dinas Kesehatan" not in export
