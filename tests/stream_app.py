"""The stream process as the browser tests run it: `config.asgi` serving the pages too, with
the static files, so that a page and its stream share an origin (the CSP's `connect-src
'self'`) without a proxy in front."""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from config.asgi import application as site

application = ASGIStaticFilesHandler(site)
