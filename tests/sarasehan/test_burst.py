"""Concurrency on PostgreSQL: real threads, each with its own connection, all released at once."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

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
def test_it_holds_300_of_500_at_once_seats_them_on_confirmation_and_promotes_in_order():
    s = sarasehan(capacity=300)

    def register(i):
        return services.pendaftaran_create(sarasehan_id=s.pk, name=f"Warga {i}", email=f"burst{i}@example.org")

    results = _run_concurrently(register, list(range(500)))
    errors = [r for kind, r in results if kind == "error"]
    assert errors == []
    pending = PendaftaranSarasehan.objects.filter(sarasehan=s, status=S.MENUNGGU_KONFIRMASI)
    assert pending.count() == 500 and pending.filter(hold_expires_at__isnull=False).count() == 300
    held = set(pending.filter(hold_expires_at__isnull=False).values_list("pk", flat=True))
    s.refresh_from_db()
    assert s.confirmed_count == 300
    sent = Counter(OutboxEmail.objects.filter(template="sarasehan_confirm").values_list("to", flat=True))
    assert len(sent) == 500 and set(sent.values()) == {1}

    # Everyone confirms at once: every held seat becomes its holder's, the rest queue.
    results = _run_concurrently(
        lambda pk: services.pendaftaran_confirm(pendaftaran_id=pk, actor=None),
        list(PendaftaranSarasehan.objects.filter(sarasehan=s).values_list("pk", flat=True)),
    )
    assert [r for kind, r in results if kind == "error"] == []
    counts = Counter(PendaftaranSarasehan.objects.filter(sarasehan=s).values_list("status", flat=True))
    assert counts == {S.TERDAFTAR: 300, S.MENUNGGU: 200}
    assert set(PendaftaranSarasehan.objects.filter(status=S.TERDAFTAR).values_list("pk", flat=True)) == held
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 300
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
    results = _run_concurrently(lambda pk: services.pendaftaran_cancel(pendaftaran_id=pk, actor=None), leaving)
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
    assert kinds["ok"] == 1 and all("AlreadyRegistered" in r for kind, r in results if kind == "error")
    assert PendaftaranSarasehan.objects.count() == 1
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 1
    # The mailbox, not the form, learns that the address was already registered.
    assert OutboxEmail.objects.filter(template="sarasehan_existing").count() == WORKERS - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lapsed_holds_confirmations_and_new_registrations_at_once_never_overbook():
    s = sarasehan(capacity=40)
    lapsed = [
        services.pendaftaran_create(sarasehan_id=s.pk, name=f"Lama {i}", email=f"lama{i}@example.org").pk
        for i in range(40)
    ]
    PendaftaranSarasehan.objects.filter(pk__in=lapsed).update(hold_expires_at=timezone.now() - dt.timedelta(minutes=1))

    def act(item):
        kind, value = item
        if kind == "confirm":
            return services.pendaftaran_confirm(pendaftaran_id=value, actor=None)
        if kind == "release":
            return services.pendaftaran_release_holds(sarasehan_id=s.pk)
        return services.pendaftaran_create(sarasehan_id=s.pk, name=f"Baru {value}", email=f"baru{value}@example.org")

    work = [("confirm", pk) for pk in lapsed] + [("new", i) for i in range(40)] + [("release", None)] * 10
    results = _run_concurrently(act, work)
    assert [r for kind, r in results if kind == "error"] == []
    regs = PendaftaranSarasehan.objects.filter(sarasehan=s)
    seated = regs.filter(status=S.TERDAFTAR).count() + regs.filter(hold_expires_at__isnull=False).count()
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == seated == 40
    assert not regs.filter(hold_expires_at__lte=timezone.now()).exists()
