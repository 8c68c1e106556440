"""The leaders' chart in chromium: at bloc level (40 child units in the demo, on the day before
the reorganisation of 1 July 2025 closed the bloc) every unit has its label, beside its own bar,
readable, and the chart grows with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.demo import CAMPAIGN_TITLE
from campaigns.models import Campaign
from reports.figures import rollup
from units.demo import DEMO_PASSWORD, REORGANISED_ON
from units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The bloc's last day: its tree of that day, with every grassroots committee under it.
BLOC_LAST_DAY = REORGANISED_ON - datetime.timedelta(days=1)

# What the page's chart shows, read from Chart.js itself: labels (each a list of lines), the
# values of the bars, where each drawn label and each bar sit, and whether each line fits the
# room the label axis has.
READ_CHART = """() => {
  const chart = Chart.getChart(document.getElementById("participation-chart"));
  const y = chart.scales.y;
  const bars = chart.getDatasetMeta(0).data;
  const font = Chart.helpers.toFont(y.options.ticks.font);
  chart.ctx.font = font.string;
  return {
    labels: chart.data.labels,
    rates: chart.data.datasets[0].data,
    ticks: y.ticks.map((tick, i) => ({
      row: tick.value,
      label: tick.label,
      at: y.getPixelForTick(i),
      bar: bars[tick.value].y,
    })),
    widest: Math.max(...chart.data.labels.flat().map((line) => chart.ctx.measureText(line).width)),
    labelRoom: y.width,
    labelLeft: y.left,
    height: chart.height,
  };
}"""


@pytest.mark.parametrize("width", [1366, 390], ids=["laptop", "phone"])
def test_the_bloc_chart_labels_every_unit_beside_its_own_bar(demo_world, live_server, page, width):
    bloc = Unit.objects.get(code="DUK-DCD")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(
        live_server.url
        + reverse("reports:dashboard", args=[bloc.pk])
        + f"?as_of={BLOC_LAST_DAY.isoformat()}"
    )
    expect(page.locator("h1")).to_contain_text(f"Tổng hợp: {bloc.name}")
    expect(
        page.get_by_text(f"Số liệu và cây đơn vị tại ngày {BLOC_LAST_DAY:%-d/%-m/%Y}")
    ).to_be_visible()
    # The bloc's only campaign, that of 2024, is the one shown.
    campaign = Campaign.objects.get(title=CAMPAIGN_TITLE)
    expect(page.locator("select[name=campaign] option:checked")).to_have_text(campaign.title)

    rows = page.locator("table.dashboard-rows tbody tr")
    names = [name.strip() for name in rows.locator("td:first-child").all_inner_texts()]
    taking_part = [cell.strip() for cell in rows.locator("td:nth-child(4)").all_inner_texts()]
    chart = page.evaluate(READ_CHART)

    # One row per child unit the bloc had that day, as the figures count them.
    then = rollup(campaign, bloc, as_of=BLOC_LAST_DAY).children
    assert len(names) == len(then) > 30
    assert not any(row.closed for row in then)
    # Every label is the table's name of the same row, long ones wrapped onto lines.
    assert [" ".join(lines) for lines in chart["labels"]] == names
    assert max(len(lines) for lines in chart["labels"]) > 1
    # Every label is drawn, each at the height of the bar of its own row.
    assert [tick["row"] for tick in chart["ticks"]] == list(range(len(names)))
    for tick in chart["ticks"]:
        assert tick["label"] == chart["labels"][tick["row"]]
        assert abs(tick["at"] - tick["bar"]) < 1, names[tick["row"]]
    # Each bar is the table's participation of that row; no bar where the table has "–".
    for rate, shown in zip(chart["rates"], taking_part, strict=True):
        assert (shown == "–") == (rate is None)
        if rate is not None:
            assert shown == f"{rate:.1f}%".replace(".", ",")
    # Readable: every line fits the label axis, none cut off at the canvas' left edge.
    assert chart["widest"] <= chart["labelRoom"]
    assert chart["labelLeft"] >= 0
    # The chart grows with its rows: at least 28 px each.
    assert chart["height"] >= 28 * len(names)
