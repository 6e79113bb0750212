"""glibc's allocator settings for a long-running web worker.

A submission's photo needs blocks of one to ten megabytes (the upload, the decoded picture). By default glibc
serves the first ones with mmap, then, once one is freed, raises its mmap threshold to that block's size and
from then on serves such blocks from the heap, which it trims again whenever more than twice the threshold
lies free at its top. The worker's resident memory therefore stepped up and down by 6-8 MB between requests
and stepped up again whenever a larger block came (benchmarks/bench_memory.py failed on such a step in one run
of three). Fixing both thresholds where glibc's own adjustment ends (32 MB, its ceiling on 64-bit systems)
gives the same allocations from the start and keeps what the heap has reached, so the worker's memory rises
to its working set and stays there.
"""

import ctypes
import os

# mallopt's parameter numbers, from glibc's malloc.h.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems: the most its own adjustment ever sets.
MMAP_THRESHOLD = 32 * 1024 * 1024
# What the dynamic adjustment sets beside it: twice the mmap threshold.
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD
# An operator who sets glibc's variables has chosen; their choice stands.
OPERATOR_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Fix glibc's mmap and trim thresholds for this process; False where the C library has no mallopt
    (macOS), ignores it (musl answers 0), or the environment already sets them."""
    if any(name in os.environ for name in OPERATOR_VARIABLES):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
