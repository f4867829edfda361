from datetime import date

import pytest

from launches import services
from launches.models import LaunchCycle
from raci.models import Access, Role
from tests.factories import MembershipFactory, hold


@pytest.fixture
def team(db):
    """A workspace with an admin, a PM lead, a PMM lead, a support and a sales person, and a 2027-Q1 cycle."""
    admin = MembershipFactory(access=Access.ADMIN)
    ws = admin.workspace
    people = {"admin": admin}
    for code, name in (("PM", "Product Manager"), ("PMM", "Product Marketing Manager"), ("SUP", "Support")):
        role = Role.objects.create(workspace=ws, code=code, name=name)
        member = MembershipFactory(workspace=ws, access=Access.EDITOR)
        hold(role, member)
        people[code] = member
    people["viewer"] = MembershipFactory(workspace=ws, access=Access.VIEWER)
    people["editor"] = MembershipFactory(workspace=ws, access=Access.EDITOR)
    cycle = services.cycle_create(workspace=ws, quarter="2027-Q1")
    return ws, cycle, people


def make_launch(cycle, people=None, name="Usage-based billing", launch_date=date(2027, 3, 15), **kwargs):
    people = people or {}
    return services.launch_create(
        cycle=cycle, name=name, pm_owner_id=people["PM"].pk if "PM" in people else None,
        pmm_owner_id=people["PMM"].pk if "PMM" in people else None, ship_date=kwargs.pop("ship_date", None),
        launch_date=launch_date, **kwargs)


TIER_2_SCORES = [2, 2, 2, 2, 2, 2]  # 12
TIER_1_SCORES = [3, 3, 3, 2, 2, 2]  # 15
TIER_3_SCORES = [1, 2, 2, 1, 2, 2]  # 10
