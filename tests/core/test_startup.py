"""A production server refuses to start without the static files' manifest."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core.startup import refuse_without_static_manifest, static_manifest_problem

MANIFEST = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}


def test_a_manifest_storage_without_its_manifest_is_refused_naming_collectstatic(tmp_path):
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=MANIFEST):
        assert "collectstatic" in static_manifest_problem()
        with pytest.raises(ImproperlyConfigured, match="staticfiles.json"):
            refuse_without_static_manifest()


def test_a_collected_manifest_passes(tmp_path):
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=MANIFEST):
        assert static_manifest_problem() == ""


def test_plain_storage_needs_no_manifest():
    assert static_manifest_problem() == ""


def test_warming_up_compiles_every_project_template_into_the_cached_loader():
    from django.template import engines

    from core.startup import warm_up

    engine = engines["django"].engine
    cached = next(loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache"))
    cached.reset()
    warm_up()
    assert "raci/matrix.html" in cached.get_template_cache
    assert len(cached.get_template_cache) >= 100
