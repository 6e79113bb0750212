import threading

import pytest
from django.db import connection

from audiensi import services
from audiensi.models import Audiensi
from portal.kasus.models import Kasus
from tests.factories import UserFactory

from .factories import open_availability, slots_of


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_20_concurrent_residents_hold_a_slot():
    pejabat = open_availability()
    start = slots_of(pejabat)[0].start
    residents = [UserFactory() for _ in range(20)]
    barrier = threading.Barrier(len(residents))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            services.audiensi_request(user=user, pejabat=pejabat, start=start, topic="Jalan desa", jumlah_peserta=1)
            result = "held"
        except services.SlotTaken as exc:
            result = "refused" if "sudah diambil" in str(exc) else f"wrong message: {exc}"
        except Exception as exc:  # noqa: BLE001 - the test asserts that nothing else escapes
            result = f"escaped: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(user,)) for user in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["held"] + ["refused"] * 19
    assert Audiensi.objects.held().filter(pejabat=pejabat).count() == 1
    # Refused requests leave no orphan case behind.
    assert Kasus.objects.filter(channel="audiensi").count() == 1
