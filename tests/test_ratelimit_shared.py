"""Rate limits hold across gunicorn processes: two Python processes share one count through Redis."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.postgres

HITS = """
import django, sys
django.setup()
from portal.ratelimit import hit
print(sum(hit("bersama", "satu-kunci", int(sys.argv[1]), 60) for _ in range(int(sys.argv[2]))))
"""

TRACK = """
import django, sys
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=sys.argv[1])
data = {"reference": "X", "email": "a@example.org"}
print(",".join(str(client.post("/lacak/", data).status_code) for _ in range(10)))
"""


@pytest.fixture
def redis_env():
    if not settings.REDIS_URL:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("the shared rate-limit test needs REDIS_URL on the PostgreSQL run")
        pytest.skip("needs REDIS_URL")
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "TRUSTED_PROXY_COUNT": "1",
    }


def spawn(env: dict, script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    )


def test_two_processes_hitting_at_once_never_allow_more_than_the_limit(redis_env):
    procs = [spawn(redis_env, HITS, "60", "50") for _ in range(2)]
    allowed = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(allowed) == 60


@pytest.mark.django_db
def test_tracking_attempts_in_another_process_count_here(redis_env, client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proc = spawn(redis_env, TRACK, "203.0.113.7")
    out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0 and out.strip() == ",".join(["400"] * 10)
    data = {"reference": "X", "email": "a@example.org"}
    lb = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post(reverse("kasus:track"), data, HTTP_X_FORWARDED_FOR="203.0.113.7", **lb).status_code == 429
    assert client.post(reverse("kasus:track"), data, HTTP_X_FORWARDED_FOR="203.0.113.8", **lb).status_code == 400
