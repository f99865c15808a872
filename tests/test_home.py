import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_shows_branch_and_villages_count(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "BPJAMSOSTEK Cabang Solok" in response.text
    assert response.context["villages_count"] == 277
