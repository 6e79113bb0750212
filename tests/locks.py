"""What the lock-order tests read: the row locks a block of code takes, in order."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def locked_tables() -> Iterator[list[str]]:
    """The first table of each SELECT ... FOR UPDATE run inside the block, in the order taken (filled on exit)."""
    tables: list[str] = []
    with CaptureQueriesContext(connection) as queries:
        yield tables
    for query in queries.captured_queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            tables.append(sql.split(" FROM ", 1)[1].split()[0].strip('"'))
