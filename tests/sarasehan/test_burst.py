"""Concurrency on PostgreSQL: real threads, each with its own connection, all released at once."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from portal.kasus.models import OutboxEmail
from sarasehan import services
from sarasehan.models import PendaftaranSarasehan, Sarasehan

from .factories import sarasehan

S = PendaftaranSarasehan.Status
# PostgreSQL allows 100 connections and other test runs share it: 40 workers keep 40 in flight at once.
WORKERS = 40


def _run_concurrently(fn, items):
    barrier = threading.Barrier(WORKERS)
    chunks = [items[i::WORKERS] for i in range(WORKERS)]

    def worker(chunk):
        results = []
        try:
            barrier.wait(timeout=30)
            for item in chunk:
                try:
                    results.append(("ok", fn(item)))
                except Exception as exc:  # noqa: BLE001 - the test counts every escaping exception
                    results.append(("error", repr(exc)))
        finally:
            connection.close()
        return results

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return [r for chunk in pool.map(worker, chunks) for r in chunk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_seats_300_of_500_at_once_and_promotes_in_order():
    s = sarasehan(capacity=300)

    def register(i):
        return services.pendaftaran_create(sarasehan_id=s.pk, name=f"Warga {i}", email=f"burst{i}@example.org")

    results = _run_concurrently(register, list(range(500)))
    errors = [r for kind, r in results if kind == "error"]
    assert errors == []
    counts = Counter(PendaftaranSarasehan.objects.filter(sarasehan=s).values_list("status", flat=True))
    assert counts == {S.TERDAFTAR: 300, S.MENUNGGU: 200}
    s.refresh_from_db()
    assert s.confirmed_count == 300
    sent = Counter(OutboxEmail.objects.filter(template="sarasehan_registered").values_list("to", flat=True))
    assert len(sent) == 500 and set(sent.values()) == {1}

    # Arrival order: every waiting registration came after the last seat was taken.
    seated_last = PendaftaranSarasehan.objects.filter(sarasehan=s, status=S.TERDAFTAR).order_by("-created_at")[0]
    first_waiting = PendaftaranSarasehan.objects.filter(sarasehan=s, status=S.MENUNGGU).order_by("created_at")[0]
    assert first_waiting.created_at >= seated_last.created_at

    waiting_order = list(
        PendaftaranSarasehan.objects.filter(sarasehan=s, status=S.MENUNGGU)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    leaving = list(
        PendaftaranSarasehan.objects.filter(sarasehan=s, status=S.TERDAFTAR).order_by("?").values_list("pk", flat=True)
    )[:10]
    results = _run_concurrently(lambda pk: services.pendaftaran_cancel(pendaftaran_id=pk), leaving)
    assert [r for kind, r in results if kind == "error"] == []
    promoted = set(
        PendaftaranSarasehan.objects.filter(sarasehan=s, promoted_at__isnull=False).values_list("pk", flat=True)
    )
    assert promoted == set(waiting_order[:10])
    promoted_in_order = list(
        PendaftaranSarasehan.objects.filter(pk__in=promoted).order_by("promoted_at", "pk").values_list("pk", flat=True)
    )
    assert promoted_in_order == waiting_order[:10]
    counts = Counter(PendaftaranSarasehan.objects.filter(sarasehan=s).values_list("status", flat=True))
    assert counts == {S.TERDAFTAR: 300, S.MENUNGGU: 190, S.DIBATALKAN: 10}
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 300
    assert OutboxEmail.objects.filter(template="sarasehan_promoted").count() == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_email_at_once_registers_once():
    s = sarasehan(capacity=5)

    def register(i):
        return services.pendaftaran_create(sarasehan_id=s.pk, name="Sama", email="sama@example.org")

    results = _run_concurrently(register, list(range(WORKERS)))
    kinds = Counter(kind for kind, _r in results)
    assert kinds["ok"] == 1 and all("SudahTerdaftar" in r for kind, r in results if kind == "error")
    assert PendaftaranSarasehan.objects.count() == 1
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 1
