"""Personal API tokens: created, named and revoked by their user, shown once, stored hashed, throttled."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import MAX_ACTIVE_TOKENS, token_create
from tests.factories import ParticipantFactory, UserFactory


def with_token(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_shown_once_and_stored_hashed(client, official):
    client.force_login(official)
    page = client.get(reverse("participants:list"))
    assert f'href="{reverse("api:tokens")}"' in page.text  # in the user menu
    response = client.post(reverse("api:tokens"), {"name": "HP operator"})
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    secret = response.context["created"]["secret"]
    assert secret.startswith("dsj_") and len(secret) > 40 and secret in response.text
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix) == (official, "HP operator", secret[:10])
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.digest
    listing = client.get(reverse("api:tokens"))
    assert secret not in listing.text and "HP operator" in listing.text and "belum pernah" in listing.text


def test_a_token_reads_as_its_user_and_notes_its_last_use(client, official, batang_barus, sikalang):
    ParticipantFactory(village=batang_barus, name="Warga Batang Barus")
    ParticipantFactory(village=sikalang, name="Warga Sikalang")
    token, secret = token_create(user=official, name="Portal")
    response = with_token(secret).get("/api/v1/participants/")
    assert [row["name"] for row in response.json()["results"]] == ["Warga Batang Barus"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    client.force_login(official)
    assert "belum pernah" not in client.get(reverse("api:tokens")).text


def test_a_revoked_token_no_longer_opens_the_api(client, official, other_official, db):
    token, secret = token_create(user=official, name="Lama")
    client.force_login(other_official)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert with_token(secret).get("/api/v1/villages/").status_code == 200
    client.force_login(official)
    assert client.get(reverse("api:token_revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    response = with_token(secret).get("/api/v1/villages/")
    assert (response.status_code, response.json()["detail"]) == (401, "Token API tidak dikenal atau sudah dicabut.")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "dicabut" in client.get(reverse("api:tokens")).text


def test_a_deactivated_user_s_token_is_refused(official, db):
    _, secret = token_create(user=official, name="HP")
    official.is_active = False
    official.save()
    assert with_token(secret).get("/api/v1/villages/").status_code == 401


def test_a_token_of_a_user_without_role_sees_nothing(batang_barus):
    ParticipantFactory(village=batang_barus)
    _, secret = token_create(user=UserFactory(username="tanpa.peran"), name="x")
    assert with_token(secret).get("/api/v1/participants/").json()["count"] == 0
    assert with_token(secret).get("/api/v1/villages/").json()["count"] == 0


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer a b", "Bearer dsj_salah", "Bearer tanpa-awalan", "bearer dsj_\u00e9", "Bearer \x00"]
)
def test_malformed_or_unknown_tokens_are_a_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/villages/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_without_credentials_the_api_says_how_to_sign_in(db):
    response = APIClient().get("/api/v1/villages/")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Belum masuk: kirim token API")


def test_the_number_of_active_tokens_is_bounded(client, official):
    for number in range(MAX_ACTIVE_TOKENS):
        token_create(user=official, name=f"token {number}")
    client.force_login(official)
    response = client.post(reverse("api:tokens"), {"name": "satu lagi"})
    assert "Paling banyak 10 token aktif" in response.text
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS
    assert client.post(reverse("api:tokens"), {"name": "  "}).context["form"].errors["name"]


def test_throttling_counts_per_token(settings, official):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}
    first = with_token(token_create(user=official, name="satu")[1])
    second = with_token(token_create(user=official, name="dua")[1])
    assert [first.get("/api/v1/villages/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = first.get("/api/v1/villages/")
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert throttled.json()["detail"].startswith("Terlalu banyak permintaan dengan token ini")
    assert second.get("/api/v1/villages/").status_code == 200
