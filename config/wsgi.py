import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

from core.startup import refuse_without_static_manifest, warm_up  # noqa: E402 (needs the settings loaded)

refuse_without_static_manifest()
warm_up()
