import os
import subprocess
import sys

from django.conf import settings

BASE_ENV = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY", "REDIS_URL"}}
BASE_ENV["DJANGO_SETTINGS_MODULE"] = "portal.settings"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_runs_management_commands_on_the_embedded_default_without_a_key():
    assert manage("check").returncode == 0


def test_it_demands_a_secret_key_in_the_production_shape():
    result = manage("check", DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres")
    assert result.returncode != 0 and "Set the SECRET_KEY environment variable" in result.stderr
