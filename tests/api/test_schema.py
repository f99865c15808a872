"""The OpenAPI schema: valid with no warning, served to signed-in users only, describing every write's key."""

from __future__ import annotations

import yaml
from django.core.management import call_command

from tests.api.conftest import bearer


def test_the_schema_validates_without_warnings(tmp_path, db):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert {path.split("/")[3] for path in schema["paths"]} >= {
        "regencies",
        "districts",
        "villages",
        "participants",
        "contributions",
        "claims",
        "activities",
        "statistics",
        "indicators",
        "evaluation-cycles",
        "evaluations",
    }


def test_every_operation_documents_its_errors_and_every_write_its_key(staff_user):
    schema = bearer(staff_user).get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "404", "429"} <= set(operation["responses"]), (method, path)
            headers = {
                parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "header"
            }
            if method in ("post", "patch"):
                assert "Idempotency-Key" in headers and "422" in operation["responses"], (method, path)
            else:
                assert "Idempotency-Key" not in headers, (method, path)
    assert schema["components"]["securitySchemes"]["tokenAPI"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["tokenAPI"]["description"],
    }


def test_the_schema_is_for_signed_in_users(client, official):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(official)
    response = client.get("/api/schema/")
    assert response.status_code == 200 and response.text.startswith("openapi: 3")


def test_the_docs_page_needs_no_internet_and_no_inline_code(client, official):
    assert client.get("/api/docs/")["Location"].startswith("/accounts/login/")
    client.force_login(official)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "<style" not in page.text and "<script>" not in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page.text
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.text and '"validatorUrl": null' in script.text
