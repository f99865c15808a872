"""Errors answer in Indonesian, and a village outside the scope looks like one that does not exist."""

from django.test import override_settings


@override_settings(DEBUG=False)
def test_not_found_page_is_indonesian(client, official):
    client.force_login(official)
    response = client.get("/villages/13.73.04.2010/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert "di luar desa/nagari yang menjadi wewenang Anda" in response.text
