"""Services that write a case's timeline lock the case row first (LOCK_ORDER in audiensi.services)."""

import pytest

from audiensi import services
from tests.factories import UserFactory, open_kasus, staff
from tests.locks import locked_tables

from .factories import open_availability, request_audiensi, slots_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_transition_locks_the_case_before_the_audiensi():
    audiensi = request_audiensi(open_availability())
    with locked_tables() as tables:
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    assert tables.index("kasus_kasus") < tables.index("audiensi_audiensi")


def test_a_request_on_an_own_case_locks_the_case_before_the_pejabat():
    pejabat = open_availability()
    warga = UserFactory()
    own = open_kasus(reporter=warga)
    slot = slots_of(pejabat)[0]
    with locked_tables() as tables:
        services.audiensi_request(
            user=warga,
            pejabat=pejabat,
            start=slot.start,
            topic="Jalan",
            jumlah_peserta=1,
            kasus_reference=own.reference,
        )
    assert tables.index("kasus_kasus") < tables.index("wilayah_pejabat")
