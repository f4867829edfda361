"""Running on a developer's machine: `make run`."""

import os

from config.settings.base import *
from config.settings.base import env_bool, env_int

DEBUG = env_bool("DEBUG", True)

# A developer's webhook receiver usually runs on this machine.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)

# Links in e-mails point at this server: `make run` serves on PORT.
SITE_URL = os.environ.get("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}"
