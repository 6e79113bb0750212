import io

import pytest
from django.utils import timezone

from akuntabilitas.selectors import kept_share, public_commitments
from skm import demo
from skm.models import ResponsSurvei
from skm.selectors import ikm_by_unit
from tests.factories import kasus_at

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_pages_answers_and_kept_and_late_promises_once():
    kasus_at("didisposisikan")
    demo.seed_demo(stdout=io.StringIO())
    demo.seed_demo(stdout=io.StringIO())
    assert ResponsSurvei.objects.count() == 96
    today = timezone.localdate()
    grades = {u.ikm.grade for u in ikm_by_unit(start=today.replace(year=today.year - 1), end=today)}
    assert len(grades) >= 2
    share = kept_share(public_commitments())
    assert share.kept >= 1 and share.late >= 2
