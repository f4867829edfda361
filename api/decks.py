"""The quarter and a matrix as slides (`.pptx`), the decks the pages' "Download as
PowerPoint" gives, for any token that may read the workspace. `hide_names=true` leaves
every person out: roles only."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Query, Router

from api.endpoints import READS, M, W
from api.tokens import Caller
from core import slides
from core.errors import InvalidInput, NotFound
from launches.converters import FIRST_YEAR, LAST_YEAR
from launches.deck import quarter_deck_of
from raci.deck import matrix_deck_of
from raci.models import Matrix
from workspaces.workload import Quarter

router = Router()

# A quarter as the pages spell it in their URLs: 2027-q1 (2027Q1 too).
QuarterText = Annotated[str, Field(pattern=r"^[0-9]{4}-?[qQ][1-4]$", examples=["2027-q1"])]
HIDE_NAMES = Query(False, description="Leave every person's name out: roles only.")
SLIDES = {
    "responses": {
        200: {
            "description": "The slides, as a PowerPoint file",
            "content": {slides.CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _matrix(caller: Caller, slug: str) -> Matrix:
    matrix = Matrix.objects.filter(workspace=caller.workspace, slug=slug[:60]).first()
    if matrix is None:
        raise NotFound("No such matrix.")
    matrix.workspace = caller.workspace
    return matrix


@router.get(
    M + "/slides.pptx",
    response=READS,
    openapi_extra=SLIDES,
    summary="A matrix as slides: a slide per phase with its letters, and the open findings",
)
def matrix_slides(request, ws: str, m: str, hide_names: bool = HIDE_NAMES):
    matrix = _matrix(request.auth, m)
    return slides.download(matrix_deck_of(matrix=matrix, hide_names=hide_names), filename=f"{matrix.slug}.pptx")


@router.get(
    W + "/quarters/{quarter}/slides.pptx",
    response=READS,
    openapi_extra=SLIDES,
    summary="A quarter as slides: the tier board, each Tier 1 launch, the load by week, the plan warnings",
)
def quarter_slides(request, ws: str, quarter: QuarterText, hide_names: bool = HIDE_NAMES):
    caller: Caller = request.auth
    year = int(quarter[:4])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"A quarter from {FIRST_YEAR} to {LAST_YEAR}, such as 2027-q1.", field="quarter")
    body = quarter_deck_of(workspace=caller.workspace, quarter=Quarter(year, int(quarter[-1])), hide_names=hide_names)
    return slides.download(body, filename=f"{caller.workspace.slug}-{year}-q{quarter[-1]}.pptx")
