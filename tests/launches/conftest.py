from datetime import date

import pytest

from launches import services
from tests.members import admin, anonymous, editor, members_workspace, outsider, viewer  # noqa: F401


def make_launch(cycle, people=None, name="Usage-based billing", launch_date=date(2027, 3, 15), **kwargs):
    people = people or {}
    return services.launch_create(
        cycle=cycle,
        name=name,
        pm_owner_id=people["PM"].pk if "PM" in people else None,
        pmm_owner_id=people["PMM"].pk if "PMM" in people else None,
        ship_date=kwargs.pop("ship_date", None),
        launch_date=launch_date,
        **kwargs,
    )


TIER_2_SCORES = [2, 2, 2, 2, 2, 2]  # 12
TIER_1_SCORES = [3, 3, 3, 2, 2, 2]  # 15
TIER_3_SCORES = [1, 2, 2, 1, 2, 2]  # 10


@pytest.fixture
def editor_client(client, team):
    """The client signed in as the team's PMM lead, an editor who holds the PMM role."""
    client.force_login(team[2]["PMM"].user)
    return client


# The letters of the scale-up template's rows that readiness items belong to, with support
# (SUP) writing the docs: the owners the `team` fixture's people have.
OWNER_LETTERS = {
    "launch-readiness": ("Launch Readiness", "launch", {"PM": "A", "SUP": "R", "PMM": "C"}),
    "sales-cs-enablement": ("Sales/CS Enablement", "launch", {"PMM": "AR", "PM": "C"}),
    "pricing-packaging": ("Pricing & Packaging", "strategy", {"PMM": "AR", "PM": "C"}),
    "launch-content": ("Launch Content, Channels & PR", "launch", {"PMM": "AR", "PM": "C"}),
    "analytics-experiments": ("Product Analytics & Experiments", "build", {"PM": "AR", "PMM": "C"}),
    "day-30-readout": ("Day-30 Readout: Press, Pivot or Pause", "post_launch", {"PM": "AR", "PMM": "R"}),
}


def owners_matrix(ws, *, name="Launch owners", letters=None, codes=("PM", "PMM", "SUP")):
    """A matrix of the workspace (its default when it is the first) whose rows carry the
    template keys readiness items find their owners by."""
    from raci import services as raci_services
    from raci.models import Activity, Cell, Column
    from workspaces.models import Role

    matrix = raci_services.matrix_create(workspace=ws, name=name, actor=None)
    roles = {r.code: r for r in Role.objects.filter(workspace=ws, code__in=codes)}
    Column.objects.bulk_create(
        [Column(matrix=matrix, role=roles[c], order=n) for n, c in enumerate(codes) if c in roles]
    )
    for n, (key, (title, phase, row)) in enumerate((letters or OWNER_LETTERS).items()):
        activity = Activity.objects.create(matrix=matrix, name=title, phase=phase, order=n, template_key=key)
        Cell.objects.bulk_create(
            [Cell(activity=activity, role=roles[c], value=v, version=1) for c, v in row.items() if c in roles]
        )
    raci_services.matrix_recount(matrix)
    return matrix
