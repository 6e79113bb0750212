"""A large bulk run on PostgreSQL drops secondary indexes and foreign keys for its COPYs and puts them all back."""

import pytest
from django.db import connection

from portal.demo import bulk
from portal.kasus.models import Kasus, Riwayat

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL rebuilds indexes")

# An index by its name, kind, columns, operator classes and whether it is partial: PostgreSQL prints a
# recreated predicate's `IN (...)` casts differently (ARRAY[('a'::varchar)::text] for ARRAY['a'::varchar]::text[]),
# the same condition once the planner folds its constants.
SCHEMA = """
    SELECT 'index', indexrelid::regclass::text,
           concat_ws(' ', indisunique, indkey::text, indclass::text, indpred IS NOT NULL, indexprs IS NOT NULL)
    FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[])
    UNION ALL
    SELECT 'constraint', conname, pg_get_constraintdef(oid) || ' valid=' || convalidated FROM pg_constraint
    WHERE conrelid = ANY(%(tables)s::regclass[])
"""


def schema() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA, {"tables": [Kasus._meta.db_table, Riwayat._meta.db_table]})
        return set(cursor.fetchall())


@pytest.mark.django_db
def test_a_large_run_leaves_the_same_indexes_and_checked_foreign_keys(monkeypatch):
    monkeypatch.setattr(bulk, "LARGE_RUN", 50)
    monkeypatch.setattr(bulk, "LARGE_BATCH_SIZE", 40)
    before = schema()
    bulk.bulk_cases(120, seed=5)
    assert Kasus.objects.count() == 120
    assert Riwayat.objects.filter(kasus__in=Kasus.objects.all()).count() >= 120
    assert schema() == before
