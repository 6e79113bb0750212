"""Sarasehan services that write a case's timeline lock the case row before the sarasehan (LOCK_ORDER)."""

import pytest

from sarasehan import services
from tests.factories import open_kasus, staff
from tests.locks import locked_tables

from .factories import on_the_day, sarasehan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_putting_cases_on_the_agenda_locks_them_before_the_sarasehan():
    s = sarasehan()
    kasus = open_kasus()
    with locked_tables() as tables:
        services.agenda_add_cases(sarasehan_id=s.pk, actor=staff("protokol"), kasus_ids=[kasus.pk])
    assert tables.index("kasus_kasus") < tables.index("sarasehan_sarasehan")


def test_a_point_on_an_existing_case_locks_it_before_the_sarasehan():
    s = on_the_day(sarasehan())
    kasus = open_kasus()
    with locked_tables() as tables:
        services.poin_record(
            sarasehan_id=s.pk,
            actor=staff("protokol"),
            content="Jalan rusak.",
            speaker_name="Bu Sri",
            kasus_reference=kasus.reference,
        )
    assert tables.index("kasus_kasus") < tables.index("sarasehan_sarasehan")
