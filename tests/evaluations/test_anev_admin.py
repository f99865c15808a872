"""The rubric is edited in the Django admin, items and categories inline, with its rules enforced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Rubric, RubricItem
from tests.builders import join
from tests.factories import DEFAULT_RUBRIC, EvaluationCycleFactory


def resubmitted(response) -> dict:
    """The POST data of an admin change page as it was rendered (the main form and every inline)."""
    data: dict = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = str(value)

    main = response.context["adminform"].form
    for name in main.fields:
        put(main, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for name in form.fields:
                put(form, name)
    return data


@pytest.fixture
def change_page(client, superuser):
    rubric = Rubric.objects.get(name=DEFAULT_RUBRIC)
    client.force_login(superuser)
    url = reverse("admin:evaluations_rubric_change", args=[rubric.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, response


def item_index(data: dict, indicator: str) -> str:
    return next(key.removesuffix("-indicator") for key, value in data.items() if value == indicator)


def test_the_default_rubric_is_edited_inline(client, change_page):
    url, page = change_page
    assert "Mandiri" in page.text and "Tingkat kolektibilitas (collection_rate)" in page.text  # a choice of indicators
    data = resubmitted(page)
    coverage = item_index(data, "coverage")
    data[f"{coverage}-threshold_5"] = "12"
    data[f"{coverage}-weight"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    item = RubricItem.objects.get(rubric__name=DEFAULT_RUBRIC, indicator="coverage")
    assert (item.threshold_5, item.weight) == (Decimal(12), Decimal(3))


def test_thresholds_out_of_order_or_an_unknown_indicator_are_refused(client, change_page):
    url, page = change_page
    data = resubmitted(page)
    coverage = item_index(data, "coverage")
    data[f"{coverage}-threshold_2"] = "50"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Makin tinggi makin baik" in response.text
    data = resubmitted(page)
    data[f"{item_index(data, 'lapse_rate')}-indicator"] = "putus_bayar"
    response = client.post(url, data)
    assert response.status_code == 200 and "putus_bayar" in str(response.context["errors"])
    item = RubricItem.objects.get(rubric__name=DEFAULT_RUBRIC, indicator="coverage")
    assert item.threshold_2 == Decimal(1)


def test_an_approved_evaluation_is_read_only_in_the_admin(client, superuser, batang_barus, staff_user, head_user):
    join(batang_barus)
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=staff_user)
    evaluation = cycle.evaluations.get()
    pillar = evaluation.pillar_scores.get(pillar="pertumbuhan")
    client.force_login(superuser)
    evaluation_url = reverse("admin:evaluations_villageevaluation_change", args=[evaluation.pk])
    pillar_url = reverse("admin:evaluations_pillarscore_change", args=[pillar.pk])
    assert 'name="_save"' in client.get(evaluation_url).text  # a draft can still be edited there

    services.evaluation_notes_update(evaluation=evaluation, user=staff_user, findings="a", recommendations="b")
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)

    page = client.get(evaluation_url)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert client.post(evaluation_url, {"status": "draf"}).status_code == 403
    assert client.post(pillar_url, {"adjusted_score": "5", "justification": "x"}).status_code == 403
    delete_url = reverse("admin:evaluations_villageevaluation_delete", args=[evaluation.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    evaluation.refresh_from_db()
    pillar.refresh_from_db()
    assert evaluation.status == "disetujui" and pillar.adjusted_score is None
