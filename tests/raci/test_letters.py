"""One reader of a cell's letters: the cell editor, the CSV reader and `raci_check --csv`
accept exactly the CSV contract's spellings and refuse everything else."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.errors import InvalidInput
from raci import services
from raci.letters import letters_parse
from raci.models import Cell, ChangeEvent
from raci.tabular import parse_csv
from tests.factories import MembershipFactory, build_matrix

ACCEPTED = [
    ("R", "R"),
    ("r", "R"),
    ("A", "A"),
    ("a", "A"),
    (" c ", "C"),
    ("i", "I"),
    ("", ""),
    ("   ", ""),
    ("-", ""),
    (" - ", ""),
    ("A/R", "AR"),
    ("R/A", "AR"),
    ("a/r", "AR"),
    ("AR", "AR"),
    ("ra", "AR"),
    ("a, r", "AR"),
    ("A,R", "AR"),
    ("A + R", "AR"),
    ("r+a", "AR"),
    ("A & R", "AR"),
    ("R&A", "AR"),
    ("A R", "AR"),
    ("  a / r  ", "AR"),
]
REFUSED = [
    "A-R",
    "R&&A",
    "A//R",
    "A/R/C",
    "RC",
    "AA",
    "RR",
    "A/C",
    "X",
    "RACI",
    "--",
    "Consulted",
    "Responsible",
    "0",
    "A\x00R",
    "Ａ",
]


def _csv_reads(text: str) -> str | None:
    table = parse_csv(f'Activity,PM\nNaming,"{text}"\n'.encode())
    return table.activities[0].letters.get(0, "") if table.ok else None


def _editor_reads(text: str) -> str | None:
    try:
        return services.parse_value(text)
    except InvalidInput:
        return None


READERS = {"letters": letters_parse, "csv": _csv_reads, "editor": _editor_reads}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("text", "stored"), ACCEPTED)
def test_every_contract_spelling_is_read_alike_by_editor_and_csv(reader, text, stored):
    assert READERS[reader](text) == stored


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", REFUSED)
def test_spellings_outside_the_contract_are_refused_by_editor_and_csv(reader, text):
    assert READERS[reader](text) is None


def test_the_editor_names_the_value_and_the_field_when_it_refuses():
    with pytest.raises(InvalidInput) as refused:
        services.parse_value("A-R")
    assert "A-R" in str(refused.value) and refused.value.field == "value"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "status", "stored"), [("a, r", 200, "AR"), ("R&A", 200, "AR"), ("A-R", 422, "I"), ("R&&A", 422, "I")]
)
def test_the_cell_editor_page_saves_or_refuses_as_the_contract_says(client, typed, status, stored):
    member = MembershipFactory(access="editor")
    client.force_login(member.user)
    matrix, acts, roles = build_matrix(member.workspace, activities=1, roles=2)
    Cell.objects.update_or_create(activity=acts[0], role=roles[1], defaults={"value": "I", "version": 1})
    cell = Cell.objects.get(activity=acts[0], role=roles[1])
    url = reverse("raci:cell", args=[matrix.workspace.slug, matrix.slug, acts[0].pk, roles[1].pk])
    response = client.post(url, {"value": typed, "version": str(cell.version)}, headers={"HX-Request": "true"})
    assert response.status_code == status
    assert Cell.objects.get(pk=cell.pk).value == stored
    assert ChangeEvent.objects.exists() == (status == 200)


@pytest.mark.parametrize(("text", "ok"), [("a, r", True), ("R/A", True), ("A-R", False), ("R&&A", False)])
def test_raci_check_csv_reads_letters_as_the_contract_says(tmp_path, text, ok):
    path = tmp_path / "matrix.csv"
    path.write_text(f'Activity,PM,Eng\nNaming,"{text}",R\n', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("raci_check", "--csv", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert ("not a RACI value" in out.getvalue() + err.getvalue()) is not ok
    assert code == (0 if ok else 1)
