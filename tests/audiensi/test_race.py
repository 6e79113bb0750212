import pytest

from audiensi import services
from audiensi.models import Audiensi
from portal.kasus.models import Kasus
from tests.concurrency import Outcome, at_once
from tests.factories import UserFactory

from .factories import open_availability, slots_of


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_20_concurrent_residents_hold_a_slot():
    pejabat = open_availability()
    start = slots_of(pejabat)[0].start
    residents = [UserFactory() for _ in range(20)]

    def request(user):
        return services.audiensi_request(user=user, pejabat=pejabat, start=start, topic="Jalan desa", jumlah_peserta=1)

    def result(outcome: Outcome) -> str:
        if outcome.error is None:
            return "held"
        if isinstance(outcome.error, services.SlotTaken):
            return "refused" if "sudah diambil" in str(outcome.error) else f"wrong message: {outcome.error}"
        return f"escaped: {outcome.error!r}"

    outcomes = [result(o) for o in at_once(*[lambda u=u: request(u) for u in residents])]

    assert sorted(outcomes) == ["held"] + ["refused"] * 19
    assert Audiensi.objects.held().filter(pejabat=pejabat).count() == 1
    # Refused requests leave no orphan case behind.
    assert Kasus.objects.filter(channel="audiensi").count() == 1
