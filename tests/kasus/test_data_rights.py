"""UU PDP on the case side: retention pseudonymises closed cases; protected identities seen by staff are audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.kasus import services, tasks
from portal.kasus.models import Kasus, Riwayat
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def closed_long_ago(settings, **kwargs) -> Kasus:
    kasus = open_kasus(reporter_name="Warga Lama", reporter_email="lama@example.org", reporter_phone="0811", **kwargs)
    services.kasus_reject(kasus_id=kasus.pk, actor=None, reason="Di luar kewenangan")
    past = timezone.now() - dt.timedelta(days=settings.PDP_RETENTION_DAYS_AFTER_CLOSE + 1)
    Kasus.objects.filter(pk=kasus.pk).update(closed_at=past)
    return kasus


def test_retention_pseudonymises_a_case_closed_longer_than_the_consent_period(settings):
    kasus = closed_long_ago(settings)
    assert tasks.kasus_retention_pseudonymise() == 1
    kasus.refresh_from_db()
    assert (kasus.reporter_name, kasus.reporter_email, kasus.reporter_phone) == (services.PSEUDONYM, "", "")
    assert kasus.status == "ditolak" and kasus.title


def test_retention_is_idempotent(settings):
    closed_long_ago(settings)
    tasks.kasus_retention_pseudonymise()
    entries = Riwayat.objects.count()
    assert tasks.kasus_retention_pseudonymise() == 0
    assert Riwayat.objects.count() == entries


def test_retention_leaves_recently_closed_and_open_cases(settings):
    recent = open_kasus(reporter=UserFactory())
    services.kasus_reject(kasus_id=recent.pk, actor=None, reason="Di luar kewenangan")
    still_open = open_kasus(reporter=UserFactory())
    Kasus.objects.filter(pk=still_open.pk).update(closed_at=timezone.now() - dt.timedelta(days=4000))
    assert tasks.kasus_retention_pseudonymise() == 0
    assert Kasus.objects.filter(reporter__isnull=False).count() == 2


def test_the_consent_text_states_the_retention_period_the_setting_uses(client, settings):
    assert settings.PDP_RETENTION_DAYS_AFTER_CLOSE >= 5 * 365
    body = client.get(reverse("aspirasi:submit")).content.decode()
    assert "5 tahun setelah kasus ditutup" in body


def identity_views():
    return AuditEntry.objects.filter(action=services.IDENTITY_VIEWED)


@pytest.mark.parametrize("flags", [{"is_confidential": True}, {"is_anonymous": True}])
def test_staff_seeing_a_protected_reporter_is_audited_once_per_window(client, flags):
    kasus = open_kasus(reporter=UserFactory(), **flags)
    petugas = staff()
    client.force_login(petugas)
    url = reverse("kasus:detail", args=[kasus.reference])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    [entry] = identity_views()
    assert (entry.actor, entry.object_id) == (petugas, str(kasus.pk))


def test_an_ordinary_case_is_not_audited(client):
    kasus = open_kasus(reporter=UserFactory())
    client.force_login(staff())
    client.get(reverse("kasus:detail", args=[kasus.reference]))
    assert not identity_views().exists()


def test_staff_who_cannot_see_an_anonymous_reporter_are_not_audited(client):
    kasus = open_kasus(reporter=UserFactory(), is_anonymous=True)
    client.force_login(staff("pimpinan"))
    client.get(reverse("kasus:detail", args=[kasus.reference]))
    assert not identity_views().exists()


def test_an_admin_reads_identity_views_in_the_audit_trail(client):
    kasus = open_kasus(reporter=UserFactory(), is_confidential=True)
    client.force_login(staff())
    client.get(reverse("kasus:detail", args=[kasus.reference]))
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:audit_auditentry_changelist") + "?action=" + services.IDENTITY_VIEWED)
    assert response.status_code == 200
    assert kasus.reference in response.content.decode()


def test_the_queue_audits_each_protected_reporter_it_names_once(client):
    hidden = open_kasus(reporter=UserFactory(), is_anonymous=True)
    confidential = open_kasus(reporter=UserFactory(), is_confidential=True)
    open_kasus(reporter=UserFactory())
    petugas = staff()
    client.force_login(petugas)
    client.get(reverse("kasus:queue"))
    client.get(reverse("kasus:queue"))
    assert sorted(identity_views().values_list("object_id", flat=True)) == sorted(
        [str(hidden.pk), str(confidential.pk)]
    )


def test_the_timeline_csv_of_a_protected_case_is_audited(client):
    kasus = open_kasus(reporter=UserFactory(), is_confidential=True)
    client.force_login(staff())
    assert client.get(reverse("kasus:timeline_csv", args=[kasus.reference])).status_code == 200
    assert identity_views().get().object_id == str(kasus.pk)


def test_the_audiensi_page_of_a_protected_case_is_audited(client):
    audiensi = request_audiensi(open_availability())
    Kasus.objects.filter(pk=audiensi.kasus_id).update(is_confidential=True)
    client.force_login(staff("protokol"))
    assert client.get(reverse("audiensi:staff_detail", args=[audiensi.pk])).status_code == 200
    assert identity_views().get().object_id == str(audiensi.kasus_id)
