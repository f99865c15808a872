"""The installable web app's server side: the manifest, the service worker at the root scope, the page of
entries kept on the phone, and the list of pages an official's phone keeps (participants/views_offline.py)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pwa import SHELL, WORKER_SCRIPTS
from tests.factories import ParticipantFactory


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Desa Sadar Jamsostek"
    assert manifest["lang"] == "id" and manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("home") and manifest["scope"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and icon["src"].startswith("/static/img/icons/")


def test_the_service_worker_is_served_at_the_root_and_never_from_the_http_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    config = json.loads(body.split("self.DSJ_CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["offlineUrl"] == "/offline/" and config["loginPath"] == "/accounts/login/"
    assert set(config["shell"]) == {f"/static/{path}" for path in SHELL}
    assert all(f'"/static/{path}"' in body for path in WORKER_SCRIPTS)
    # Every file the worker caches at install exists: one missing file would make the install fail.
    assert all(finders.find(path) for path in (*SHELL, *WORKER_SCRIPTS))


def test_the_service_worker_version_follows_the_shell_s_content(client, settings, tmp_path):
    settings.DEBUG = True  # read on every request (in production once per process)
    first = client.get("/sw.js").content
    assert client.get("/sw.js").content == first
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: red; }")
    finders.get_finder.cache_clear()
    try:
        assert client.get("/sw.js").content != first
    finally:
        finders.get_finder.cache_clear()


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js"])
def test_the_app_files_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_the_offline_page_is_a_shell_for_signed_in_users(client, official):
    assert client.get("/offline/").status_code == 302
    client.force_login(official)
    response = client.get("/offline/")
    assert response.status_code == 200
    assert b'id="offline-queue"' in response.content
    assert b'rel="manifest"' in response.content


def pages_read(client) -> tuple[list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("participants:offline_pages"))
    return response.json()["pages"], len(queries)


def test_an_official_s_phone_keeps_their_village_s_pages(client, official, batang_barus, sikalang):
    mine = [ParticipantFactory(village=batang_barus, name=f"Warga {n}") for n in range(3)]
    gone = ParticipantFactory(village=batang_barus, exit_date=datetime.date(2025, 1, 31), exit_reason="pindah")
    other = ParticipantFactory(village=sikalang)
    client.force_login(official)
    pages, queries = pages_read(client)
    # The same queries whatever the village's size (session, user, roles, villages, participants, session save).
    ParticipantFactory.create_batch(30, village=batang_barus)
    assert pages_read(client)[1] == queries == 8
    for participant in mine:
        assert f"/participants/{participant.pk}/" in pages
        assert f"/participants/{participant.pk}/contributions/new/" in pages
    assert f"/participants/{other.pk}/" not in pages
    assert f"/participants/{gone.pk}/" not in pages
    assert {"/", "/offline/", "/participants/", "/participants/new/", "/activities/new/"} <= set(pages)
    assert f"/villages/{batang_barus.code}/" in pages
    assert f"/villages/{sikalang.code}/" not in pages
    assert sum(page.startswith("/participants/contributions/monthly/?month=") for page in pages) == 2


def test_branch_roles_keep_nothing_on_their_phones(client, staff_user, batang_barus):
    ParticipantFactory(village=batang_barus)
    client.force_login(staff_user)
    assert client.get(reverse("participants:offline_pages")).json() == {"pages": []}
