"""The IKM follows PermenPANRB No. 14 Tahun 2017: NRR per unsur, weight 1/9, x 25, the regulation's grades."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from skm.ikm import compute_ikm, grade_of
from skm.selectors import ikm_by_unit, ikm_summary
from tests.factories import OpdFactory

from .factories import answer

# Worked example, 4 respondents (one column each), answers 1-4 per unsur:
#   unsur  answers        sum   NRR = sum / 4
#   U1     4 3 3 3        13    3.25
#   U2     3 3 3 3        12    3.00
#   U3     3 3 3 2        11    2.75
#   U4     4 4 4 4        16    4.00
#   U5     3 3 3 3        12    3.00
#   U6     4 4 3 3        14    3.50
#   U7     4 4 4 3        15    3.75
#   U8     3 3 2 2        10    2.50
#   U9     3 3 3 3        12    3.00
# Sum of NRR = 28.75; NRR tertimbang = 28.75 x 1/9 = 3.1944...; IKM = 3.1944... x 25 = 79.861... -> 79.86,
# which lies in 76.61-88.30: grade B, "Baik".
WORKED = [
    [4, 3, 3, 4, 3, 4, 4, 3, 3],
    [3, 3, 3, 4, 3, 4, 4, 3, 3],
    [3, 3, 3, 4, 3, 3, 4, 2, 3],
    [3, 3, 2, 4, 3, 3, 3, 2, 3],
]
WORKED_TOTALS = [13, 12, 11, 16, 12, 14, 15, 10, 12]


def test_the_worked_example_gives_ikm_79_86_grade_b():
    ikm = compute_ikm(respondents=4, totals=WORKED_TOTALS)
    expected_nrr = ["3.25", "3.00", "2.75", "4.00", "3.00", "3.50", "3.75", "2.50", "3.00"]
    assert ikm.nrr == tuple(Decimal(v) for v in expected_nrr)
    assert ikm.nrr_tertimbang == Decimal("3.194")
    assert ikm.ikm == Decimal("79.86")
    assert (ikm.grade, str(ikm.mutu)) == ("B", "Baik")


@pytest.mark.django_db
def test_the_summary_computes_the_worked_example_from_stored_answers():
    for scores in WORKED:
        answer(scores)
    today = timezone.localdate()
    summary = ikm_summary(start=today, end=today)
    assert summary.respondents == 4
    assert summary.ikm.ikm == Decimal("79.86")
    assert summary.ikm.grade == "B"
    assert [value for _code, _label, value in summary.elements][0] == Decimal("3.25")


def test_the_range_is_25_to_100():
    assert compute_ikm(respondents=3, totals=[12] * 9).ikm == Decimal("100.00")
    assert compute_ikm(respondents=3, totals=[3] * 9).ikm == Decimal("25.00")


def test_no_respondents_gives_no_index():
    assert compute_ikm(respondents=0, totals=[0] * 9) is None


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_on_both_sides(value, grade):
    assert grade_of(Decimal(value))[0] == grade


@pytest.mark.django_db
def test_the_summary_counts_only_the_period_and_the_unit(django_assert_num_queries):
    opd = OpdFactory()
    answer([4] * 9, opd=opd)
    answer([1] * 9, unit="audiensi")
    answer([4] * 9, opd=opd, at=timezone.now() - dt.timedelta(days=400))
    today = timezone.localdate()
    with django_assert_num_queries(1):
        per_opd = ikm_summary(start=today, end=today, unit="opd", unit_id=opd.pk)
    assert (per_opd.respondents, per_opd.ikm.ikm) == (1, Decimal("100.00"))
    with django_assert_num_queries(1):
        units = ikm_by_unit(start=today, end=today)
    assert [(u.unit, u.unit_id, u.respondents, u.ikm.grade) for u in units] == [
        ("opd", opd.pk, 1, "A"),
        ("audiensi", None, 1, "D"),
    ]
