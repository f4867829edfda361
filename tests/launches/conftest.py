from datetime import date

import pytest

from launches import services
from tests.members import admin, anonymous, editor, members_workspace, outsider, viewer  # noqa: F401


def make_launch(cycle, people=None, name="Usage-based billing", launch_date=date(2027, 3, 15), **kwargs):
    people = people or {}
    return services.launch_create(
        cycle=cycle, name=name, pm_owner_id=people["PM"].pk if "PM" in people else None,
        pmm_owner_id=people["PMM"].pk if "PMM" in people else None, ship_date=kwargs.pop("ship_date", None),
        launch_date=launch_date, **kwargs)


TIER_2_SCORES = [2, 2, 2, 2, 2, 2]  # 12
TIER_1_SCORES = [3, 3, 3, 2, 2, 2]  # 15
TIER_3_SCORES = [1, 2, 2, 1, 2, 2]  # 10


@pytest.fixture
def editor_client(client, team):
    """The client signed in as the team's PMM lead, an editor who holds the PMM role."""
    client.force_login(team[2]["PMM"].user)
    return client
