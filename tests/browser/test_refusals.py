"""A refused plain form post lands on the page its view declares, with the message shown."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import shoot
from tests.factories import MembershipFactory, build_matrix
from workspaces.models import Access, Role


def test_a_role_still_in_a_matrix_is_refused_and_the_roles_page_says_why(page: Page, server, sign_in):
    member = MembershipFactory(access=Access.ADMIN)
    _, _, roles = build_matrix(member.workspace, activities=2, roles=2)
    ws = member.workspace.slug
    sign_in(page, member.user.username)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server}/w/{ws}/roles/{roles[0].pk}/")
        page.locator("form.danger-zone button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/w/{ws}/roles/$"))
        expect(page.get_by_text(re.compile("column in"))).to_be_visible()
        shoot(page, "role-delete-refused", widths=(width,))
    assert Role.objects.filter(pk=roles[0].pk).exists()
