"""A memory ceiling for work that reads what people upload.

`memory_ceiling` lowers the process's address-space limit (RLIMIT_AS) for the length of a
block and puts it back after, so a Celery child running an import cannot grow past it: an
allocation beyond it raises MemoryError in that child, which the task turns into a failed
job with a message, instead of the machine's memory running out. Linux only counts
address space, not resident memory, so the ceiling is set above what the process already
maps.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager

MB = 1024 * 1024


@contextmanager
def memory_ceiling(limit_bytes: int) -> Iterator[None]:
    """Run the block with at most `limit_bytes` of address space (never above the hard
    limit); 0 means no ceiling."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if limit_bytes <= 0:
        yield
        return
    ceiling = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
