"""Where a matrix's letters come from: each row made from a template links to a panel under
the grid naming the articles (title and author where known), reachable by keyboard rather
than only a tooltip on hover."""

import re

import pytest
from django.urls import reverse

from raci import services
from raci.models import Template
from raci.seeding import templates_seed
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_each_row_links_to_the_articles_its_letters_come_from(client):
    templates_seed()
    member = MembershipFactory(access="viewer")
    template = Template.objects.get(slug="pm-pmm-scaleup", workspace=None)
    matrix = services.matrix_create(workspace=member.workspace, name="Core", actor=member.user, template=template)
    pricing = matrix.activities.get(name="Pricing & Packaging")
    readiness = matrix.activities.get(name="Launch Readiness")
    client.force_login(member.user)
    html = client.get(reverse("raci:matrix", args=[member.workspace.slug, matrix.slug])).content.decode()
    assert f'href="#src-{pricing.pk}"' in html and f'id="src-{pricing.pk}"' in html
    panel = html.split(f'id="src-{pricing.pk}"')[1].split("</div>")[0]
    assert "“Product Marketing vs. Product Management: The GTM Framework” by James Doman-Pipe" in panel
    assert "<li>PM C (" in panel and "<li>PMM A/R (" in panel  # one line per letter
    # The "our default" mark is a link to the same panel, not a tooltip to hover.
    assert re.search(rf'<a class="odmark" href="#src-{readiness.pk}"', html)
    assert "hover" not in html.lower().split('id="grid"')[1]
