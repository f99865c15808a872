"""Fails when a view reaches a scoped model without the access scope.

Every `Model.objects.<method>(...)` chain in a view module of the project must
go through `for_user(...)` unless the model is reference data that belongs to
no village. Reaching data through an object already fetched in scope
(`participant.contributions.all()`) is fine and not checked here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

PROJECT_APPS = ("desa_sadar", "villages", "participants", "evaluations", "dashboards", "api")
UNSCOPED_MODELS = {
    "Regency",
    "District",
    "ContributionRate",
    "Rubric",
    "RubricItem",
    "Category",
    "EvaluationCycle",
}

MANAGERS = {"objects", "_default_manager", "_base_manager"}
# get_object_or_404(Model, ...) with a model class skips the scope; pass Model.objects.for_user(user).
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def view_modules() -> list[Path]:
    root = Path(settings.BASE_DIR)
    found: list[Path] = []
    for app in PROJECT_APPS:
        found += sorted((root / app).glob("views*.py"))
        found += sorted((root / app).glob("views/**/*.py"))
    return found


def unscoped_uses(source: str) -> list[tuple[int, str]]:
    """(line, model) of every `Model.objects...` chain that does not call for_user."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id not in UNSCOPED_MODELS
        ):
            problems.append((node.lineno, node.args[0].id))
            continue
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS and isinstance(node.value, ast.Name)):
            continue
        model = node.value.id
        if model in UNSCOPED_MODELS:
            continue
        if not _chain_calls_for_user(node, source):
            problems.append((node.lineno, model))
    return problems


def _chain_calls_for_user(objects_node: ast.Attribute, source: str) -> bool:
    """True when the expression starting at `Model.objects` calls `.for_user(` before anything else is read."""
    segment = source.splitlines()[objects_node.lineno - 1][objects_node.end_col_offset :]
    return segment.startswith(".for_user(")


def test_view_modules_exist():
    assert view_modules(), "no view module found: the lint below would check nothing"


def test_lint_catches_a_bare_query():
    assert unscoped_uses("Participant.objects.get(pk=1)") == [(1, "Participant")]
    assert unscoped_uses("Participant.objects.filter(village=v).for_user(u)") == [(1, "Participant")]
    assert unscoped_uses("Participant.objects.for_user(u).get(pk=1)") == []
    assert unscoped_uses("ContributionRate.objects.in_force(day)") == []
    assert unscoped_uses("get_object_or_404(Participant, pk=1)") == [(1, "Participant")]
    assert unscoped_uses("get_object_or_404(Participant.objects.for_user(u), pk=1)") == []
    assert unscoped_uses("Claim._default_manager.all()") == [(1, "Claim")]


def test_views_reach_scoped_models_only_through_for_user():
    problems = []
    for path in view_modules():
        for line, model in unscoped_uses(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(settings.BASE_DIR)}:{line} {model}.objects without for_user")
    assert not problems, "\n".join(problems)
