"""`manage.py api_token create --user U --workspace W --scope read|write [--name N] [--days D]`
prints a new token (once: only its hash is kept)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import tokens
from core.errors import DomainError
from workspaces.models import Workspace


class Command(BaseCommand):
    help = "Make an API token for a member of a workspace and print it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token and print it.")
        create.add_argument("--user", required=True, help="The member's username.")
        create.add_argument("--workspace", required=True, help="The workspace's slug.")
        create.add_argument("--scope", required=True, choices=["read", "write"])
        create.add_argument("--name", default="Command line")
        create.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS)

    def handle(self, *args, action, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if user is None:
            raise CommandError(f"No user “{options['user']}”.")
        if workspace is None:
            raise CommandError(f"No workspace “{options['workspace']}”.")
        try:
            new = tokens.token_create(
                user=user, workspace=workspace, name=options["name"], scope=options["scope"], days=options["days"]
            )
        except DomainError as error:
            message = getattr(error, "message", str(error))
            raise CommandError(
                message if message != "No such workspace." else f"{user.username} is not a member of {workspace.slug}."
            ) from None
        self.stdout.write(new.secret)
