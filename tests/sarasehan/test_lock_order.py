"""Sarasehan services that write a case's timeline lock the case row before the sarasehan (LOCK_ORDER)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sarasehan import services
from tests.factories import open_kasus, staff

from .factories import on_the_day, sarasehan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def locked_tables(queries: CaptureQueriesContext) -> list[str]:
    out = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            out.append(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
    return out


def test_putting_cases_on_the_agenda_locks_them_before_the_sarasehan():
    s = sarasehan()
    kasus = open_kasus()
    with CaptureQueriesContext(connection) as queries:
        services.agenda_add_cases(sarasehan_id=s.pk, actor=staff("protokol"), kasus_ids=[kasus.pk])
    tables = locked_tables(queries)
    assert tables.index("kasus_kasus") < tables.index("sarasehan_sarasehan")


def test_a_point_on_an_existing_case_locks_it_before_the_sarasehan():
    s = on_the_day(sarasehan())
    kasus = open_kasus()
    with CaptureQueriesContext(connection) as queries:
        services.poin_record(
            sarasehan_id=s.pk,
            actor=staff("protokol"),
            content="Jalan rusak.",
            speaker_name="Bu Sri",
            kasus_reference=kasus.reference,
        )
    tables = locked_tables(queries)
    assert tables.index("kasus_kasus") < tables.index("sarasehan_sarasehan")
