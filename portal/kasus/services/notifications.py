"""Who hears about a case and how: reporter, followers, OPD and staff roles, each in their language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import Promise, lazy

from portal.akun import roles
from portal.wilayah.models import Opd

from ..models import (
    Kasus,
    Riwayat,
)
from ..outbox import Attachment, outbox_enqueue
from ..selectors import actor_label

if TYPE_CHECKING:
    pass


class OpdSafeKasus:
    """A case as staff emails see it: everything except who reported it and the reporter's tracking link."""

    HIDDEN = frozenset(
        {
            "reporter",
            "reporter_id",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
            "reporter_language",
            "reporter_display",
            "contact_email",
            "tracking_token",
        }
    )

    def __init__(self, kasus: Kasus) -> None:
        self._kasus = kasus

    def __getattr__(self, name: str) -> Any:
        if name in self.HIDDEN:
            raise AttributeError(name)
        return getattr(self._kasus, name)


def tracking_url(kasus: Kasus) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("kasus:track_detail", args=[kasus.tracking_token])


def notify_reporter(
    kasus: Kasus, *, template: str, context: dict[str, Any] | None = None, attachments: list[Attachment] | None = None
) -> None:
    """Email this case's reporter only (user or guest), in their language: for messages meant for them alone."""
    to = kasus.contact_email()
    if not to:
        return
    language = kasus.reporter.language if kasus.reporter is not None else kasus.reporter_language
    outbox_enqueue(
        to=to,
        template=template,
        context={"kasus": kasus, **(context or {})},
        language=language,
        kasus=kasus,
        attachments=attachments,
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    # A follower who is not this case's reporter gets the tracking page of the case they reported
    # (which links here), never this case's own link: that link lets its holder act as the reporter.
    is_follower: bool
    track_url: str = ""


def follower_recipients(kasus: Kasus) -> list[Recipient]:
    """Everyone who gets this case's public updates, each address once: its reporter first, then its followers."""
    recipients: dict[str, Recipient] = {}
    reporter_email = kasus.contact_email().lower()
    if reporter_email:
        language = kasus.reporter.language if kasus.reporter is not None else kasus.reporter_language
        recipients[reporter_email] = Recipient(reporter_email, language, is_follower=False)
    for row in kasus.pengikut.select_related("user", "reported_kasus"):
        if row.user is not None and not row.user.is_active:
            continue
        email = (row.user.email if row.user is not None else row.email).lower()
        if not email or email in recipients:
            continue
        language = row.user.language if row.user is not None else row.language
        url = tracking_url(row.reported_kasus) if row.reported_kasus is not None else ""
        recipients[email] = Recipient(email, language, is_follower=True, track_url=url)
    return list(recipients.values())


def notify_followers(
    kasus: Kasus, *, template: str, context: dict[str, Any] | None = None, attachments: list[Attachment] | None = None
) -> None:
    """Email a public update to every follower of the case, each once and in their own language."""
    for recipient in follower_recipients(kasus):
        outbox_enqueue(
            to=recipient.email,
            template=template,
            context={
                "kasus": kasus,
                "is_follower": recipient.is_follower,
                "track_url": recipient.track_url,
                **(context or {}),
            },
            language=recipient.language,
            kasus=kasus,
            attachments=attachments,
        )


def _opd_recipients(opd: Opd) -> dict[str, str]:
    """Email address -> language of an OPD's shared address and its active officers."""
    recipients = {opd.email.lower(): settings.LANGUAGE_CODE} if opd.email else {}
    officers = get_user_model().objects.filter(opd=opd, is_active=True, groups__name=roles.OPD)
    recipients.update({email.lower(): language for email, language in officers.values_list("email", "language")})
    return recipients


def _notify_staff(kasus: Kasus, recipients: dict[str, str], *, template: str, context: dict[str, Any]) -> None:
    """Email staff; templates never see the reporter's identity, anonymous case or not."""
    safe = {"kasus": OpdSafeKasus(kasus), **context}
    for to in sorted(recipients):
        outbox_enqueue(to=to, template=template, context=safe, language=recipients[to], kasus=kasus)


def staff_actor(entry: Riwayat) -> Promise:
    """Who acted, as staff emails name them (in each recipient's language): never the reporter by name,
    as those emails carry no reporter identity."""
    # The stubs type a lazy() proxy as its result class; at run time it is a Promise.
    return cast(Promise, lazy(actor_label, str)(entry, entry.kasus, sees_identity=False, staff_view=True))


def notify_opd(kasus: Kasus, opd: Opd, *, template: str, context: dict[str, Any] | None = None) -> None:
    """Email an OPD's address and its officers. Templates get no reporter identity, anonymous or not."""
    _notify_staff(kasus, _opd_recipients(opd), template=template, context={"opd": opd, **(context or {})})
