"""The bad-input suite, the admin's share: hostile search, page, order, list-filter and date-hierarchy
values in every registered changelist, generated from the admin's registry, and in the autocomplete, for
the branch administrator and an operator given admin access; never a 500. Its forms are Django's own."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.bad_input import HOSTILE_VALUES, H, Template, fill, session
from tests.factories import UserFactory
from tests.test_access_matrix import World
from tests.test_bad_input import JUNK, RAW_QUERIES, _request

# --- the admin: every changelist's search, page, order and filters, generated from the registry --------------------


def admin_templates(model_admin, request) -> list[Template]:
    """The changelist's own parameters together, then each filter of the project's own on its own.

    Django refuses a bad value of a field filter as a whole (the ?e=1 redirect), which would hide a
    project filter tried in the same request; a project filter (SimpleListFilter) reads its value itself.
    """
    from django.contrib.admin import SimpleListFilter

    templates: list[Template] = [{"q": H, "p": H, "o": H}]
    for spec in model_admin.get_changelist_instance(request).filter_specs:
        if isinstance(spec, SimpleListFilter):
            templates.append(dict.fromkeys(spec.expected_parameters(), H))
    if model_admin.date_hierarchy:
        templates.append({f"{model_admin.date_hierarchy}__year": H, f"{model_admin.date_hierarchy}__month": H})
    return templates


@pytest.fixture
def admin_users(superuser, batang_barus) -> dict:
    """The branch administrator, and an operator of Batang Barus given admin access and every view permission."""
    from django.contrib.auth.models import Permission, User

    from villages.access import ROLE_OFFICIAL

    operator = UserFactory(username="operator.admin", role=ROLE_OFFICIAL, villages=[batang_barus], is_staff=True)
    operator.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    return {"superuser": superuser, "official": User.objects.get(pk=operator.pk)}


@pytest.mark.parametrize("label", sorted(model._meta.label_lower for model in admin.site._registry))
def test_hostile_admin_query_strings_never_answer_500(admin_users, rf, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_users["superuser"]
    world = World({})
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    queries = [JUNK, *RAW_QUERIES] + [
        fill(template, value, world) for template in admin_templates(model_admin, request) for value in HOSTILE_VALUES
    ]
    clients = {role: session(user) for role, user in admin_users.items()}
    failures = []
    for index, query in enumerate(queries):
        role = list(clients)[index % len(clients)]
        _status, problem = _request(clients[role], url, query, {})
        if problem:
            failures.append(f"{role} GET {url} {query!r:.160}: {problem}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:25])


def test_hostile_admin_autocomplete_never_answers_500(admin_users):
    client = session(admin_users["official"])
    url = reverse("admin:autocomplete")
    failures = []
    for value in HOSTILE_VALUES:
        for query in (
            {"term": value, "app_label": "participants", "model_name": "contribution", "field_name": "participant"},
            {"term": "a", "app_label": value, "model_name": value, "field_name": value},
        ):
            _status, problem = _request(client, url, query, {})
            if problem:
                failures.append(f"GET {url} {query!r:.160}: {problem}")
    assert not failures, "\n".join(failures[:25])
