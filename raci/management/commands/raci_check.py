"""`raci_check`: lint a RACI matrix from the command line (docs/contracts.md, "raci_check").

    python manage.py raci_check --csv FILE [--format text|json]
    python manage.py raci_check WORKSPACE_SLUG MATRIX_SLUG [--format text|json]

The CSV mode reads a CSV or XLSX file and never touches the database, so it works in CI
and on a laptop without one. JSON output is a list of findings with the keys `rule`,
`severity`, `activity` (name or null), `role` (short code, or the column header as
written for a file, or null) and `message`; an invalid file gives
`{"errors": [{"row", "column", "value", "message"}], "error_count": N}` instead, the
first 500 errors listed. Exit status 1 when the file is invalid or any finding is an
error, else 0. A file over the limits (raci.limits) is refused before it is read in full.

A file may name any phase: the lifecycle's and their aliases, or the team's own. The
team's own phases are listed, never an error: in text, one line before the summary; in
JSON, after the findings, one object per phase with the same keys (rule `team-phase`,
severity `info`, activity and role null) plus `phase`, its name as first written.

A saved matrix's findings that the team accepted on purpose (`raci.acknowledgments`) are
listed too, marked: in JSON each finding of a saved matrix has the key `acknowledged`,
null or `{"reason", "by", "on", "review_on"}`; in text an accepted finding's line starts
with `accepted` and ends with the reason, and the summary counts only the others.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from raci import acknowledgments, rules
from raci.limits import LIMITS
from raci.tabular import ParsedTable, parse_upload
from workspaces.phases import fold


class Command(BaseCommand):
    help = "Check a RACI matrix (a CSV/XLSX file, or a saved matrix) against the rule catalogue."
    # Linting a file must not depend on the rest of the project's configuration.
    requires_system_checks = ()

    def add_arguments(self, parser):
        parser.add_argument(
            "workspace", nargs="?", metavar="WORKSPACE_SLUG", help="Workspace of the saved matrix to check."
        )
        parser.add_argument("matrix", nargs="?", metavar="MATRIX_SLUG", help="Slug of the saved matrix to check.")
        parser.add_argument(
            "--csv", metavar="FILE", help="Check this CSV or XLSX file instead of a saved matrix ('-' reads stdin)."
        )
        parser.add_argument("--format", choices=("text", "json"), default="text", help="Output format (default: text).")

    def handle(self, *args, workspace=None, matrix=None, csv=None, format="text", verbosity=1, **options):
        if csv is not None:
            if workspace or matrix:
                raise CommandError("Give either --csv FILE or WORKSPACE_SLUG MATRIX_SLUG, not both.")
            failed = self._check_file(csv, output_format=format, verbosity=verbosity)
        elif workspace and matrix:
            failed = self._check_saved(workspace, matrix, output_format=format, verbosity=verbosity)
        else:
            raise CommandError("Give --csv FILE, or WORKSPACE_SLUG MATRIX_SLUG for a saved matrix.")
        if failed:
            sys.exit(1)

    # -------------------------------------------------------------------- modes

    def _check_file(self, path: str, *, output_format: str, verbosity: int) -> bool:
        # One byte past the limit is enough to refuse the file: never read more.
        if path == "-":
            data, name = sys.stdin.buffer.read(LIMITS.file_bytes + 1), "stdin"
        else:
            try:
                with Path(path).open("rb") as stream:
                    data, name = stream.read(LIMITS.file_bytes + 1), Path(path).name
            except FileNotFoundError:
                raise CommandError(f"No such file: {path}") from None
            except IsADirectoryError:
                raise CommandError(f"{path} is a directory, not a CSV or XLSX file.") from None
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        table = parse_upload(data, name)
        if not table.ok:
            self._write_errors(table, name=name, output_format=output_format)
            return True
        matrix = table.to_matrix_data()
        return self._report(
            matrix,
            rules.check(matrix),
            output_format=output_format,
            verbosity=verbosity,
            team_phases=_team_phases(table),
        )

    def _check_saved(self, workspace_slug: str, matrix_slug: str, *, output_format: str, verbosity: int) -> bool:
        # Imported here so that the CSV mode loads no models and needs no database.
        from raci.models import Matrix
        from raci.selectors import matrix_rule_input

        try:
            saved = Matrix.objects.get(workspace__slug=workspace_slug, slug=matrix_slug)
        except Matrix.DoesNotExist:
            raise CommandError(f"No matrix “{matrix_slug}” in workspace “{workspace_slug}”.") from None
        matrix, settings = matrix_rule_input(saved)
        found = rules.check(matrix, settings)
        _, accepted = acknowledgments.check_acknowledged(found, matrix, saved.acknowledged)
        return self._report(
            matrix,
            found,
            output_format=output_format,
            verbosity=verbosity,
            accepted={acknowledgments.key_of(f): ack for f, ack in accepted},
        )

    # -------------------------------------------------------------------- output

    def _report(
        self,
        matrix: rules.MatrixData,
        findings: list[rules.Finding],
        *,
        output_format: str,
        verbosity: int,
        team_phases: Sequence[tuple[str, int]] = (),
        accepted: dict | None = None,
    ) -> bool:
        """Write the findings; True when any is an error. `accepted` (a saved matrix's
        findings accepted on purpose, by finding) marks those."""
        activity_names = {activity.key: activity.name for activity in matrix.activities}
        role_codes = {role.key: role.label for role in matrix.roles}
        rows = [
            {
                "rule": finding.rule,
                "severity": finding.severity,
                "activity": activity_names.get(finding.activity) if finding.activity is not None else None,
                "role": role_codes.get(finding.role) if finding.role is not None else None,
                "message": finding.message,
            }
            | (
                {"acknowledged": _acknowledged(accepted.get(acknowledgments.key_of(finding)))}
                if accepted is not None
                else {}
            )
            for finding in findings
        ]
        if output_format == "json":
            rows += [
                {
                    "rule": TEAM_PHASE,
                    "severity": rules.INFO,
                    "activity": None,
                    "role": None,
                    "message": _team_phase_message(name, n),
                    "phase": name,
                }
                for name, n in team_phases
            ]
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            for row, finding in zip(rows, findings):
                subject = row["activity"] or row["role"]
                prefix = f"{subject}: " if subject else ""
                ack = row.get("acknowledged")
                mark = "accepted " if ack else ""
                why = f"  (accepted on purpose: {ack['reason']})" if ack else ""
                self.stdout.write(f"{mark}{row['severity']}  {row['rule']}  {prefix}{row['message']}{why}")
                if verbosity >= 2:
                    self.stdout.write(f"    fix: {finding.fix}")
            if team_phases:
                listed = ", ".join(f"{name} ({n})" for name, n in team_phases)
                self.stdout.write(f"Team phases (the team's own, not the lifecycle's): {listed}")
            open_ = [f for f in findings if acknowledgments.key_of(f) not in (accepted or {})]
            summary = _summary(open_, n_activities=len(matrix.activities), n_roles=len(matrix.roles))
            if accepted:
                summary += f" {len(accepted)} accepted on purpose."
            self.stdout.write(summary)
        return any(finding.severity == rules.ERROR for finding in findings)

    def _write_errors(self, table: ParsedTable, *, name: str, output_format: str) -> None:
        count = table.error_count
        if output_format == "json":
            self.stdout.write(
                json.dumps(
                    {"errors": [error.as_dict() for error in table.errors], "error_count": count},
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        for error in table.errors:
            self.stdout.write(f"invalid  {error}")
        if count > len(table.errors):
            self.stdout.write(f"Showing the first {len(table.errors)} of {count:,} errors.")
        self.stdout.write(f"{name}: {count:,} {_plural(count, 'error')} in the file; nothing was checked.")


TEAM_PHASE = "team-phase"


def _acknowledged(ack: acknowledgments.Acknowledgment | None) -> dict | None:
    if ack is None:
        return None
    data = ack.as_json()
    return {key: data[key] for key in ("reason", "by", "on", "review_on")}


def _team_phases(table: ParsedTable) -> list[tuple[str, int]]:
    """The team's own phases in the file, in file order, with how many activities each holds."""
    counts = Counter(fold(spec.team_phase) for spec in table.activities if spec.team_phase)
    return [(name, counts[fold(name)]) for name in table.team_phases()]


def _team_phase_message(name: str, n: int) -> str:
    return (
        f"“{name}” is the team's own phase ({n} {'activity' if n == 1 else 'activities'}); "
        "importing the file adds it to the workspace's phases."
    )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _summary(findings: list[rules.Finding], *, n_activities: int, n_roles: int) -> str:
    counts = rules.count_by_severity(findings)
    activities = "activity" if n_activities == 1 else "activities"
    checked = f"Checked {n_activities} {activities} and {n_roles} {_plural(n_roles, 'role')}"
    return (
        f"{checked}: {counts[rules.ERROR]} {_plural(counts[rules.ERROR], 'error')}, "
        f"{counts[rules.WARNING]} {_plural(counts[rules.WARNING], 'warning')}, "
        f"{counts[rules.INFO]} info."
    )
