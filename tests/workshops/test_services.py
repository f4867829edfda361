from unittest import mock

import pytest

from core.errors import Conflict, InvalidInput, NotFound, StaleChanges
from raci import changelog, rules
from raci import services as raci_services
from raci.models import Activity, Cell, ChangeEvent, Column, Decision
from raci.selectors import matrix_grid
from tests.factories import MembershipFactory, build_matrix
from tests.queries import assert_same_queries
from workshops import selectors, services
from workshops.models import Proposal, Settlement, Workshop
from workspaces.models import Access


@pytest.fixture
def room(team):
    """A matrix of the shared concerns (PM and PMM columns) and a workshop with PM, PMM,
    support, the viewer and the admin (who facilitates)."""
    ws, _, people = team
    matrix = services.matrix_from_concerns(workspace=ws, name="Shared concerns", actor=people["admin"].user)
    pm = Column.objects.get(matrix=matrix, role__code="PM").role_id
    pmm = Column.objects.get(matrix=matrix, role__code="PMM").role_id
    acts = {a.name: a.pk for a in matrix.activities.all()}
    workshop = services.workshop_open(
        matrix=matrix,
        facilitator=people["PM"],
        title="R&R workshop",
        participant_ids=[people[k].pk for k in ("PMM", "SUP", "viewer")],
    )
    return {"matrix": matrix, "ws": ws, "people": people, "pm": pm, "pmm": pmm, "acts": acts, "w": workshop}


def _propose(room, who, activity, **letters):
    codes = {"PM": room["pm"], "PMM": room["pmm"]}
    for code, value in letters.items():
        services.proposal_set(
            workshop=room["w"],
            participant=room["people"][who],
            activity_id=room["acts"][activity],
            role_id=codes[code],
            value=value,
        )


def test_a_matrix_from_the_shared_concerns_has_pm_pmm_and_seed_004s_concerns(room):
    names = list(room["matrix"].activities.order_by("order").values_list("name", flat=True))
    assert names[:6] == [
        "Market segmentation",
        "TAM, SAM and OAM",
        "Value proposition",
        "Personas",
        "Pricing",
        "Positioning",
    ]
    assert list(Column.objects.filter(matrix=room["matrix"]).values_list("role__code", flat=True)) == ["PM", "PMM"]
    assert not Cell.objects.filter(activity__matrix=room["matrix"]).exclude(value="").exists()


def test_the_facilitator_takes_part_and_scope_defaults_to_every_activity(room):
    w = room["w"]
    assert set(w.participants.values_list("pk", flat=True)) == {
        room["people"][k].pk for k in ("PM", "PMM", "SUP", "viewer")
    }
    assert w.activities.count() == len(room["acts"])
    assert w.status == Workshop.Status.OPEN


def test_a_viewer_cannot_facilitate(room):
    with pytest.raises(InvalidInput):
        services.workshop_open(matrix=room["matrix"], facilitator=room["people"]["viewer"], title="Mine")


def test_only_members_of_the_workspace_can_be_invited(room):
    stranger = MembershipFactory(access=Access.EDITOR)
    with pytest.raises(InvalidInput):
        services.workshop_open(
            matrix=room["matrix"], facilitator=room["people"]["PM"], title="X", participant_ids=[stranger.pk]
        )
    with pytest.raises(InvalidInput):
        services.workshop_invite(workshop=room["w"], participant_ids=[stranger.pk])


def test_activities_in_scope_must_be_the_matrixs(room, team):
    ws, _, people = team
    other = raci_services.matrix_create(workspace=ws, name="Other", actor=people["admin"].user)
    alien = raci_services.activity_add(matrix=other, name="Alien", actor=people["admin"].user)
    with pytest.raises(InvalidInput):
        services.workshop_open(matrix=room["matrix"], facilitator=people["PM"], title="X", activity_ids=[alien.pk])


def test_a_title_with_a_nul_is_refused(room):
    with pytest.raises(InvalidInput):
        services.workshop_open(matrix=room["matrix"], facilitator=room["people"]["PM"], title="a\x00b")


def test_a_proposal_is_stored_per_participant_and_cell_and_can_change(room):
    _propose(room, "PMM", "Pricing", PM="A")
    _propose(room, "PMM", "Pricing", PM="C")
    proposals = Proposal.objects.filter(workshop=room["w"], participant=room["people"]["PMM"])
    assert [(p.value, p.version) for p in proposals] == [("C", 2)]


def test_a_proposal_is_not_an_edit_of_the_matrix(room):
    before = room["matrix"].events.count()
    _propose(room, "viewer", "Pricing", PM="A", PMM="R")
    assert room["matrix"].events.count() == before
    assert not Cell.objects.filter(activity__matrix=room["matrix"]).exclude(value="").exists()


def test_a_proposal_bumps_the_workshops_version(room):
    start = Workshop.objects.get(pk=room["w"].pk).version
    _propose(room, "PMM", "Pricing", PM="A")
    assert Workshop.objects.get(pk=room["w"].pk).version == start + 1


def test_an_uninvited_member_cannot_propose(room):
    with pytest.raises(InvalidInput):
        _propose(room, "editor", "Pricing", PM="A")


def test_a_proposal_outside_the_scope_is_not_found(room):
    w = services.workshop_open(
        matrix=room["matrix"],
        facilitator=room["people"]["PM"],
        title="Just pricing",
        activity_ids=[room["acts"]["Pricing"]],
    )
    with pytest.raises(NotFound):
        services.proposal_set(
            workshop=w,
            participant=room["people"]["PM"],
            activity_id=room["acts"]["Personas"],
            role_id=room["pm"],
            value="A",
        )


def test_an_invalid_letter_is_refused(room):
    with pytest.raises(InvalidInput):
        _propose(room, "PMM", "Pricing", PM="X")


def test_proposals_are_refused_after_the_reveal_and_while_paused(room):
    services.workshop_pause(workshop=room["w"])
    with pytest.raises(Conflict, match="paused"):
        _propose(room, "PMM", "Pricing", PM="A")
    services.workshop_resume(workshop=room["w"])
    _propose(room, "PMM", "Pricing", PM="A")
    services.workshop_reveal(workshop=room["w"])
    with pytest.raises(Conflict, match="revealed"):
        _propose(room, "PMM", "Pricing", PM="R")


def test_pause_and_resume_return_to_the_reveal(room):
    services.workshop_reveal(workshop=room["w"])
    services.workshop_pause(workshop=room["w"])
    assert room["w"].status == Workshop.Status.PAUSED
    with pytest.raises(Conflict, match="paused"):
        services.settle(
            workshop=room["w"],
            activity_id=room["acts"]["Pricing"],
            letters={room["pm"]: "A"},
            actor=room["people"]["PM"].user,
            since=None,
        )
    services.workshop_resume(workshop=room["w"])
    assert Workshop.objects.get(pk=room["w"].pk).status == Workshop.Status.REVEALED


# --- blindness ------------------------------------------------------------------------------


def test_before_the_reveal_a_participants_grid_holds_only_their_own_letters(room):
    _propose(room, "PMM", "Pricing", PM="A", PMM="R")
    _propose(room, "SUP", "Pricing", PM="C")
    grid = selectors.proposal_grid(workshop=room["w"], participant_id=room["people"]["SUP"].pk)
    assert {k: v for k, (v, _) in grid.cells.items()} == {(room["acts"]["Pricing"], room["pm"]): "C"}


def test_before_the_reveal_the_facilitator_sees_who_proposed_not_what(room):
    _propose(room, "PMM", "Pricing", PM="A", PMM="R")
    progress = selectors.progress(workshop=room["w"])
    by_name = {pk: (cells, rows) for pk, _, cells, rows in progress.people}
    assert by_name[room["people"]["PMM"].pk] == (2, 1)
    assert by_name[room["people"]["PM"].pk] == (0, 0)
    assert progress.proposed == 1
    with pytest.raises(Conflict):
        selectors.reveal_board(workshop=room["w"])


def test_the_rule_engine_checks_a_participants_own_proposal(room):
    _propose(room, "PMM", "Pricing", PM="A", PMM="A")
    grid = selectors.proposal_grid(workshop=room["w"], participant_id=room["people"]["PMM"].pk)
    assert "multiple-accountable" in {f.rule for f in grid.row_findings(room["acts"]["Pricing"])}


# --- the reveal -------------------------------------------------------------------------------


def test_the_reveal_shows_the_spread_per_cell(room):
    for who in ("PM", "PMM", "SUP"):
        _propose(room, who, "Pricing", PM="A")
    _propose(room, "viewer", "Pricing", PM="R")
    services.workshop_reveal(workshop=room["w"])
    board = selectors.reveal_board(workshop=room["w"])
    pricing = next(r for r in board.rows if r.activity.name == "Pricing")
    pm = next(c for c in pricing.cells if c.role == room["pm"])
    assert pm.counts == {"A": 3, "R": 1}
    assert pm.spread_text() == "A×3, R×1"
    pmm = next(c for c in pricing.cells if c.role == room["pmm"])
    assert pmm.counts == {"": 4}


def test_the_reveal_orders_disputed_first_most_split_first_then_findings_then_agreed(room):
    # Personas: split 2-2 (most split); Pricing: 3-1; Positioning: all agree but both
    # accountable (a finding); Value proposition: all agree, no finding.
    for who, v in (("PM", "A"), ("PMM", "A"), ("SUP", "R"), ("viewer", "R")):
        _propose(room, who, "Personas", PM=v, PMM="A/R" if v == "R" else "R")
    for who, v in (("PM", "A"), ("PMM", "A"), ("SUP", "A"), ("viewer", "C")):
        _propose(room, who, "Pricing", PM=v, PMM="R")
    for who in ("PM", "PMM", "SUP", "viewer"):
        _propose(room, who, "Positioning", PM="A", PMM="A")
        _propose(room, who, "Value proposition", PM="R", PMM="A")
    services.workshop_reveal(workshop=room["w"])
    order = [r.activity.name for r in selectors.reveal_board(workshop=room["w"]).rows]
    assert order[:4] == ["Personas", "Pricing", "Positioning", "Value proposition"]
    tiers = {r.activity.name: r.tier for r in selectors.reveal_board(workshop=room["w"]).rows}
    assert tiers == {
        "Personas": "disputed",
        "Pricing": "disputed",
        "Positioning": "finding",
        "Value proposition": "agreed",
        **{n: "empty" for n in tiers if n not in ("Personas", "Pricing", "Positioning", "Value proposition")},
    }


def test_the_reveal_can_only_happen_once_and_only_for_the_open_workshop(room):
    services.workshop_reveal(workshop=room["w"])
    with pytest.raises(Conflict):
        services.workshop_reveal(workshop=room["w"])


# --- settling -------------------------------------------------------------------------------


def _agreeing_room(room):
    for who in ("PM", "PMM", "SUP"):
        _propose(room, who, "Pricing", PM="A", PMM="R")
    _propose(room, "viewer", "Pricing", PM="R", PMM="A")
    services.workshop_reveal(workshop=room["w"])


def test_settling_a_cell_writes_the_matrix_as_one_recorded_change_saying_how_many_agreed(room):
    _agreeing_room(room)
    matrix = room["matrix"]
    result = services.settle(
        workshop=room["w"],
        activity_id=room["acts"]["Pricing"],
        letters={room["pm"]: "A"},
        actor=room["people"]["PM"].user,
        since=matrix.last_seq,
    )
    assert Cell.objects.get(activity_id=room["acts"]["Pricing"], role_id=room["pm"]).value == "A"
    assert result.agreed == 3 and result.total == 4
    assert "3 of 4 agreed" in result.label and result.label.startswith("From the workshop of ")
    events = changelog.group_events(matrix=matrix, group=result.group)
    assert [e.kind for e in events] == ["cell"] and events[0].group_label == result.label
    settlement = Settlement.objects.get(workshop=room["w"], role_id=room["pm"])
    assert (settlement.value, settlement.agreed, settlement.total) == ("A", 3, 4)


def test_settling_a_whole_row_is_one_group_and_can_be_undone_from_the_history(room):
    _agreeing_room(room)
    matrix = room["matrix"]
    pricing = room["acts"]["Pricing"]
    result = services.settle(
        workshop=room["w"],
        activity_id=pricing,
        letters={room["pm"]: "A", room["pmm"]: "R"},
        actor=room["people"]["PM"].user,
        since=matrix.last_seq,
    )
    assert result.changed == 2 and "whole row" in result.label and "3 of 4 agreed" in result.label
    assert ChangeEvent.objects.filter(matrix=matrix, group=result.group, kind="cell").count() == 2
    raci_services.group_undo(matrix=matrix, group=result.group, actor=room["people"]["PM"].user)
    assert not Cell.objects.filter(activity_id=pricing).exclude(value="").exists()


def test_settling_is_refused_with_what_changed_when_the_matrix_changed_since(room):
    _agreeing_room(room)
    matrix = room["matrix"]
    seen = matrix.last_seq
    raci_services.cell_set(
        matrix=matrix,
        activity_id=room["acts"]["Pricing"],
        role_id=room["pm"],
        value="C",
        expected_version=0,
        actor=room["people"]["editor"].user,
    )
    with pytest.raises(StaleChanges) as refused:
        services.settle(
            workshop=room["w"],
            activity_id=room["acts"]["Pricing"],
            letters={room["pm"]: "A"},
            actor=room["people"]["PM"].user,
            since=seen,
        )
    assert "Pricing × PM" in refused.value.changes[0]
    assert Cell.objects.get(activity_id=room["acts"]["Pricing"], role_id=room["pm"]).value == "C"
    assert not Settlement.objects.exists()


def test_settling_waits_for_the_reveal(room):
    with pytest.raises(Conflict, match="not revealed"):
        services.settle(
            workshop=room["w"],
            activity_id=room["acts"]["Pricing"],
            letters={room["pm"]: "A"},
            actor=room["people"]["PM"].user,
            since=None,
        )


def test_settling_a_role_that_is_not_a_column_is_not_found(room):
    _agreeing_room(room)
    with pytest.raises(NotFound):
        services.settle(
            workshop=room["w"],
            activity_id=room["acts"]["Pricing"],
            letters={999999: "A"},
            actor=room["people"]["PM"].user,
            since=None,
        )


def test_a_disputed_row_can_be_split_into_input_and_outcome(room):
    _agreeing_room(room)
    pricing = room["acts"]["Pricing"]
    _, outcome = services.row_split(
        workshop=room["w"],
        activity_id=pricing,
        input_role_id=room["pm"],
        outcome_role_id=room["pmm"],
        actor=room["people"]["PM"].user,
        since=room["matrix"].last_seq,
    )
    assert Activity.objects.get(pk=pricing).name == "Pricing: input"
    assert room["w"].activities.filter(pk=outcome.pk).exists()
    assert Settlement.objects.get(workshop=room["w"], activity_id=pricing, role=None).value == "split"


def test_a_row_note_goes_to_the_decision_log(room):
    note = services.row_note(
        workshop=room["w"],
        activity_id=room["acts"]["Pricing"],
        text="PMM owns the price point",
        actor=room["people"]["PM"].user,
    )
    decision = Decision.objects.get(pk=note.decision_id)
    assert decision.activity_id == room["acts"]["Pricing"] and decision.matrix_id == room["matrix"].pk
    assert "R&R workshop" in decision.why
    with pytest.raises(InvalidInput):
        services.row_note(
            workshop=room["w"], activity_id=room["acts"]["Pricing"], text="x" * 501, actor=room["people"]["PM"].user
        )


def test_a_closed_workshop_takes_nothing(room):
    services.workshop_close(workshop=room["w"])
    with pytest.raises(Conflict):
        _propose(room, "PM", "Pricing", PM="A")
    with pytest.raises(Conflict):
        services.workshop_pause(workshop=room["w"])


def _settle_row(room, activity, **letters):
    codes = {"PM": room["pm"], "PMM": room["pmm"]}
    return services.settle(
        workshop=room["w"],
        activity_id=room["acts"][activity],
        letters={codes[code]: value for code, value in letters.items()},
        actor=room["people"]["PM"].user,
        since=room["matrix"].last_seq,
    )


def test_each_settled_cell_counts_who_proposed_its_letter_even_when_the_row_differs(room):
    for who in ("PM", "PMM", "SUP"):
        _propose(room, who, "Pricing", PM="R")
    services.workshop_reveal(workshop=room["w"])
    # The facilitator settles PMM as A where everyone left it blank: nobody proposed the
    # whole row, yet all three proposed R for PM.
    result = _settle_row(room, "Pricing", PM="R", PMM="A")
    assert (result.agreed, result.total) == (0, 3)
    pm = Settlement.objects.get(workshop=room["w"], role_id=room["pm"])
    pmm = Settlement.objects.get(workshop=room["w"], role_id=room["pmm"])
    assert (pm.agreed, pm.total) == (3, 3)
    assert (pmm.agreed, pmm.total) == (0, 3)


def test_a_blank_the_room_agreed_on_counts_as_agreement_on_an_empty_cell(room):
    for who in ("PM", "PMM", "SUP"):
        _propose(room, who, "Pricing", PM="A")
    services.workshop_reveal(workshop=room["w"])
    result = _settle_row(room, "Pricing", PM="A", PMM="")
    assert (result.agreed, result.total) == (3, 3)
    assert "changed" not in result.label
    assert not Decision.objects.filter(matrix=room["matrix"]).exists()


def test_settling_other_than_the_rooms_answer_is_marked_in_the_label_and_the_decision_log(room):
    for who in ("PM", "PMM", "SUP"):
        _propose(room, who, "Pricing", PM="A")
    services.workshop_reveal(workshop=room["w"])
    result = _settle_row(room, "Pricing", PM="A", PMM="C")
    assert result.label.endswith("the facilitator changed PMM")
    decision = Decision.objects.get(matrix=room["matrix"])
    assert decision.activity_id == room["acts"]["Pricing"]
    assert "PMM C (the room proposed empty, 3 of 3)" in decision.what
    assert "facilitator's change from the room's answer" in decision.why


def test_a_letter_picked_where_the_room_was_split_is_the_facilitators_change(room):
    _propose(room, "PM", "Pricing", PM="A")
    _propose(room, "PMM", "Pricing", PM="R")
    services.workshop_reveal(workshop=room["w"])
    _settle_row(room, "Pricing", PM="A", PMM="")
    decision = Decision.objects.get(matrix=room["matrix"])
    assert "PM A (the room was split: R×1, A×1)" in decision.what


def test_invitees_hear_of_the_workshop_by_their_choices_and_the_facilitator_does_not(
    room, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import EmailMode, Notification, NotificationPreference

    people = room["people"]
    told = Notification.objects.filter(kind="workshop_invited")
    assert set(told.values_list("user_id", flat=True)) == {people[k].user_id for k in ("PMM", "SUP", "viewer")}
    note = told.get(user_id=people["PMM"].user_id)
    assert "R&R workshop" in note.title and note.url.endswith(f"/workshops/{room['w'].pk}/")
    assert note.in_app and note.email == EmailMode.NOW
    # Invited later: e-mailed at once by default; someone who turned e-mail off for
    # workshops is told on the bell only.
    late = MembershipFactory(workspace=room["ws"], access=Access.EDITOR)
    NotificationPreference.objects.create(user=people["editor"].user, kind="workshop_invited", email=EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_invite(
            workshop=room["w"], participant_ids=[people["editor"].pk, late.pk], actor=people["PM"].user
        )
    quiet = Notification.objects.get(kind="workshop_invited", user_id=people["editor"].user_id)
    assert quiet.in_app and quiet.email == EmailMode.OFF
    assert [m.to for m in mailoutbox] == [[late.user.email]]
    assert "R&R workshop" in mailoutbox[0].subject


def test_participants_hear_of_the_reveal_once(room):
    from notifications.models import Notification

    services.workshop_reveal(workshop=room["w"], actor=room["people"]["PM"].user)
    told = Notification.objects.filter(kind="workshop_revealed")
    assert set(told.values_list("user_id", flat=True)) == {room["people"][k].user_id for k in ("PMM", "SUP", "viewer")}


def test_settling_one_cell_reads_its_row_and_column_not_the_whole_matrix(team):
    """A settlement is a write of a few cells: the counts move by the cells' rows and columns,
    so settling costs the same at 5 and at 60 activities and never checks the matrix whole."""
    ws, _, people = team

    def build(size):
        matrix, acts, roles = build_matrix(ws, activities=size, roles=4, name=f"M{size}")
        workshop = services.workshop_open(matrix=matrix, facilitator=people["PM"], title=f"At {size}")
        services.proposal_set(
            workshop=workshop, participant=people["PM"], activity_id=acts[1].pk, role_id=roles[2].pk, value="R"
        )
        services.workshop_reveal(workshop=workshop)
        return workshop, matrix, acts[1].pk, roles[2].pk

    def settle(built):
        workshop, matrix, activity_id, role_id = built
        with mock.patch.object(rules, "check", side_effect=AssertionError("the whole matrix was checked")):
            result = services.settle(
                workshop=workshop,
                activity_id=activity_id,
                letters={role_id: "R"},
                actor=people["PM"].user,
                since=matrix.last_seq,
            )
        return result, matrix

    def counted_as_a_full_check(answer, size):
        result, matrix = answer
        assert result.changed == 1
        matrix.refresh_from_db()
        assert matrix.counts == matrix_grid(matrix=matrix).counts

    assert_same_queries(build, settle, sizes=(5, 60), at_most=22, check=counted_as_a_full_check)
