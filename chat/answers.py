"""The answer to a chat question, the same for Slack and Teams: plain data that
`chat.slack` and `chat.teams` draw in each service's own format.

Everything is read from the asking workspace alone: its set-up named it, and every read
below is filtered by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from chat import selectors, services
from chat.question import Question, launch_words, matrix_words, question_of
from core.links import absolute
from launches import selectors as launch_selectors
from raci import lookup
from raci import selectors as raci_selectors
from raci.models import Matrix
from raci.views.page import row_url
from workspaces.models import Workspace

LIST_MAX = 20
# "who owns what for Atlas": words that ask for the whole checklist.
WHOLE_CHECKLIST = {"what", "everything", "all", "it", "anything", "the checklist", "checklist", "readiness"}
SEVERITY_WORD = {"error": "Error", "warning": "Warning", "info": "Note"}


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(slots=True)
class Part:
    heading: str = ""
    lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # one per line when given: the line's own link


@dataclass(slots=True)
class Answer:
    # "found", "ambiguous", "none", "launch", "help", "empty", "refused"
    kind: str
    title: str
    context: str = ""
    parts: list[Part] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The answer in plain words, for notifications and screen readers."""
        lines = [self.title, self.context]
        for part in self.parts:
            lines += [part.heading, *part.lines]
        return "\n".join(line for line in lines if line)


HELP = Answer(
    "help",
    "Ask Lockstep who owns what",
    "Answers come from your workspace's RACI matrix.",
    [
        Part(
            "Ask",
            [
                "who owns pricing",
                "who's accountable for the launch brief",
                "who owns positioning in Launch matrix (a matrix other than the default)",
                "who owns pricing for Atlas (a launch's readiness owners)",
            ],
        )
    ],
    notes=["Names may be cased, spaced or spelled loosely: the closest activity answers."],
)


def refusal(title: str, context: str = "") -> Answer:
    return Answer("refused", title, context)


def _matrix_link(matrix: Matrix) -> Link:
    return Link("Open the matrix", absolute(reverse("raci:matrix", args=[matrix.workspace.slug, matrix.slug])))


def _holders(owner: lookup.RoleOwners) -> str:
    people = ", ".join(owner.people) if owner.people else "nobody holds this role"
    return f"{owner.code} ({owner.name}): {people}"


def _found(matrix: Matrix, grid, owners: lookup.Owners) -> Answer:
    activity = owners.activity
    accountable = [_holders(o) for o in owners.accountable] or ["No role is accountable."]
    responsible = [_holders(o) for o in owners.responsible] or ["No role is responsible."]
    parts = [Part("Accountable (A)", accountable), Part("Responsible (R)", responsible)]
    if owners.findings:
        parts.append(
            Part("Findings", [f"{SEVERITY_WORD.get(f.severity, f.severity)}: {f.message}" for f in owners.findings])
        )
    where = " · ".join(x for x in (matrix.name, activity.phase_label or activity.phase) if x)
    return Answer(
        "found",
        activity.name,
        where,
        parts,
        [Link("Open the row", absolute(row_url(matrix, activity.id, grid)))],
    )


def _pick(matrix: Matrix, grid, lookup_: lookup.Lookup) -> Answer:
    rows = lookup_.candidates
    return Answer(
        "ambiguous",
        f"Several activities of {matrix.name} fit “{lookup_.query}”",
        "Ask again with more of the name.",
        [
            Part(
                "Which one?",
                [a.name for a in rows],
                [Link(a.name, absolute(row_url(matrix, a.id, grid))) for a in rows],
            )
        ],
        [_matrix_link(matrix)],
    )


def _none(matrix: Matrix, lookup_: lookup.Lookup, unknown_matrix: str) -> Answer:
    answer = Answer(
        "none",
        f"No activity of {matrix.name} is called “{lookup_.query}”",
        links=[_matrix_link(matrix)],
    )
    if lookup_.suggestions:
        answer.parts.append(Part("Did you mean", [a.name for a in lookup_.suggestions]))
    if unknown_matrix:
        answer.notes.append(f"No matrix is called “{unknown_matrix}”, so the default matrix answered.")
    return answer


def _named(query: str, names: list[str]) -> int | None:
    """The one index `query` names among `names`, by the activity lookup's own matching."""
    found = lookup.name_match(query=query, names=names)
    return found.matches[0] if found.outcome == "found" else None


def _launch(workspace: Workspace, launch_id: int, activity: str) -> Answer:
    launch = selectors.launch_get(workspace=workspace, launch_id=launch_id)
    if launch is None:  # deleted between the two reads
        return refusal("That launch is no longer there.")
    items = launch_selectors.checklist_of(launch=launch)
    note = []
    if activity and activity.casefold() not in WHOLE_CHECKLIST:
        matched = lookup.name_match(query=activity, names=[i.title for i in items])
        if matched.outcome in ("found", "ambiguous"):
            items = [items[i] for i in matched.matches]
        else:
            note.append(f"No readiness item of {launch.name} is called “{activity}”: here is the whole checklist.")
    lines = []
    for item in items[:LIST_MAX]:
        due = f", due {item.due_date.day} {item.due_date:%b %Y}" if item.due_date else ""
        lines.append(
            f"{item.title}: {launch_selectors.item_owner_label(item)} ({item.get_status_display().lower()}{due})"
        )
    if len(items) > LIST_MAX:
        lines.append(f"… and {len(items) - LIST_MAX} more on the launch page.")
    leads = [
        f"{side} owner: {member.display_name}"
        for side, member in (("PM", launch.pm_owner), ("PMM", launch.pmm_owner))
        if member is not None
    ]
    url = absolute(reverse("launches:launch", args=[workspace.slug, launch.cycle.slug, launch.pk]))
    return Answer(
        "launch",
        f"{launch.name}: readiness owners",
        " · ".join([launch.cycle.name, *leads]),
        [Part("Checklist", lines or ["The launch has no readiness checklist yet."])],
        [Link("Open the launch", url)],
        note,
    )


def answer_of(*, workspace: Workspace, text: str) -> Answer:
    """Answer `text` from the workspace's matrices and launches, counting the activity it found."""
    question = question_of(text)
    if question.kind == "help":
        return HELP
    return _who(workspace, question)


def _who(workspace: Workspace, question: Question) -> Answer:
    unknown_matrix = unknown_launch = ""
    if question.launch:
        launches = selectors.launches_of(workspace_id=workspace.pk)
        index = _named(launch_words(question.launch), [launch.name for launch in launches])
        if index is not None:
            return _launch(workspace, launches[index].id, question.activity)
        unknown_launch = question.launch
    matrices = selectors.matrices_of(workspace_id=workspace.pk)
    chosen = next((m for m in matrices if m.is_default), None)
    if question.matrix:
        index = _named(matrix_words(question.matrix), [m.name for m in matrices])
        if index is not None:
            chosen = matrices[index]
        else:
            unknown_matrix = question.matrix
    if chosen is None:
        return refusal("This workspace has no matrix yet.", "Make one in Lockstep, and ask again.")
    matrix = selectors.matrix_get(workspace=workspace, matrix_id=chosen.id)
    if matrix is None:
        return refusal("That matrix is no longer there.")
    grid = raci_selectors.matrix_grid(matrix=matrix)
    # The words a tail did not take back are part of the name ("pricing for enterprise").
    tried = [question.activity]
    if unknown_matrix or unknown_launch:
        longer = question.activity
        longer += f" in {unknown_matrix}" if unknown_matrix else ""
        longer += f" for {unknown_launch}" if unknown_launch else ""
        tried.insert(0, longer)
    found = lookup.activity_lookup(grid=grid, query=tried[-1])
    for words in tried[:-1]:
        first = lookup.activity_lookup(grid=grid, query=words)
        if first.outcome in ("found", "ambiguous"):
            found, unknown_matrix = first, ""
            break
    if found.outcome == "empty":
        return HELP
    if found.outcome == "found" and found.owners is not None:
        services.question_count(matrix_id=matrix.pk, activity_id=found.owners.activity.id, now=timezone.now())
        answer = _found(matrix, grid, found.owners)
        if unknown_matrix:
            answer.notes.append(f"No matrix is called “{unknown_matrix}”, so the default matrix answered.")
        return answer
    if found.outcome == "ambiguous":
        return _pick(matrix, grid, found)
    return _none(matrix, found, unknown_matrix)
