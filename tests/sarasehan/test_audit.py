"""Staff actions on a sarasehan leave an audit entry with their actor."""

import pytest
from django.utils import timezone

from portal.audit.models import AuditEntry
from sarasehan import services
from sarasehan.models import PendaftaranSarasehan, Sarasehan
from tests.factories import staff

from .factories import move, register, sarasehan

pytestmark = pytest.mark.django_db


def entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_creating_a_sarasehan_is_audited():
    protokol = staff("protokol")
    s = sarasehan(publish=False, actor=protokol)
    created = entry("sarasehan.created")
    assert created.actor == protokol and created.object_id == str(s.pk) and created.changes["capacity"] == 10


def test_publishing_is_audited():
    protokol = staff("protokol")
    s = sarasehan(publish=False)
    services.sarasehan_publish(sarasehan_id=s.pk, actor=protokol)
    published = entry("sarasehan.published")
    assert published.actor == protokol and published.changes["status"] == ["draf", "terbit"]


def test_a_change_is_audited_with_before_and_after():
    protokol = staff("protokol")
    s = sarasehan()
    services.sarasehan_update(sarasehan_id=s.pk, actor=protokol, venue="Balai Desa")
    changed = entry("sarasehan.changed")
    assert changed.actor == protokol and changed.changes == {"venue": ["Pendapa Kecamatan", "Balai Desa"]}


def test_cancelling_is_audited():
    protokol = staff("protokol")
    s = sarasehan()
    services.sarasehan_cancel(sarasehan_id=s.pk, actor=protokol, reason="Banjir")
    cancelled = entry("sarasehan.cancelled")
    assert cancelled.actor == protokol and cancelled.changes["cancel_reason"] == ["", "Banjir"]


def test_publishing_the_notulen_is_audited():
    protokol = staff("protokol")
    s = move(sarasehan(), starts_at=timezone.now())
    services.notulen_publish(sarasehan_id=s.pk, actor=protokol, notulen="Tiga persoalan dibahas.")
    assert entry("sarasehan.notulen_published").actor == protokol


def test_raising_the_capacity_promotes_the_waitlist_and_is_audited():
    protokol = staff("protokol")
    s = sarasehan(capacity=1)
    _seated, waiting = register(s, 2)
    services.sarasehan_change_capacity(sarasehan_id=s.pk, actor=protokol, capacity=2)
    waiting.refresh_from_db()
    s.refresh_from_db()
    assert waiting.status == PendaftaranSarasehan.Status.TERDAFTAR and s.confirmed_count == 2
    changed = entry("sarasehan.capacity_changed")
    assert changed.actor == protokol and changed.changes == {"capacity": [1, 2]}


def test_the_capacity_cannot_go_below_the_seats_taken():
    s = sarasehan(capacity=3)
    register(s, 2)
    with pytest.raises(services.SarasehanError, match="2 kursi"):
        services.sarasehan_change_capacity(sarasehan_id=s.pk, actor=staff("protokol"), capacity=1)
    assert Sarasehan.objects.get(pk=s.pk).capacity == 3
    assert not AuditEntry.objects.filter(action="sarasehan.capacity_changed").exists()


def test_staff_cancelling_a_registration_keeps_the_row_frees_the_seat_and_is_audited():
    admin = staff("admin")
    s = sarasehan(capacity=1)
    seated, waiting = register(s, 2)
    services.pendaftaran_cancel(pendaftaran_id=seated.pk, actor=admin)
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == PendaftaranSarasehan.Status.DIBATALKAN
    assert waiting.status == PendaftaranSarasehan.Status.TERDAFTAR
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 1
    assert entry("sarasehan.registration_cancelled").actor == admin
