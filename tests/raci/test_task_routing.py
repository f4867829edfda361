"""Which queue each task goes to: imports on their own, so reminders never wait behind a
big file. Routing is read from the settings Celery was configured with."""

from config.celery_app import app


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_imports_are_routed_to_the_imports_queue():
    assert queue_of("raci.tasks.parse_import") == "imports"
    assert queue_of("raci.tasks.apply_import") == "imports"


def test_reminders_mail_and_ticks_stay_on_the_default_queue():
    for task in (
        "notifications.tasks.send_notification_email",
        "notifications.tasks.deliver_webhook",
        "raci.tasks.notifications_tick",
        "launches.reminders.readiness_reminders_tick",
        "rituals.tasks.rituals_tick",
    ):
        assert queue_of(task) == app.conf.task_default_queue == "lockstep"
