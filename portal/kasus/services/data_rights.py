"""Residents' data rights on the case side (UU PDP No. 27/2022): pseudonymising a reporter, retention,
and recording who saw a protected reporter's identity.

The case, its public timeline and the statistics stay; only who reported it goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.audit.labels import register_action
from portal.audit.services import audit_record_many

from ..models import CLOSED_STATUSES, Kasus, Pengikut
from ._base import Visibility, _lock, _user_or_none, kasus_log

if TYPE_CHECKING:
    from portal.akun.models import User

PSEUDONYM = "Pelapor (dihapus)"
IDENTITY_VIEWED = register_action("kasus.identity_viewed", gettext_lazy("Identitas pelapor terlindung dilihat"))


def _identifiable_q() -> Q:
    return (
        Q(reporter__isnull=False)
        | ~Q(reporter_email="")
        | ~Q(reporter_phone="")
        | ~Q(reporter_name__in=["", PSEUDONYM])
    )


@transaction.atomic
def kasus_pseudonymise_reporter(*, kasus_id: int, actor: User | None, reason: str) -> bool:
    """Replace the reporter's identity with a pseudonym; False when there was none left to remove."""
    kasus = _lock(kasus_id)
    if not Kasus.objects.filter(pk=kasus.pk).filter(_identifiable_q()).exists():
        return False
    reporter_id = kasus.reporter_id
    kasus.reporter = None
    kasus.reporter_name = PSEUDONYM
    kasus.reporter_email = ""
    kasus.reporter_phone = ""
    kasus.save(update_fields=["reporter", "reporter_name", "reporter_email", "reporter_phone", "updated_at"])
    # The reporter's own follow would keep sending them news, and its email names them.
    followers = Pengikut.objects.filter(kasus=kasus, reason=Pengikut.Reason.REPORTER)
    if reporter_id:
        followers = followers | Pengikut.objects.filter(kasus=kasus, user_id=reporter_id)
    followers.delete()
    kasus_log(
        kasus=kasus,
        kind="kasus.reporter_pseudonymised",
        visibility=Visibility.INTERNAL,
        params={},
        actor=_user_or_none(actor),
        data={"reason": reason},
    )
    return True


def retention_due(now: dt.datetime | None = None) -> QuerySet[Kasus]:
    """Closed cases past the retention period the consent text states that still name their reporter."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PDP_RETENTION_DAYS_AFTER_CLOSE)
    return Kasus.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=cutoff).filter(_identifiable_q())


def kasus_retention_sweep(now: dt.datetime | None = None) -> int:
    """Pseudonymise every case past retention; running it again changes nothing."""
    done = 0
    for kasus_id in retention_due(now).values_list("pk", flat=True).iterator():
        done += kasus_pseudonymise_reporter(kasus_id=kasus_id, actor=None, reason="retention")
    return done


def _protected(kasus: Kasus) -> dict[str, bool]:
    return {"anonymous": kasus.is_anonymous, "confidential": kasus.is_confidential}


def record_identity_views(*, viewer: User, cases: Iterable[Kasus]) -> int:
    """Audit a staff member seeing the reporters of confidential or anonymous cases (a page, a list, an export).

    Call it only for cases whose identity the page actually shows. At most one entry per viewer and case
    per PDP_IDENTITY_VIEW_MINUTES, so reloads do not bury the log; one insert per page.
    """
    if not getattr(viewer, "is_authenticated", False):
        return 0
    window = settings.PDP_IDENTITY_VIEW_MINUTES * 60
    fresh = [
        kasus
        for kasus in cases
        if (kasus.is_confidential or kasus.is_anonymous)
        and cache.add(f"pdp:identity-viewed:{viewer.pk}:{kasus.pk}", 1, timeout=window)
    ]
    if fresh:
        audit_record_many(actor=viewer, action=IDENTITY_VIEWED, objs=fresh, changes=_protected)
    return len(fresh)


def record_identity_view(*, viewer: User, kasus: Kasus) -> bool:
    """record_identity_views for one case's page."""
    return bool(record_identity_views(viewer=viewer, cases=[kasus]))
