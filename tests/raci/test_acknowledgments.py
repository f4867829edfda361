"""The acknowledgments module: fingerprints of what a finding is about, and which findings
an acknowledgment covers. Pure data, no database."""

from datetime import date

from raci import acknowledgments as acks
from raci.rules import ActivityData, Finding, MatrixData, RoleData, check


def _data(cells):
    return MatrixData(
        activities=[ActivityData(i, f"A{i}") for i in range(3)],
        roles=[RoleData("PM", "PM"), RoleData("PMM", "PMM"), RoleData("SALES", "SALES")],
        cells=cells,
    )


BASE = {(0, "PM"): "AR", (0, "SALES"): "C", (1, "PMM"): "A", (2, "PM"): "AR", (2, "PMM"): "I"}


def _accept(finding, data, **more):
    ack = acks.Acknowledgment(
        finding.rule, acks.fingerprint_of(finding, data), "on purpose", finding.activity, finding.role, **more
    )
    return acks.index([ack])


def _split(data, acknowledged):
    return acks.check_acknowledged(check(data), data, acknowledged)


def test_an_accepted_finding_moves_out_of_the_open_ones():
    data = _data(BASE)
    idle = next(f for f in check(data) if f.rule == "idle-role")
    open_, accepted = _split(data, _accept(idle, data))
    assert idle not in open_ and accepted == [(idle, accepted[0][1])]


def test_a_role_that_gets_any_letter_is_no_longer_covered():
    data = _data(BASE)
    idle = next(f for f in check(data) if f.rule == "idle-role")
    acknowledged = _accept(idle, data)
    changed = _data({**BASE, (1, "SALES"): "I"})
    open_, accepted = _split(changed, acknowledged)
    assert accepted == [] and any(f.rule == "idle-role" for f in open_)


def test_a_row_finding_is_covered_only_while_its_row_keeps_its_letters():
    data = _data(BASE)
    no_r = next(f for f in check(data) if f.rule == "no-responsible")
    acknowledged = _accept(no_r, data)
    assert _split(_data({**BASE, (0, "PMM"): "C"}), acknowledged)[1] != [], "another row changed"
    assert _split(_data({**BASE, (1, "SALES"): "C"}), acknowledged)[1] == [], "its own row changed"


def test_an_error_is_never_covered():
    data = _data({**BASE, (1, "PMM"): "C"})
    error = next(f for f in check(data) if f.rule == "no-accountable")
    assert not acks.can_acknowledge(error)
    assert _split(data, _accept(error, data))[1] == []


def test_fingerprints_do_not_depend_on_the_order_of_the_letters():
    assert acks.row_fingerprint({"PM": "A", "PMM": "C"}) == acks.row_fingerprint({"PMM": "C", "PM": "A"})
    assert acks.row_fingerprint({"PM": "A", "PMM": ""}) == acks.row_fingerprint({"PM": "A"})
    assert acks.row_fingerprint({"PM": "A"}) != acks.row_fingerprint({"PM": "AR"})


def test_an_acknowledgment_survives_its_json():
    ack = acks.Acknowledgment("idle-role", "f", "why", role=7, review_on=date(2027, 6, 1), on=date(2027, 3, 1))
    assert acks.Acknowledgment.from_json(ack.as_json()) == ack


def test_shared_hats_is_covered_while_the_person_holds_the_same_roles():
    data = _data(BASE)
    data.holders = {"PM": ["ana"], "PMM": ["ana"]}
    hats = next(f for f in check(data) if f.rule == "shared-hats")
    acknowledged = acks.index(
        [acks.Acknowledgment("shared-hats", acks.fingerprint_of(hats, data), "small team", person="ana")]
    )
    assert _split(data, acknowledged)[1] != []
    data.holders["SALES"] = ["ana"]
    assert _split(data, acknowledged)[1] == []
    assert isinstance(hats, Finding)
