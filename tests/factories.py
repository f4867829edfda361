"""Factories for the RACI models, and a builder for matrices of any size."""

import functools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from launches import services as launch_services
from raci.models import Activity, Cell, Column, Matrix
from raci.services import matrix_recount
from workspaces.models import Access, Membership, Role, RoleHolder, Workspace

PASSWORD = "correct horse battery"


@functools.cache
def password_hash() -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    # One hash for everyone, made once: set before the first save, so making a person costs
    # one INSERT (not an INSERT, a hash and an UPDATE that the throttle checks).
    password = factory.LazyFunction(lambda: password_hash())

    @factory.post_generation
    def confirmed_address(obj, create, extracted, **kwargs):
        """People in tests confirmed their address, as everyone who signed up did (a second
        account with a confirmed one's address has it unconfirmed). UserFactory(confirmed_address=False)
        makes one who never confirmed."""
        if create and obj.email and extracted is not False:
            email = obj.email.lower()
            taken = EmailAddress.objects.filter(email=email, verified=True).exists()
            EmailAddress.objects.create(user=obj, email=email, verified=not taken, primary=True)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    access = Access.EDITOR


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    workspace = factory.SubFactory(WorkspaceFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.Sequence(lambda n: f"Role {n}")


class MatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matrix

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Matrix {n}")
    slug = factory.Sequence(lambda n: f"matrix-{n}")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    matrix = factory.SubFactory(MatrixFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")
    phase = "strategy"
    order = factory.Sequence(lambda n: n)


def build_matrix(
    workspace: Workspace, *, activities: int, roles: int, letters: dict | None = None, name: str = "Grid"
) -> tuple[Matrix, list[Activity], list[Role]]:
    """A matrix of `activities` x `roles`; by default each row has one A/R in the first
    column and a C in the others, so it has no errors. `letters` maps (row, col) indexes to
    values and overrides that."""
    matrix = MatrixFactory(workspace=workspace, name=name, slug=name.lower().replace(" ", "-"))
    role_objs = [
        Role.objects.create(workspace=workspace, code=f"{name[:3].upper()}{i}", name=f"{name} role {i}")
        for i in range(roles)
    ]
    Column.objects.bulk_create([Column(matrix=matrix, role=r, order=i) for i, r in enumerate(role_objs)])
    acts = Activity.objects.bulk_create(
        [Activity(matrix=matrix, name=f"Activity {i}", phase="strategy", order=i) for i in range(activities)]
    )
    cells = []
    for ai, activity in enumerate(acts):
        for ri, role in enumerate(role_objs):
            if letters is not None:
                value = letters.get((ai, ri), "")
            else:
                value = "AR" if ri == ai % roles else ("C" if ri < 4 else "I")
            if value:
                cells.append(Cell(activity=activity, role=role, value=value, version=1))
    Cell.objects.bulk_create(cells)
    matrix_recount(matrix)
    return matrix, acts, role_objs


def hold(role: Role, membership: Membership) -> None:
    RoleHolder.objects.get_or_create(role=role, membership=membership)


def build_team():
    """A workspace with an admin, a PM lead, a PMM lead, a support and a sales person, and a
    2027-Q1 cycle (the `team` fixture; module-scoped fixtures build it once)."""
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
    cycle = launch_services.cycle_create(workspace=ws, quarter="2027-Q1")
    return ws, cycle, people
