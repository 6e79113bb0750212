"""The web worker keeps the memory a photo's blocks took (portal.ops.allocator): each scenario runs in a fresh
interpreter, allocates a block of a decoded photo's order, frees it and reads the process's resident memory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK_MB = 24

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS from /proc")

PROBE = """
import re, sys
def rss_mb():
    return int(re.search(r"VmRSS:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)) / 1024
SETUP
before = rss_mb()
block = b"x" * (BLOCK_MB * 1024 * 1024)
del block
print(rss_mb() - before)
"""


def kept_after_free(setup: str, **env: str) -> float:
    """The MB of resident memory the process still holds after the block is freed."""
    code = PROBE.replace("SETUP", setup).replace("BLOCK_MB", str(BLOCK_MB))
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def test_without_the_setting_glibc_hands_a_freed_block_back() -> None:
    # The baseline the setting changes: a block this large is mapped on its own and unmapped when freed.
    assert kept_after_free("") < BLOCK_MB / 4


def test_the_setting_keeps_a_freed_block_for_the_next_request() -> None:
    setup = "from portal.ops.allocator import keep_freed_memory\nassert keep_freed_memory()"
    assert kept_after_free(setup) > BLOCK_MB * 0.9


def test_the_wsgi_application_applies_the_setting() -> None:
    assert kept_after_free("import portal.wsgi", DJANGO_SETTINGS_MODULE="tests.settings") > BLOCK_MB * 0.9


def test_an_operators_glibc_variable_stands() -> None:
    setup = "from portal.ops.allocator import keep_freed_memory\nassert not keep_freed_memory()"
    assert kept_after_free(setup, MALLOC_MMAP_THRESHOLD_="131072") < BLOCK_MB / 4
