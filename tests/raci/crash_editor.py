"""The editor side of the crash test (run as its own process against a PostgreSQL cluster of
the test's own, see test_crash_durability.py). For each commit mode in CRASH_MODES it makes
cell edits through `cell_set` on a matrix of its own, prints each one the moment it is
answered, stops the database with `-m immediate` the moment the last answer arrives, and
starts it again."""

import os
import subprocess
import sys


def main() -> None:
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.db import connection

    # The tables straight from the models (as migrate would leave them, much faster).
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)

    from raci import services
    from tests.factories import MembershipFactory, build_matrix

    for run, mode in enumerate(os.environ["CRASH_MODES"].split()):
        settings.CELL_EDIT_SYNCHRONOUS_COMMIT = mode == "synchronous"
        editor = MembershipFactory(access="editor", workspace__slug=f"crash-{run}", user__username=f"editor-{run}")
        matrix, activities, roles = build_matrix(editor.workspace, activities=8, roles=6, letters={})
        print(f"matrix {mode} {matrix.pk}", flush=True)
        versions = {}
        for n in range(int(os.environ["CRASH_EDITS"])):
            activity, role = activities[n % len(activities)], roles[(n // len(activities)) % len(roles)]
            value = ("R", "C", "I", "A")[n % 4]
            matrix.refresh_from_db(fields=["last_seq"])
            result = services.cell_set(
                matrix=matrix,
                activity_id=activity.pk,
                role_id=role.pk,
                value=value,
                expected_version=versions.get((activity.pk, role.pk), 0),
                actor=editor.user,
            )
            versions[activity.pk, role.pk] = result.version
            print(f"saved {matrix.pk} {activity.pk} {role.pk} {result.value}", flush=True)
        subprocess.run(os.environ["CRASH_COMMAND"], shell=True, check=True, capture_output=True)
        connection.close()
        print(f"crashed {mode}", flush=True)
        subprocess.run(os.environ["START_COMMAND"], shell=True, check=True, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
