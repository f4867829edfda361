"""The demo workspace `make run` signs you into."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from core import glance
from launches import planning
from launches import services as launch_services
from launches.models import LaunchCycle
from raci import services
from raci.builtin_templates import DEFAULT_TEMPLATE_SLUG
from raci.models import Decision, Matrix, Template
from raci.seeding import templates_seed
from rituals import services as rituals_services
from rituals.models import Ritual
from workspaces import services as workspaces_services
from workspaces.models import Membership, Role, RoleHolder, Workspace

DEMO_USERNAME = "demo"


DEMO_PASSWORD = "lockstep-demo"


DEMO_WORKSPACE = "Acme Product"


# (name, rubric scores, days from today to the launch date, checklist items already done).
# One launch is days past its date with work still open, so the dashboard has something
# overdue to show; one is not scored or tiered yet.
DEMO_LAUNCHES = (
    ("Usage-based billing", [3, 3, 3, 2, 2, 2], 45, ("pricing", "analytics")),
    ("SSO for teams", [2, 2, 2, 2, 2, 2], 12, ("pricing", "support-docs", "blog")),
    ("Dark mode", [1, 2, 2, 1, 2, 2], -2, ("release-note", "pricing")),
    ("Slack alerts", None, 30, ()),
)


def _demo_launches(workspace: Workspace, user) -> None:
    """This quarter's launch cycle with a few launches at different stages of readiness,
    unless the quarter already has a cycle."""
    today = workspace.today()
    year, quarter = glance.quarter_of(today)
    if LaunchCycle.objects.filter(workspace=workspace, year=year, quarter=quarter).exists():
        return
    first, last = planning.quarter_bounds(year, quarter)
    cycle = launch_services.cycle_create(workspace=workspace, quarter=glance.quarter_name(year, quarter))
    cycle.workspace = workspace
    owners = {m.user.username: m.pk for m in Membership.objects.filter(workspace=workspace).select_related("user")}
    actor = Membership.objects.get(workspace=workspace, user=user)
    for name, scores, days, done in DEMO_LAUNCHES:
        launch = launch_services.launch_create(
            cycle=cycle,
            name=name,
            pm_owner_id=owners.get("priya"),
            pmm_owner_id=owners.get("marco"),
            launch_date=min(max(today + timedelta(days=days), first), last),
        )
        if scores is None:
            continue
        tier = launch_services.launch_score(launch=launch, scores=scores)
        launch = launch_services.launch_set_tier(launch=launch, tier=tier, actor=actor)
        for item in launch.items.filter(key__in=done):
            launch_services.item_update(launch=launch, item_id=item.pk, status="done")


@transaction.atomic
def demo_seed() -> Workspace:
    """A demo user and workspace with a matrix from the default template and one
    deliberate conflict (two accountable roles on Naming), a decision due for review, and
    this quarter's launches. Idempotent."""
    templates_seed()
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        # The demo user is also a site admin, so the built-in templates can be edited in the admin.
        user = User.objects.create_superuser(
            DEMO_USERNAME, "demo@example.com", DEMO_PASSWORD, first_name="Dana", last_name="Demo"
        )
    workspace = Workspace.objects.filter(slug="acme-product").first()
    if workspace is None:
        workspace = workspaces_services.workspace_create(name=DEMO_WORKSPACE, owner=user)
    colleagues = [("priya", "Priya", "Patel", "PM"), ("marco", "Marco", "Rossi", "PMM")]
    for username, first, last, _code in colleagues:
        colleague = User.objects.filter(username=username).first() or User.objects.create_user(
            username, f"{username}@example.com", DEMO_PASSWORD, first_name=first, last_name=last
        )
        Membership.objects.get_or_create(workspace=workspace, user=colleague, defaults={"access": "editor"})
    # Sign-in asks for a confirmed address; the demo's people are signed into at once.
    for person in User.objects.filter(username__in=[DEMO_USERNAME] + [c[0] for c in colleagues]):
        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )
    if not Matrix.objects.filter(workspace=workspace).exists():
        template = Template.objects.get(workspace__isnull=True, slug=DEFAULT_TEMPLATE_SLUG)
        matrix = services.matrix_create(
            workspace=workspace,
            name="Core product PM × PMM",
            actor=user,
            template=template,
            description="Who owns what between Product Management and Product Marketing.",
        )
        for username, _, _, code in colleagues:
            role = Role.objects.get(workspace=workspace, code=code)
            RoleHolder.objects.get_or_create(
                role=role, membership=Membership.objects.get(workspace=workspace, user__username=username)
            )
        naming = matrix.activities.get(name="Naming")
        pm = Role.objects.get(workspace=workspace, code="PM")
        version = naming.cells.filter(role=pm).values_list("version", flat=True).first() or 0
        services.cell_set(
            matrix=matrix, activity_id=naming.pk, role_id=pm.pk, value="A", expected_version=version, actor=user
        )
        today = workspace.today()
        Decision.objects.create(
            matrix=matrix,
            activity=naming,
            what="PMM owns feature names; PM is consulted.",
            why="Names are positioning; PMM tests them with customers.",
            created_by=user,
            decided_by=User.objects.get(username="marco"),
            decided_on=today - timedelta(days=95),
            review_on=today - timedelta(days=5),
        )
    _demo_launches(workspace, user)
    _demo_rituals(workspace)
    return workspace


def _demo_rituals(workspace: Workspace) -> None:
    """The default rituals (docs/sources.md, "The GTM Framework"), their decisions going to the demo matrix."""
    rituals_services.rituals_seed_defaults(workspace=workspace)
    matrix = Matrix.objects.filter(workspace=workspace).order_by("created_at", "id").first()
    Ritual.objects.filter(workspace=workspace, default_matrix=None).update(default_matrix=matrix)
