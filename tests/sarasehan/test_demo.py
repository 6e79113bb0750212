import io

import pytest
from django.utils import timezone

from sarasehan import demo
from sarasehan.models import PoinSarasehan, Sarasehan

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once():
    out = io.StringIO()
    demo.seed_demo(stdout=out)
    demo.seed_demo(stdout=out)
    assert Sarasehan.objects.count() == 2
    past = Sarasehan.objects.get(title=demo.PAST)
    assert past.notulen_published_at and PoinSarasehan.objects.filter(sarasehan=past).count() == 2
    upcoming = Sarasehan.objects.get(title=demo.UPCOMING)
    assert upcoming.registration_state() == "dibuka" and upcoming.pendaftaran.count() >= 1
    assert "already present" in out.getvalue()
    # Recorded at the door on the sarasehan's day, and the guest confirmed her email.
    event_day = timezone.localtime(past.starts_at).date()
    assert {timezone.localtime(p.created_at).date() for p in PoinSarasehan.objects.filter(sarasehan=past)} == {
        event_day
    }
    assert upcoming.pendaftaran.get(name="Sri Lestari").status == "terdaftar"
