"""With DEBUG on, errors still show the Indonesian pages (the developer's details below them), unless
DEBUG_TECHNICAL_ERRORS asks for Django's technical pages; with DEBUG off nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from tests.factories import SIKALANG


def crash(request):
    raise ZeroDivisionError("pembagian dengan nol di tampilan uji")


# The project's URLs plus one view that fails, for the 500 page.
urlpatterns = [path("uji-galat/", crash, name="crash"), path("", include("desa_sadar.urls"))]


@override_settings(DEBUG=True)
def test_out_of_scope_object_shows_the_indonesian_page_with_details(client, official):
    client.force_login(official)
    response = client.get(f"/villages/{SIKALANG}/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert 'data-testid="debug-details"' in response.text and f"/villages/{SIKALANG}/" in response.text
    assert "Page not found" not in response.text
    assert "style=" not in response.text and "<style" not in response.text


@override_settings(DEBUG=True)
def test_unknown_url_shows_the_indonesian_page(client, official):
    client.force_login(official)
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert "Tidak ada pola URL untuk &#x27;/tidak-ada-halaman-ini/&#x27;" in response.text


@override_settings(DEBUG=True, ROOT_URLCONF=__name__)
def test_server_error_shows_the_indonesian_page_with_the_traceback(db):
    response = Client(raise_request_exception=False).get("/uji-galat/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.text
    assert "ZeroDivisionError" in response.text and "pembagian dengan nol di tampilan uji" in response.text


@override_settings(DEBUG=True, DEBUG_TECHNICAL_ERRORS=True)
def test_the_switch_brings_back_djangos_technical_page(client, official):
    client.force_login(official)
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Page not found" in response.text and "Halaman tidak ditemukan" not in response.text


@pytest.mark.parametrize("path", [f"/villages/{SIKALANG}/", "/tidak-ada-halaman-ini/"])
@override_settings(DEBUG=False)
def test_without_debug_there_are_no_details(client, official, path):
    client.force_login(official)
    response = client.get(path)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text and "debug-details" not in response.text


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_without_debug_a_server_error_has_no_traceback(db):
    response = Client(raise_request_exception=False).get("/uji-galat/")
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.text and "ZeroDivisionError" not in response.text
