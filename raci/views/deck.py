"""The matrix as slides ("Download as PowerPoint"), for whoever may read the matrix."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from core import slides
from raci.deck import matrix_deck_of
from raci.matrix_access import matrix_for


@login_required
@require_GET
def matrix_slides(request, ws, m):
    matrix = matrix_for(request, ws, m)
    body = matrix_deck_of(matrix=matrix, hide_names=slides.names_hidden(request.GET.get("hide_names")))
    return slides.download(body, filename=f"{matrix.slug}.pptx")
