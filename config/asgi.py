"""The stream process: `uvicorn config.asgi:application`. It serves the pushed changes
(`text/event-stream`, raci.views.stream) that the proxy routes to it; gunicorn serves the
pages (config.wsgi). It would serve pages too, but a page's sync view would take one of its
few threads, so the proxy keeps them apart."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()
