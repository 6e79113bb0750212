"""Who hears about a case and how: reporter, followers, OPD and staff roles, each in their language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import Promise, lazy

from portal.akun import roles
from portal.tokens import unsubscribe_headers, unsubscribe_url
from portal.wilayah.models import Opd

from ..models import (
    Kabar,
    Kasus,
    Pengikut,
    PreferensiNotifikasi,
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


# Emails a resident always gets, whatever they chose: what they must act on, and the answer itself.
ESSENTIAL_TEMPLATES = frozenset(
    {"aspirasi_confirm", "kasus_info_requested", "kasus_answered", "kasus_opened", "kasus_kode_akses"}
)
# Staff notices that a digest-minded officer gets once a day instead of one by one.
ROUTINE_STAFF_TEMPLATES = frozenset({"kasus_disposed", "kasus_overdue"})


def _account_kabar(user_ids: set[int]) -> dict[int, str]:
    return dict(PreferensiNotifikasi.objects.filter(user_id__in=user_ids).values_list("user_id", "kabar"))


def _reporter_row(kasus: Kasus, rows: list[Pengikut]) -> Pengikut | None:
    email = kasus.contact_email().lower()
    for row in rows:
        if (kasus.reporter_id and row.user_id == kasus.reporter_id) or (not row.user_id and row.email == email):
            return row
    return None


def wants_every_step(kasus: Kasus, row: Pengikut | None, user_id: int | None, accounts: dict[int, str]) -> bool:
    """The case's own choice first, then the account's, else every step."""
    chosen = (row.kabar if row is not None else "") or (accounts.get(user_id, "") if user_id else "")
    return chosen != Kabar.PENTING


def guest_reporter_optout(kasus: Kasus, template: str, to: str) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and context for an email to this case's reporter: a guest (no preferences page) gets, on every
    non-essential email, a signed link and RFC 8058 one-click headers that switch this case to the essentials."""
    if kasus.reporter_id or template in ESSENTIAL_TEMPLATES:
        return {}, {}
    url = unsubscribe_url("r", kasus.pk, to)
    return unsubscribe_headers(url), {"essentials_url": url}


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
    if template not in ESSENTIAL_TEMPLATES:
        rows = list(kasus.pengikut.all())
        accounts = _account_kabar({kasus.reporter_id} if kasus.reporter_id else set())
        if not wants_every_step(kasus, _reporter_row(kasus, rows), kasus.reporter_id, accounts):
            return
    language = kasus.reporter.language if kasus.reporter is not None else kasus.reporter_language
    headers, optout = guest_reporter_optout(kasus, template, to)
    outbox_enqueue(
        to=to,
        template=template,
        context={"kasus": kasus, **optout, **(context or {})},
        language=language,
        kasus=kasus,
        attachments=attachments,
        headers=headers,
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    # A follower who is not this case's reporter gets the tracking page of the case they reported
    # (which links here), never this case's own link: that link lets its holder act as the reporter.
    is_follower: bool
    track_url: str = ""
    every_step: bool = True


def follower_recipients(kasus: Kasus) -> list[Recipient]:
    """Everyone who gets this case's public updates, each address once: its reporter first, then its followers."""
    recipients: dict[str, Recipient] = {}
    rows = list(kasus.pengikut.select_related("user", "reported_kasus"))
    accounts = _account_kabar(
        {row.user_id for row in rows if row.user_id} | ({kasus.reporter_id} if kasus.reporter_id else set())
    )
    reporter_email = kasus.contact_email().lower()
    if reporter_email:
        language = kasus.reporter.language if kasus.reporter is not None else kasus.reporter_language
        every = wants_every_step(kasus, _reporter_row(kasus, rows), kasus.reporter_id, accounts)
        recipients[reporter_email] = Recipient(reporter_email, language, is_follower=False, every_step=every)
    for row in rows:
        if row.user is not None and not row.user.is_active:
            continue
        email = (row.user.email if row.user is not None else row.email).lower()
        if not email or email in recipients:
            continue
        language = row.user.language if row.user is not None else row.language
        url = tracking_url(row.reported_kasus) if row.reported_kasus is not None else ""
        every = wants_every_step(kasus, row, row.user_id, accounts)
        recipients[email] = Recipient(email, language, is_follower=True, track_url=url, every_step=every)
    return list(recipients.values())


def notify_followers(
    kasus: Kasus, *, template: str, context: dict[str, Any] | None = None, attachments: list[Attachment] | None = None
) -> None:
    """Email a public update to every follower of the case, each once and in their own language.

    Those who chose only the essentials get the answer and requests for information, not every step.
    """
    essential = template in ESSENTIAL_TEMPLATES
    for recipient in follower_recipients(kasus):
        if not (essential or recipient.every_step):
            continue
        headers, optout = ({}, {}) if recipient.is_follower else guest_reporter_optout(kasus, template, recipient.email)
        outbox_enqueue(
            to=recipient.email,
            template=template,
            context={
                "kasus": kasus,
                "is_follower": recipient.is_follower,
                "track_url": recipient.track_url,
                **optout,
                **(context or {}),
            },
            language=recipient.language,
            kasus=kasus,
            attachments=attachments,
            headers=headers,
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
    digest = _digest_addresses(recipients) if template in ROUTINE_STAFF_TEMPLATES else set()
    for to in sorted(recipients):
        outbox_enqueue(to=to, template=template, context=safe, language=recipients[to], kasus=kasus, hold=to in digest)


def _digest_addresses(recipients: dict[str, str]) -> set[str]:
    """The staff addresses whose accounts take routine notices as one daily digest."""
    users = PreferensiNotifikasi.objects.filter(digest=True, user__is_active=True, user__email__in=list(recipients))
    return {email.lower() for email in users.values_list("user__email", flat=True)}


def staff_actor(entry: Riwayat) -> Promise:
    """Who acted, as staff emails name them (in each recipient's language): never the reporter by name,
    as those emails carry no reporter identity."""
    # The stubs type a lazy() proxy as its result class; at run time it is a Promise.
    return cast(Promise, lazy(actor_label, str)(entry, entry.kasus, sees_identity=False, staff_view=True))


def notify_opd(kasus: Kasus, opd: Opd, *, template: str, context: dict[str, Any] | None = None) -> None:
    """Email an OPD's address and its officers. Templates get no reporter identity, anonymous or not."""
    _notify_staff(kasus, _opd_recipients(opd), template=template, context={"opd": opd, **(context or {})})
