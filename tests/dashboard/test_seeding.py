import pytest
from django.urls import reverse

from dashboard.seeding import DEMO_PASSWORD, demo_seed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["demo", "priya", "marco"])
def test_each_demo_person_signs_in_straight_to_the_product(client, username):
    demo_seed()
    demo_seed()
    response = client.post(reverse("login"), {"login": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"], "the demo's addresses are confirmed already"
    assert client.get(reverse("home")).status_code in (200, 302)
    assert "_auth_user_id" in client.session
