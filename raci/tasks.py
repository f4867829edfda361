"""Background work for matrices. Tasks take ids, load, and call a service; they are
enqueued after commit (`delay_on_commit`) and safe to run twice."""

import logging

from celery import shared_task

from .models import MatrixImport

log = logging.getLogger(__name__)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def parse_import(import_id: int) -> None:
    from .importing import import_fail, import_parse

    job = MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.PARSING).first()
    if job is None:  # already parsed: a second delivery does nothing
        return
    try:
        import_parse(job)
    except Exception as exc:
        log.exception("parsing import %s failed", import_id)
        import_fail(job, f"The file could not be read: {exc}")


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def apply_import(import_id: int) -> None:
    from .importing import import_apply, import_fail

    job = MatrixImport.objects.filter(pk=import_id, status=MatrixImport.Status.SAVING).select_related(
        "workspace", "created_by").first()
    if job is None:  # already saved, or never confirmed
        return
    try:
        import_apply(job)
    except Exception as exc:
        log.exception("import %s failed", import_id)
        import_fail(job, f"Nothing was saved: {exc}")
