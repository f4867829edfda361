"""The import tasks run within a memory ceiling and a time limit, and a job that hits
either fails with a message on its import page instead of taking the worker down."""

import os
import subprocess
import sys
import textwrap

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse

from raci import tasks
from raci.models import MatrixImport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", PYTHONPATH=ROOT)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_workbook_too_big_for_the_ceiling_raises_memory_error_in_the_child_and_the_ceiling_lifts_after():
    """In a process of its own: openpyxl loading 400,000 shared strings (bounds opened
    wide) under a ceiling 16 MB above what the process maps."""
    result = run_python(
        """
        import django
        django.setup()
        from core import sheets
        from core.ceilings import MB, memory_ceiling
        from tests.core.test_sheets import string_table, with_shared_strings, workbook

        data = with_shared_strings(workbook([["Activity"], ["Naming"]]), string_table("<si/>" * 400_000, 0))
        wide = sheets.Bounds(
            file_bytes=50 * MB, rows=10, columns=5, cells=20, header_chars=100, row_chars=200,
            shared_strings=10**8, shared_string_chars=10**9,
        )
        mapped = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1]) * 1024
        try:
            with memory_ceiling(mapped + 16 * MB):
                list(sheets.xlsx_records(data, bounds=wide))
        except MemoryError:
            print("refused")
        else:
            print("read")
        print(len(bytearray(400 * MB)) // MB, "MB after")
        """
    )
    assert result.stdout.split("\n")[:2] == ["refused", "400 MB after"], result.stderr[-2000:]


@pytest.fixture
def job(editor):
    return MatrixImport.objects.create(
        workspace=editor.workspace, new_name="Imported", created_by=editor.user, filename="big.xlsx", data=b"PK"
    )


@pytest.mark.django_db
def test_an_import_past_the_memory_ceiling_fails_with_a_message_on_its_page(client, editor, job, monkeypatch):
    def needs_too_much(job):
        raise MemoryError

    monkeypatch.setattr(tasks, "import_parse", needs_too_much)
    tasks.parse_import.delay(job.pk)
    job.refresh_from_db()
    assert job.status == MatrixImport.Status.FAILED
    message = f"The file needed more than {settings.IMPORT_MEMORY_LIMIT_MB} MB of memory, the most an import may use"
    assert job.failure.startswith(message)
    client.force_login(editor.user)
    page = client.get(reverse("raci:import", args=[editor.workspace.slug, job.pk])).content.decode()
    assert message in page


@pytest.mark.django_db
def test_an_import_past_its_time_limit_fails_with_a_message(job, monkeypatch):
    def too_slow(job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "import_parse", too_slow)
    tasks.parse_import.delay(job.pk)
    job.refresh_from_db()
    assert job.status == MatrixImport.Status.FAILED
    assert job.failure == (
        f"The file took longer than {settings.IMPORT_TIME_LIMIT_SECONDS} seconds, the most an import may take; "
        "nothing was saved."
    )


@pytest.mark.django_db
def test_saving_past_its_time_limit_fails_the_same_way(job, monkeypatch):
    MatrixImport.objects.filter(pk=job.pk).update(status=MatrixImport.Status.SAVING)

    def too_slow(job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "import_apply", too_slow)
    tasks.apply_import.delay(job.pk)
    job.refresh_from_db()
    assert job.status == MatrixImport.Status.FAILED and "took longer than" in job.failure


def test_both_import_tasks_carry_the_time_limits_of_the_settings():
    for task in (tasks.parse_import, tasks.apply_import):
        assert task.soft_time_limit == settings.IMPORT_TIME_LIMIT_SECONDS
        assert task.time_limit == settings.IMPORT_TIME_LIMIT_SECONDS + 60


@pytest.mark.django_db
def test_a_job_whose_task_was_killed_at_the_hard_limit_is_failed_by_the_tick_and_its_page(client, editor, job):
    """A task past its hard time limit dies without a word: the job would say "Importing"
    for ever. Past the hard limit and a margin, the tick (and the job's own page) fail it."""
    from datetime import timedelta

    from django.utils import timezone

    from raci.importing import STALLED_AFTER

    long_ago = timezone.now() - STALLED_AFTER - timedelta(seconds=1)
    saving = MatrixImport.objects.filter(pk=job.pk)
    saving.update(status=MatrixImport.Status.SAVING, status_since=long_ago)
    recent = MatrixImport.objects.create(
        workspace=editor.workspace, new_name="Recent", created_by=editor.user, filename="b.csv", data=b"x"
    )
    finished = MatrixImport.objects.create(
        workspace=editor.workspace, new_name="Done", created_by=editor.user, filename="c.csv", data=b"x"
    )
    MatrixImport.objects.filter(pk=finished.pk).update(status=MatrixImport.Status.DONE, status_since=long_ago)
    client.force_login(editor.user)
    page = client.get(reverse("raci:import", args=[editor.workspace.slug, job.pk])).content.decode()
    assert "The import stopped" in page and "Nothing was saved" in page
    MatrixImport.objects.filter(pk=recent.pk).update(status_since=long_ago)
    assert tasks.notifications_tick()["imports_stalled"] == 1
    statuses = dict(MatrixImport.objects.values_list("pk", "status"))
    assert statuses == {job.pk: "failed", recent.pk: "failed", finished.pk: "done"}
    assert tasks.notifications_tick()["imports_stalled"] == 0


@pytest.mark.django_db
def test_a_job_saving_since_just_now_is_left_to_its_task(editor, job):
    from django.utils import timezone

    from raci.importing import imports_stalled_fail

    MatrixImport.objects.filter(pk=job.pk).update(status=MatrixImport.Status.SAVING)
    assert imports_stalled_fail(now=timezone.now()) == 0
    assert MatrixImport.objects.get(pk=job.pk).status == "saving"
