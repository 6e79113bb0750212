"""The bulk seeder's timeline rows read exactly like those the services write through kasus_log."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.demo.bulk import bulk_cases
from portal.kasus import services
from portal.kasus.kinds import riwayat_text
from portal.kasus.models import Kasus, Riwayat
from tests.factories import OpdFactory, kasus_at

# Kinds whose text comes from their params alone: the rendered sentences must match word for word.
TEMPLATED = ["kasus.opened", "kasus.verified", "kasus.disposed", "kasus.started", "kasus.autoclosed"]


def shape(entry: Riwayat) -> tuple:
    return entry.kind, entry.visibility, entry.by_reporter, sorted(entry.params or {})


@pytest.fixture
def pair(settings):
    """A bulk-seeded case closed automatically, and the same walk through the services."""
    settings.PORTAL_SLA = {**settings.PORTAL_SLA, "autoclose_days": 7}
    OpdFactory()
    bulk_cases(300, seed=3)
    bulk = Kasus.objects.filter(riwayat__kind="kasus.autoclosed").select_related("opd").first()
    walked = kasus_at("dijawab", opd=bulk.opd, channel=bulk.channel)
    services.kasus_autoclose(kasus_id=walked.pk, now=timezone.now() + dt.timedelta(days=30))
    return bulk, walked


def entry(kasus: Kasus, kind: str) -> Riwayat:
    return kasus.riwayat.get(kind=kind)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", TEMPLATED)
def test_a_bulk_entry_renders_the_same_sentence_as_the_service_wrote(pair, kind):
    bulk, walked = pair
    assert shape(entry(bulk, kind)) == shape(entry(walked, kind))
    assert riwayat_text(entry(bulk, kind)) == riwayat_text(entry(walked, kind))


@pytest.mark.django_db
def test_a_bulk_answer_is_shaped_like_the_service_answer_with_its_own_words(pair):
    bulk, walked = pair
    assert shape(entry(bulk, "kasus.answered")) == shape(entry(walked, "kasus.answered"))
    assert riwayat_text(entry(bulk, "kasus.answered")) == entry(bulk, "kasus.answered").message
