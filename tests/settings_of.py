"""A settings module as it would read under another environment, read in this process.

Settings modules only read the environment and compute values: importing one afresh under
a changed `os.environ` says what a process started with that environment would have, in
milliseconds instead of the seconds a new Python and Django cost. Django's own settings
(`django.conf.settings`) are not touched, and the modules this process imported come back.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any
from unittest import mock

PACKAGE = "config.settings"


def settings_of(module: str = "config.settings.base", *, drop: tuple[str, ...] = (), **env: str) -> dict[str, Any]:
    """The upper-case names `module` defines with `env` set and `drop` unset."""
    package = importlib.import_module(PACKAGE)
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith(PACKAGE + ".")}
    attributes = {name.rsplit(".", 1)[1]: getattr(package, name.rsplit(".", 1)[1], None) for name in saved}
    environ = {key: value for key, value in os.environ.items() if key not in drop} | env
    try:
        with mock.patch.dict(os.environ, environ, clear=True):
            read = importlib.import_module(module)
            return {name: getattr(read, name) for name in dir(read) if name.isupper()}
    finally:
        for name in [name for name in sys.modules if name.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        sys.modules.update(saved)
        for name, value in attributes.items():
            if value is not None:
                setattr(package, name, value)
