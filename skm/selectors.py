"""Reads of the satisfaction survey: the IKM per period and unit, and the invitation behind a signed link."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from .ikm import Ikm, compute_ikm
from .models import UNSUR, UNSUR_FIELDS, ResponsSurvei, UndanganSurvei, Unit

TOKEN_SALT = "skm.undangan"  # noqa: S105 - a signing namespace, not a secret
LINK_MAX_AGE = 30 * 24 * 60 * 60  # an invitation's link works for 30 days


@dataclass(frozen=True)
class IkmSummary:
    start: dt.date
    end: dt.date
    unit: str | None
    unit_id: int | None
    label: str
    respondents: int
    ikm: Ikm | None  # None when nobody answered in the period

    @property
    def elements(self) -> list[tuple[str, Promise, object]]:
        """(code, label, NRR) per unsur, for tables."""
        values = self.ikm.nrr if self.ikm else (None,) * len(UNSUR)
        return [(code, label, value) for (code, label), value in zip(UNSUR, values, strict=True)]


def _period_q(start: dt.date, end: dt.date) -> Q:
    # Whole local days: [start 00:00, end+1 00:00).
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return Q(created_at__gte=since, created_at__lt=until)


def _sums() -> dict[str, Any]:
    return {"n": Count("id"), **{f"s_{u}": Sum(u) for u in UNSUR_FIELDS}}


def _ikm_of(row: dict[str, Any]) -> Ikm | None:
    return compute_ikm(respondents=row["n"] or 0, totals=[row[f"s_{u}"] or 0 for u in UNSUR_FIELDS])


def ikm_summary(*, start: dt.date, end: dt.date, unit: str | None = None, unit_id: int | None = None) -> IkmSummary:
    """The IKM of all responses in [start, end], optionally of one unit (opd, audiensi, sarasehan) and one OPD.

    One query.
    """
    qs = ResponsSurvei.objects.filter(_period_q(start, end))
    if unit:
        qs = qs.filter(unit=unit)
    if unit_id is not None:
        qs = qs.filter(opd_id=unit_id)
    row = qs.aggregate(**_sums())
    label = str(Unit(unit).label) if unit in Unit.values else ""
    return IkmSummary(
        start=start, end=end, unit=unit, unit_id=unit_id, label=label, respondents=row["n"], ikm=_ikm_of(row)
    )


def ikm_by_unit(*, start: dt.date, end: dt.date) -> list[IkmSummary]:
    """The IKM per OPD (cases it handled), then audiensi and sarasehan, for [start, end]. One query."""
    rows = (
        ResponsSurvei.objects.filter(_period_q(start, end))
        .values("unit", "opd_id", "opd__nama", "opd__nama_en", "opd__singkatan")
        .annotate(**_sums())
        .order_by("unit", "opd__nama")
    )
    english = (get_language() or "").startswith("en")
    order = {Unit.OPD: 0, Unit.AUDIENSI: 1, Unit.SARASEHAN: 2}
    result = []
    for row in sorted(rows, key=lambda r: (order.get(r["unit"], 9), r["opd__nama"] or "")):
        if row["unit"] == Unit.OPD:
            label = (english and row["opd__nama_en"]) or row["opd__nama"] or str(Unit.OPD.label)
            unit_id = row["opd_id"]
        else:
            label, unit_id = str(Unit(row["unit"]).label), None
        result.append(
            IkmSummary(
                start=start,
                end=end,
                unit=row["unit"],
                unit_id=unit_id,
                label=label,
                respondents=row["n"],
                ikm=_ikm_of(row),
            )
        )
    return result


def invitation_token(undangan: UndanganSurvei) -> str:
    return signing.dumps(undangan.pk, salt=TOKEN_SALT, compress=True)


class LinkExpired(Exception):
    pass


def undangan_for_token(token: str) -> UndanganSurvei | None:
    """The invitation behind a link; None for a forged or unknown one. Raises LinkExpired after LINK_MAX_AGE."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return UndanganSurvei.objects.filter(pk=pk).first()
