"""The dashboards in Chromium: the charts and the map are really drawn, and an official stays in
their own village whatever URL they type."""

from __future__ import annotations

import pytest

from participants.models import Participant
from tests.e2e.conftest import expect_console, login
from tests.factories import BATANG_BARUS, SIKALANG

# For every chart canvas: is there a Chart.js chart on it, how many data points it holds, and how
# many of its pixels are painted (an empty canvas has none).
CHARTS = """() => Array.from(document.querySelectorAll("canvas[data-chart]")).map((canvas) => {
  const chart = Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted += 1; } }
  const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0;
  return {name: canvas.dataset.chart, drawn: Boolean(chart), points: points, painted: painted};
})"""


def drawn_charts(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    charts = page.evaluate(CHARTS)
    assert charts, "the page has no chart canvas"
    return charts


def assert_all_drawn(charts: list[dict]) -> None:
    for chart in charts:
        assert chart["drawn"], f"no chart drawn on canvas {chart['name']}"
        assert chart["points"] > 0, f"chart {chart['name']} has no data"
        assert chart["painted"] > 500, f"canvas {chart['name']} is (nearly) empty: {chart['painted']} pixels painted"


@pytest.mark.parametrize("role", ["staff_user", "head_user"])
def test_branch_dashboard_draws_its_charts_and_map(page, request, programme, role):
    login(page, request.getfixturevalue(role).username)
    page.goto("/")
    assert_all_drawn(drawn_charts(page))
    villages = page.locator("#map path.leaflet-interactive")
    villages.first.wait_for()
    assert villages.count() == 277, "every village of the branch is drawn on the map"
    assert page.get_by_test_id("villages-count").inner_text() == "277"


def test_village_page_draws_its_charts_and_opens_from_the_map(page, staff_user, programme):
    login(page, staff_user.username)
    page.goto(f"/villages/{BATANG_BARUS}/")
    assert_all_drawn(drawn_charts(page))
    assert "Batang Barus" in page.locator("h1").inner_text()


def test_official_lands_on_their_village_and_its_charts(page, official, programme):
    login(page, official.username)
    assert page.url.endswith(f"/villages/{BATANG_BARUS}/")
    assert_all_drawn(drawn_charts(page))


def test_official_cannot_reach_another_village_by_url(page, official, programme, console_problems):
    outsider = Participant.objects.filter(village__code=SIKALANG).first()
    evaluation = programme.evaluations.get(village__code=SIKALANG)
    login(page, official.username)
    for url in [
        f"/villages/{SIKALANG}/",
        f"/participants/{outsider.pk}/",
        f"/participants/{outsider.pk}/edit/",
        f"/evaluations/village/{evaluation.pk}/",
        f"/evaluations/village/{evaluation.pk}/report.pdf",
    ]:
        response = page.goto(url)
        assert response.status == 404, f"{url} answered {response.status} to the Batang Barus official"
        assert "Sikalang" not in page.content()
    expect_console(console_problems, "status of 404")
    # Their own lists name no one from Sikalang either.
    page.goto("/participants/")
    assert outsider.name not in page.content()
    page.goto("/villages/")
    assert "Sikalang" not in page.locator("main").inner_text()
