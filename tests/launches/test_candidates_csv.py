"""Candidates from a CSV file: the pure parser, the all-or-nothing service and the upload view."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from launches import services
from launches.candidates_csv import MAX_ROWS, parse_candidates
from launches.models import Launch
from tests.factories import MatrixFactory, MembershipFactory
from tests.launches.conftest import make_launch

MEMBERS = {"ada": 1, "ada@example.com": 1, "grace": 2, "grace@example.com": 2}
MATRICES = {"billing": 7, "billing gtm": 7}
HEADER = "Name,Summary,PM owner,PMM owner,Ship date,Launch date,Matrix\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def parse(text, existing=(), raw=None):
    return parse_candidates(
        raw if raw is not None else text.encode(), members=MEMBERS, matrices=MATRICES, existing_names=set(existing)
    )


def test_a_good_file_gives_every_candidate():
    candidates, errors = parse(
        HEADER + "Usage billing,Pay per use,ADA,grace@EXAMPLE.com,2027-02-01,2027-03-01,Billing GTM\nSSO,,,,,,\n"
    )
    assert errors == []
    first, second = candidates
    assert (first.row, first.name, first.summary, first.pm_owner_id, first.pmm_owner_id, first.matrix_id) == (
        2,
        "Usage billing",
        "Pay per use",
        1,
        2,
        7,
    )
    assert (first.ship_date, first.launch_date) == (date(2027, 2, 1), date(2027, 3, 1))
    assert (second.name, second.pm_owner_id, second.matrix_id, second.launch_date) == ("SSO", None, None, None)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_delimiters_and_bom(delimiter, bom):
    text = (
        delimiter.join(["name", "PMM Owner", "Launch date"]) + "\n" + delimiter.join(["Alpha", "grace", "2027-01-05"])
    )
    candidates, errors = parse("", raw=bom + text.encode())
    assert errors == []
    assert [(c.name, c.pmm_owner_id, c.launch_date) for c in candidates] == [("Alpha", 2, date(2027, 1, 5))]


def test_a_comma_inside_a_semicolon_file_stays_in_its_cell():
    candidates, errors = parse("Name;Summary\nAlpha, beta;One, two, three\n")
    assert errors == [] and (candidates[0].name, candidates[0].summary) == ("Alpha, beta", "One, two, three")


def test_columns_in_any_order_and_only_name_required():
    candidates, errors = parse("Launch date;Name\n2027-01-05;Solo\n\n")
    assert errors == [] and candidates[0].name == "Solo" and candidates[0].launch_date == date(2027, 1, 5)


def test_every_error_is_listed_with_row_column_and_value():
    text = (
        HEADER
        + "\n".join(
            [
                "Good one,,ada,,,,",  # 2: fine
                ",,ada,,,,",  # 3: missing name
                "Unknown owner,,nobody,,,,",  # 4
                "Bad date,,,,2027-02-30,,",  # 5
                "Loose date,,,,,15/03/2027,",  # 6
                "Backwards,,,,2027-03-10,2027-03-01,",  # 7
                "good ONE,,,,,,",  # 8: duplicate within the file
                "Existing,,,,,,",  # 9: duplicate with the cycle
                "No matrix,,,,,,Nope",  # 10
                "Two problems,,,x@y.z,,tomorrow,",  # 11
            ]
        )
        + "\n"
    )
    candidates, errors = parse(text, existing={"existing"})
    found = {(e.row, e.column, e.value) for e in errors}
    assert found == {
        (3, "Name", ""),
        (4, "PM owner", "nobody"),
        (5, "Ship date", "2027-02-30"),
        (6, "Launch date", "15/03/2027"),
        (7, "Launch date", "2027-03-01"),
        (8, "Name", "good ONE"),
        (9, "Name", "Existing"),
        (10, "Matrix", "Nope"),
        (11, "PMM owner", "x@y.z"),
        (11, "Launch date", "tomorrow"),
    }
    by_row = {e.row: e.message for e in errors}
    assert "Row 2" in by_row[8] and "already has" in by_row[9] and "before the ship date" in by_row[7]
    assert [c.row for c in candidates] == [2]


def test_file_level_problems():
    assert parse("", raw=PNG)[1][0].message.startswith("The file is not a CSV")
    assert "UTF-16" in parse("", raw="Name\nA\n".encode("utf-16"))[1][0].message
    assert "empty" in parse("\n \n")[1][0].message
    assert "no launches" in parse("Name\n")[1][0].message
    missing = parse("Title,Summary\nA,b\n")[1]
    assert {(e.row, e.column) for e in missing} == {(1, "Title"), (1, "Name")}
    assert "twice" in parse("Name,name\nA,B\n")[1][0].message
    assert "limit" in parse("Name\n" + "".join(f"L{n}\n" for n in range(MAX_ROWS + 1)))[1][-1].message
    assert "limit" in parse("Name\n" + "x" * 201 + "\n")[1][0].message


# --- the service and the view -----------------------------------------------------------


@pytest.fixture
def world(team):
    ws, cycle, people = team
    matrix = MatrixFactory(workspace=ws, name="Billing GTM", slug="billing-gtm")
    return ws, cycle, people, matrix


@pytest.mark.django_db
def test_service_adds_all_in_one_go(world):
    ws, cycle, people, matrix = world
    pm, pmm = people["PM"].user, people["PMM"].user
    data = (
        f"Name;PM owner;PMM owner;Matrix;Launch date\nA;{pm.username.upper()};{pmm.email};billing-gtm;2027-03-01\n"
        "B;;;Billing GTM;\n"
    ).encode()
    added = services.launches_import(cycle=cycle, data=data, by_email=True)
    assert [launch.name for launch in added] == ["A", "B"]
    a = Launch.objects.get(cycle=cycle, name="A")
    assert (a.pm_owner_id, a.pmm_owner_id, a.matrix_id, a.launch_date) == (
        people["PM"].pk,
        people["PMM"].pk,
        matrix.pk,
        date(2027, 3, 1),
    )


@pytest.mark.django_db
def test_service_saves_nothing_on_any_error_and_ignores_other_workspaces(world):
    ws, cycle, people, _ = world
    make_launch(cycle, name="Existing")
    stranger = MembershipFactory()
    MatrixFactory(workspace=stranger.workspace, name="Theirs", slug="theirs")
    data = f"Name,PM owner,Matrix\nFine,,\nexisting,,\nOther,{stranger.user.username},\nM,,theirs\n".encode()
    with pytest.raises(services.ImportRefused) as refused:
        services.launches_import(cycle=cycle, data=data)
    assert {(e.row, e.column) for e in refused.value.errors} == {(3, "Name"), (4, "PM owner"), (5, "Matrix")}
    assert list(cycle.launches.values_list("name", flat=True)) == ["Existing"]


def _upload(client, ws, cycle, content: bytes, name="launches.csv"):
    return client.post(
        reverse("launches:launches_import", args=[ws.slug, cycle.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


@pytest.mark.django_db
def test_view_adds_a_good_file_and_lists_every_problem_of_a_bad_one(client, world):
    ws, cycle, people, _ = world
    client.force_login(people["PMM"].user)
    page = client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Add candidates from a CSV file" in page
    ok = _upload(client, ws, cycle, b"\xef\xbb\xbfName\tSummary\nA\t<b>x</b>\nB\t\n")
    assert ok.status_code == 302 and cycle.launches.count() == 2
    assert "Added 2 launches" in client.get(ok["Location"]).content.decode()
    bad = _upload(client, ws, cycle, b"Name,Launch date\nC,2027-13-01\nE,<script>x</script>\n,2027-01-01\nD,\n")
    body = bad.content.decode()
    assert bad.status_code == 422 and cycle.launches.count() == 2
    assert "nothing was added" in body, body[body.find("import-launches") :]
    assert "2027-13-01" in body and "&lt;script&gt;" in body and "<script>x" not in body
    assert body.count("<tr>") == 3 + 1  # header + the three problems (rows 2, 3 and 4; row 5 is fine)


@pytest.mark.django_db
def test_a_refused_file_is_named_next_to_its_problems_and_the_upload_is_offered_again(client, world):
    ws, cycle, people, _ = world
    client.force_login(people["PMM"].user)
    bad = _upload(client, ws, cycle, b"Name,Launch date\nC,2027-13-01\n", name="q1 <candidates>.csv")
    body = bad.content.decode()
    assert bad.status_code == 422
    assert "Problems in “q1 &lt;candidates&gt;.csv”: fix them and choose the corrected file above" in body
    section = body[body.index('id="import"') :]
    assert section.index('type="file"') < section.index("Problems in")


@pytest.mark.django_db
def test_view_refuses_png_and_missing_file(client, world):
    ws, cycle, people, _ = world
    client.force_login(people["editor"].user)
    png = _upload(client, ws, cycle, PNG, name="launches.png")
    assert png.status_code == 422 and "not a CSV file" in png.content.decode() and cycle.launches.count() == 0
    missing = client.post(reverse("launches:launches_import", args=[ws.slug, cycle.slug]), {})
    assert missing.status_code == 422 and cycle.launches.count() == 0


@pytest.mark.django_db
def test_a_header_of_490_000_columns_is_refused_with_one_short_message(client, world):
    """It held a web worker 16.3 s and answered a 78 MB page listing every column."""
    ws, cycle, people, _ = world
    client.force_login(people["editor"].user)
    data = ("Name," + ",".join("x" for _ in range(489_999)) + "\r\nBilling\r\n").encode()
    assert len(data) < 1_000_000
    refused = _upload(client, ws, cycle, data)
    body = refused.content.decode()
    assert refused.status_code == 422 and cycle.launches.count() == 0
    assert "The file has 1 problem; nothing was added." in body
    assert "The header row is longer than 4,096 characters" in body
    assert len(body) < 100_000


@pytest.mark.django_db
def test_the_first_500_problems_are_listed_and_the_rest_counted(client, world):
    ws, cycle, people, _ = world
    client.force_login(people["editor"].user)
    # Two problems a row: 1,000 of them, 500 listed.
    data = ("Name,Launch date\n" + ",someday\n" * MAX_ROWS).encode()
    candidates, errors = parse("", raw=data)
    assert candidates == [] and len(errors) == 500 and errors.total == 1_000
    body = _upload(client, ws, cycle, data).content.decode()
    assert "The file has 1,000 problems; nothing was added." in body
    assert "Showing the first 500 of 1000." in body and body.count("<tr>") == 501


@pytest.mark.django_db
def test_view_permissions(client, world):
    ws, cycle, people, _ = world
    url = reverse("launches:launches_import", args=[ws.slug, cycle.slug])
    client.force_login(people["viewer"].user)
    assert client.post(url, {"file": SimpleUploadedFile("a.csv", b"Name\nA\n")}).status_code == 403
    assert (
        "Add candidates from a CSV file"
        not in client.get(reverse("launches:cycle", args=[ws.slug, cycle.slug])).content.decode()
    )
    client.force_login(MembershipFactory().user)
    assert client.post(url, {"file": SimpleUploadedFile("a.csv", b"Name\nA\n")}).status_code == 404
    assert client.get(url).status_code == 405
    assert cycle.launches.count() == 0


@pytest.mark.django_db
def test_only_an_admin_may_name_owners_by_e_mail(client, world):
    """Addresses are shown to admins only: an editor's file that matched them would tell the
    editor which addresses belong to the team."""
    ws, cycle, people, _ = world
    data = f"Name,PMM owner\nA,{people['PMM'].user.email}\n".encode()
    client.force_login(people["editor"].user)
    refused = _upload(client, ws, cycle, data)
    assert refused.status_code == 422 and cycle.launches.count() == 0
    assert "No member of this workspace has this username" in refused.content.decode()
    client.force_login(people["admin"].user)
    assert _upload(client, ws, cycle, data).status_code == 302
    assert cycle.launches.get().pmm_owner_id == people["PMM"].pk
