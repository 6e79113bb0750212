"""The minutes: published on the public page, attendees emailed once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.services import required_text

from ..models import PendaftaranSarasehan, PoinSarasehan, Sarasehan
from ._base import SarasehanError, _email, _lock, _transition


@transaction.atomic
def notulen_publish(*, sarasehan_id: int, actor: User | None, notulen: str) -> Sarasehan:
    """Publish the minutes on the public page; attendees are emailed once, on the first publication."""
    required_text(notulen, _("Notulen tidak boleh kosong."), error=SarasehanError)
    sarasehan = _lock(sarasehan_id, "publish_notulen")
    if sarasehan.starts_at > timezone.now():
        raise SarasehanError(_("Notulen diterbitkan setelah sarasehan dimulai."))
    first_time = sarasehan.notulen_published_at is None
    _transition(
        sarasehan,
        "publish_notulen",
        actor=actor,
        changes={
            "notulen": notulen.strip(),
            "notulen_published_at": sarasehan.notulen_published_at or timezone.now(),
        },
    )
    if first_time:
        raised = PoinSarasehan.objects.filter(sarasehan=sarasehan, kasus__is_confidential=False).count()
        attendees = (
            PendaftaranSarasehan.objects.filter(sarasehan=sarasehan, checked_in_at__isnull=False)
            .exclude(email="")
            .select_related("sarasehan")
        )
        for reg in attendees:
            _email(reg, "sarasehan_notulen", {"raised": raised})
    return sarasehan
