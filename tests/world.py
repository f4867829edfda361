"""A workspace with something on every main page, for the tests that walk all of them (the
accessibility check, the walks of what each access level is shown, the screenshots).

`build_world()` makes workspace "acme" with an admin (`ada`), an editor (`eddie`, PM lead), a
PMM lead (`mira`), a viewer (`vera`); a matrix with findings, history and a decision; a
2027-Q1 cycle with tiered and untiered launches; the seeded rituals; and notifications.
"""

from dataclasses import dataclass
from datetime import date

from launches import services as launch_services
from launches.models import Launch, LaunchCycle
from notifications.notify import Event, emit
from raci import services as raci_services
from raci.models import Matrix, Template
from tests.factories import UserFactory, hold
from workspaces import services as workspace_services
from workspaces.models import Access, Membership, Role, Workspace

USERS = {"admin": "ada", "editor": "eddie", "pmm": "mira", "viewer": "vera"}


@dataclass
class World:
    workspace: Workspace
    matrix: Matrix
    cycle: LaunchCycle
    launch: Launch
    import_id: int
    people: dict[str, Membership]

    def urls(self) -> dict[str, str]:
        """The main pages a member sees, by name."""
        from rituals.models import Ritual

        ws, m, c = self.workspace.slug, self.matrix.slug, self.cycle.slug
        ritual = (
            Ritual.objects.filter(workspace=self.workspace, name__icontains="tiering").first()
            or Ritual.objects.filter(workspace=self.workspace).first()
        )
        meeting = ritual.next_date(self.workspace.today())
        return {
            "dashboard": f"/w/{ws}/",
            "matrix list": "/",
            "matrix": f"/w/{ws}/matrices/{m}/",
            "history": f"/w/{ws}/matrices/{m}/history/",
            "decisions": f"/w/{ws}/matrices/{m}/decisions/",
            "people": f"/w/{ws}/people/",
            "new matrix": f"/w/{ws}/matrices/new/",
            "import": f"/w/{ws}/imports/{self.import_id}/",
            "board": f"/w/{ws}/launches/{c}/",
            "launch": f"/w/{ws}/launches/{c}/{self.launch.pk}/",
            "calendar": f"/w/{ws}/launches/{c}/calendar/",
            "quarter": f"/w/{ws}/launches/quarter/{c}/",
            "rituals": f"/w/{ws}/rituals/",
            "ritual": f"/w/{ws}/rituals/{ritual.pk}/",
            "meeting": f"/w/{ws}/rituals/{ritual.pk}/{meeting.isoformat()}/",
            "notifications": "/notifications/",
            "notification settings": "/notifications/settings/",
            "workspace settings": f"/w/{ws}/settings/",
            "members": f"/w/{ws}/members/",
            "roles": f"/w/{ws}/roles/",
        }

    def shared_urls(self) -> dict[str, str]:
        """Pages a member may be sent a link to, whatever their access: the walks of what
        each access level is shown start from these too."""
        ws, m = self.workspace.slug, self.matrix.slug
        role = Role.objects.filter(workspace=self.workspace).order_by("pk").first()
        return {
            **self.urls(),
            "role": f"/w/{ws}/roles/{role.pk}/",
            "matrix settings": f"/w/{ws}/matrices/{m}/settings/",
        }


def build_world() -> World:
    users = {key: UserFactory(username=name, first_name=name.title(), last_name="Lane") for key, name in USERS.items()}
    workspace = workspace_services.workspace_create(name="Acme", owner=users["admin"])
    admin = Membership.objects.get(workspace=workspace, user=users["admin"])
    people = {"admin": admin}
    for key, access in (("editor", Access.EDITOR), ("pmm", Access.EDITOR), ("viewer", Access.VIEWER)):
        people[key] = Membership.objects.create(workspace=workspace, user=users[key], access=access)
    template = Template.objects.filter(workspace__isnull=True).order_by("pk").first()
    matrix = raci_services.matrix_create(
        workspace=workspace, name="Product launch", actor=users["admin"], template=template
    )
    roles = {r.code: r for r in Role.objects.filter(workspace=workspace)}
    if "PM" in roles:
        hold(roles["PM"], people["editor"])
    if "PMM" in roles:
        hold(roles["PMM"], people["pmm"])
    # A few edits: history, and findings (two accountable; nobody accountable).
    activities = list(matrix.activities.order_by("order")[:3])
    columns = list(matrix.columns.select_related("role").order_by("order")[:2])
    if len(activities) >= 2 and len(columns) >= 2:
        for role in (columns[0].role, columns[1].role):
            cell = matrix_cell(matrix, activities[0].pk, role.pk)
            raci_services.cell_set(
                matrix=matrix,
                activity_id=activities[0].pk,
                role_id=role.pk,
                value="A",
                expected_version=cell,
                actor=users["admin"],
            )
        for column in columns:
            cell = matrix_cell(matrix, activities[1].pk, column.role_id)
            raci_services.cell_set(
                matrix=matrix,
                activity_id=activities[1].pk,
                role_id=column.role_id,
                value="",
                expected_version=cell,
                actor=users["admin"],
            )
    raci_services.decision_add(
        matrix=matrix,
        actor=users["admin"],
        what="The PMM lead owns launch messaging",
        why="Sales asked for one voice",
        activity_id=activities[0].pk if activities else None,
        decided_by_id=users["admin"].pk,
        decided_on=date(2026, 11, 2),
        review_on=date(2027, 2, 1),
    )
    cycle = launch_services.cycle_create(workspace=workspace, quarter="2027-Q1")
    launch = launch_services.launch_create(
        cycle=cycle,
        name="Usage-based billing",
        summary="Bill by the seat",
        pm_owner_id=people["editor"].pk,
        pmm_owner_id=people["pmm"].pk,
        matrix_id=matrix.pk,
        ship_date=date(2027, 3, 1),
        launch_date=date(2027, 3, 15),
    )
    launch_services.launch_score(launch=launch, scores=[3, 3, 3, 2, 2, 2])
    launch_services.launch_set_tier(launch=launch, tier=1, actor=admin)
    launch_services.launch_create(
        cycle=cycle, name="Dark mode", pm_owner_id=people["editor"].pk, launch_date=date(2027, 2, 10)
    )
    launch.refresh_from_db()
    for n, (kind, title) in enumerate(
        (("launch_tier", "Usage-based billing is now Tier 1"), ("letters", "Letters changed on Product launch"))
    ):
        emit(
            Event(
                workspace_id=workspace.pk,
                workspace_slug=workspace.slug,
                kind=kind,
                key=f"world-{n}",
                title=title,
                url=f"/w/{workspace.slug}/",
                actor_id=None,
            ),
            recipients=[member.user_id for member in people.values()],
        )
    # An import of the matrix's own export, parsed and waiting for its preview to be confirmed.
    from raci import tabular
    from raci.importing import export_table, import_create
    from raci.tasks import parse_import

    job = import_create(
        workspace=workspace,
        actor=users["admin"],
        filename="product-launch.csv",
        data=tabular.write_csv(export_table(matrix)),
        matrix=matrix,
    )
    parse_import(job.pk)
    return World(workspace=workspace, matrix=matrix, cycle=cycle, launch=launch, import_id=job.pk, people=people)


def matrix_cell(matrix: Matrix, activity_id: int, role_id: int) -> int:
    """The version a cell write expects (0 for a cell never written)."""
    from raci.models import Cell

    cell = Cell.objects.filter(activity_id=activity_id, role_id=role_id).first()
    return cell.version if cell else 0


def build_world_with_templates() -> World:
    """`build_world()` with the built-in templates seeded first, as `make run` has them."""
    from raci.seeding import templates_seed

    templates_seed()
    return build_world()


def fresh(world: World) -> World:
    """The same rows as new objects, for a test that may change the objects it is given
    while the module's other tests share the rows (tests.module_rows)."""
    workspace = Workspace.objects.get(pk=world.workspace.pk)
    people = {}
    for key, member in world.people.items():
        people[key] = Membership.objects.select_related("user").get(pk=member.pk)
        people[key].workspace = workspace  # one object, as build_world gives: a change shows everywhere
    matrix, cycle = Matrix.objects.get(pk=world.matrix.pk), LaunchCycle.objects.get(pk=world.cycle.pk)
    matrix.workspace = cycle.workspace = workspace
    return World(
        workspace=workspace,
        matrix=matrix,
        cycle=cycle,
        launch=Launch.objects.get(pk=world.launch.pk),
        import_id=world.import_id,
        people=people,
    )
