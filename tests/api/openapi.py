"""The API's schema as the code builds it, built once per test process: building it takes
over a second, and several modules read it (some at collection, for their parameters)."""

from __future__ import annotations

import functools
import json
from typing import Any

from api.v1 import api as api_v1


@functools.cache
def _built() -> str:
    return json.dumps(api_v1.get_openapi_schema())


def code_schema() -> dict[str, Any]:
    """A fresh copy, as plain JSON: a test may change what it is given."""
    return json.loads(_built())
