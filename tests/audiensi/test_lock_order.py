"""Services that write a case's timeline lock the case row first (LOCK_ORDER in audiensi.services)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audiensi import services
from tests.factories import UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def locked_tables(queries: CaptureQueriesContext) -> list[str]:
    """The first table of each SELECT ... FOR UPDATE, in the order taken."""
    out = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            out.append(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
    return out


def test_a_transition_locks_the_case_before_the_audiensi():
    audiensi = request_audiensi(open_availability())
    with CaptureQueriesContext(connection) as queries:
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    tables = locked_tables(queries)
    assert tables.index("kasus_kasus") < tables.index("audiensi_audiensi")


def test_a_request_on_an_own_case_locks_the_case_before_the_pejabat():
    pejabat = open_availability()
    warga = UserFactory()
    own = open_kasus(reporter=warga)
    slot = slots_of(pejabat)[0]
    with CaptureQueriesContext(connection) as queries:
        services.audiensi_request(
            user=warga,
            pejabat=pejabat,
            start=slot.start,
            topic="Jalan",
            jumlah_peserta=1,
            kasus_reference=own.reference,
        )
    tables = locked_tables(queries)
    assert tables.index("kasus_kasus") < tables.index("wilayah_pejabat")
