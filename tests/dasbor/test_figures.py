import datetime as dt

import pytest
from django.utils import timezone

from dasbor import selectors
from dasbor.figures import Period, compute, compute_scopes, month_period

from .factories import generated_set, recompute

pytestmark = pytest.mark.django_db

PERIODS = [month_period(2026, 10), month_period(2026, 9), Period(dt.date(2026, 9, 28), dt.date(2026, 10, 20))]


@pytest.fixture
def cases():
    return generated_set()


def assert_equal(figures: dict, direct: dict) -> None:
    levels = figures["levels"]
    assert figures["incoming"] == direct["incoming"]
    assert figures["by_channel"] == direct["by_channel"]
    assert figures["backlog"]["total"] == direct["backlog_total"]
    assert figures["backlog"]["late"] == direct["late"]
    assert figures["backlog"]["escalated"] == direct["escalated"]
    assert levels["answered"] == direct["answered"]
    assert levels["on_time"] == direct["on_time"]
    assert levels["median_days"] == direct["median_days"]
    assert levels["reopened"] == direct["reopened"]
    assert levels["verified"] == direct["verified"]
    assert levels["verified_in_time"] == direct["verified_in_time"]
    for key, row in direct["per_opd"].items():
        assert figures["per_opd"][key]["received"] == row["received"]
        assert figures["per_opd"][key]["answered"] == row["answered"]
        assert figures["per_opd"][key]["on_time"] == row["on_time"]
    assert {k: v["received"] for k, v in figures["per_kecamatan"].items() if v["received"]} == direct["per_kecamatan"]


@pytest.mark.parametrize("period", PERIODS, ids=["october", "september", "across-the-month-boundary"])
def test_every_figure_equals_a_direct_count_over_the_cases(cases, period):
    figures = compute(period)
    assert_equal(figures, recompute(period.start, period.end))
    assert sum(figures["by_channel"].values()) == figures["incoming"]
    assert sum(figures["backlog_by_status"].values()) == figures["backlog"]["total"]


def test_the_generated_set_covers_what_the_figures_must_get_right(cases):
    october = compute(month_period(2026, 10))
    assert october["levels"]["answered"] and october["levels"]["on_time"] < october["levels"]["answered"]
    assert october["levels"]["reopened"] and october["backlog"]["late"] and october["backlog"]["escalated"]
    assert len(compute(Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30)))["by_channel"]) == 9


def test_an_opd_scope_counts_only_that_opds_cases(cases):
    opd = cases["opds"][0]
    period = month_period(2026, 10)
    figures = compute(period, opd_id=opd.pk)
    assert_equal(figures, recompute(period.start, period.end, opd_id=opd.pk))
    assert set(figures["per_opd"]) <= {str(opd.pk)}


def test_the_stored_figures_are_reused_until_they_are_too_old(cases, django_assert_max_num_queries):
    period = month_period(2026, 10)
    first = selectors.figures(period)
    with django_assert_max_num_queries(1):
        again = selectors.figures(period, now=first.computed_at + dt.timedelta(minutes=5))
    assert again.computed_at == first.computed_at
    later = selectors.figures(period, now=first.computed_at + selectors.MAX_AGE + dt.timedelta(seconds=1))
    assert later.computed_at > first.computed_at and later.data == first.data


def test_the_twelve_month_trend_counts_each_months_incoming(cases):
    trend = compute(month_period(2026, 11))["trend"]
    assert [t["month"] for t in trend][-3:] == ["2026-09-01", "2026-10-01", "2026-11-01"]
    for row in trend[-3:]:
        month = dt.date.fromisoformat(row["month"])
        assert row["incoming"] == recompute(month, month_period(month.year, month.month).end)["incoming"]


def test_cases_per_ten_thousand_residents_need_a_population(cases):
    data = selectors.labelled(compute(month_period(2026, 10)))
    rows = {row["key"]: row for row in data["kecamatan_rows"]}
    counted = rows[str(cases["kecamatan"][0].pk)]
    assert counted["per_10k"] == round(counted["received"] * 10000 / 50000, 2)
    assert rows[str(cases["kecamatan"][1].pk)]["per_10k"] is None


def test_one_pass_for_every_scope_gives_each_scope_its_own_figures(cases):
    period = month_period(2026, 10)
    scopes = [None, *(opd.pk for opd in cases["opds"])]
    now = timezone.now()
    together = compute_scopes(period, scopes, now=now)
    for scope in scopes:
        assert together[scope] == compute(period, opd_id=scope, now=now)
    assert sum(together[opd.pk]["incoming"] for opd in cases["opds"]) <= together[None]["incoming"]
