"""Survey test data: invitations and answers written through the service."""

import datetime as dt
import itertools

from django.utils import timezone

from skm import services
from skm.models import UNSUR_FIELDS, ResponsSurvei, UndanganSurvei, Unit

_events = itertools.count(1)


def undangan(*, unit: str = Unit.OPD, opd=None, email: str = "", **kwargs) -> UndanganSurvei:
    n = next(_events)
    return UndanganSurvei.objects.create(
        unit=unit, event_id=n, email=email or f"responden{n}@example.org", opd=opd, **kwargs
    )


def answer(scores: list[int], *, unit: str = Unit.OPD, opd=None, at: dt.datetime | None = None, **extra):
    """One respondent's answers u1..u9, submitted through the service."""
    invitation = undangan(unit=unit, opd=opd)
    answers = dict(zip(UNSUR_FIELDS, scores, strict=True)) | extra
    return services.skm_submit(undangan_id=invitation.pk, answers=answers, now=at or timezone.now())


def all_responses() -> int:
    return ResponsSurvei.objects.count()
