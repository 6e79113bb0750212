"""The day itself: check-in, notulen and tindak lanjut."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus import services as kasus_services
from portal.kasus.kinds import moment
from portal.kasus.models import TindakLanjut
from portal.kasus.services import required_text
from portal.wilayah.models import Opd

from ..models import Audiensi
from ._base import INTERNAL, PELAPOR, PUBLIK, AudiensiError, _lock, _log, _pejabat, _transition

# The day itself -------------------------------------------------------------------------------


def check_in_open(audiensi: Audiensi) -> bool:
    """Attendance is recorded from the day of the audiensi on."""
    return timezone.localtime(audiensi.starts_at).date() <= timezone.localdate()


@transaction.atomic
def audiensi_check_in(*, audiensi_id: int, actor: User | None, hadir: bool, note: str = "") -> Audiensi:
    action = "attend" if hadir else "no_show"
    audiensi = _lock(audiensi_id, action)
    if not check_in_open(audiensi):
        raise AudiensiError(_("Kehadiran baru dapat dicatat pada hari audiensi."))
    if hadir:
        kind, params = "audiensi.attended", {"pejabat": _pejabat(audiensi.pejabat)}
    else:
        kind, params = "audiensi.no_show", {"when": moment(audiensi.starts_at)}
    _transition(
        audiensi,
        action,
        actor=actor,
        kind=kind,
        params=params,
        changes={"checked_in_at": timezone.now()},
        message=note.strip(),
    )
    return audiensi


@transaction.atomic
def audiensi_notulen_save(
    *, audiensi_id: int, actor: User | None, notulen: str, notulen_internal: str = ""
) -> Audiensi:
    """Write the minutes: the public part goes on the case timeline, the internal part stays with staff."""
    required_text(notulen, _("Notulen wajib diisi."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "minutes")
    _transition(
        audiensi,
        "minutes",
        actor=actor,
        kind="audiensi.minutes",
        params={"pejabat": _pejabat(audiensi.pejabat), "notulen": notulen.strip()},
        changes={"notulen": notulen.strip(), "notulen_internal": notulen_internal.strip()},
        visibility=PELAPOR if audiensi.kasus.is_confidential else PUBLIK,
    )
    if audiensi.notulen_internal:
        _log(audiensi, "audiensi.minutes_internal", actor=actor, message=audiensi.notulen_internal, visibility=INTERNAL)
    return audiensi


@transaction.atomic
def audiensi_tindak_lanjut_add(
    *, audiensi_id: int, actor: User | None, description: str, opd: Opd, due_date: dt.date
) -> TindakLanjut:
    """A follow-up the pejabat promised in the audiensi, recorded on the case."""
    audiensi = _lock(audiensi_id, "tindak_lanjut")
    if due_date < timezone.localdate():
        raise AudiensiError(_("Tenggat tindak lanjut tidak boleh di masa lalu."))
    # The source is stored and shown to everyone, so it is written in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        source = _("Audiensi %(pejabat)s, %(date)s") % {
            "pejabat": audiensi.pejabat.jabatan,
            "date": date_format(timezone.localtime(audiensi.starts_at), "j F Y"),
        }
    return kasus_services.tindak_lanjut_add(
        kasus_id=audiensi.kasus_id,
        actor=actor,
        description=description,
        opd=opd,
        due_date=due_date,
        source=source,
        source_kind="audiensi",
        source_id=audiensi.pk,
    )
