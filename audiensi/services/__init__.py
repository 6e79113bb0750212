"""Every write of the audiensi app. Each step locks, checks, saves, writes the case timeline and notifies.

No double booking: a request or a move locks the pejabat row (select_for_update), checks
that no held audiensi overlaps, then writes. On PostgreSQL the exclusion constraint
`audiensi_no_overlap` refuses what slipped through; its IntegrityError becomes SlotTaken.
On SQLite every write transaction takes the database lock first (transaction_mode IMMEDIATE).

Lock order (LOCK_ORDER) for audiensi and sarasehan, the same as portal.kasus's `_lock_tindak_lanjut`:
the resident's own user row (a request serialises their submissions), then the case rows (sorted by id),
then the audiensi or sarasehan row, then the pejabat rows (sorted by id) or the sarasehan's registrations.
`_lock` takes the case and the audiensi and only then checks the status against TRANSITIONS, so every
check sees what no other writer can change before the commit.

One module per reason to change: `_base` (errors, status table, lock, timeline entry, emails), `slots`,
`links`, `request`, `decisions`, `resident`, `periodic`, `day`. Import from here; the modules are an
implementation detail.
"""

from ._base import (
    ACTION_LABELS,
    CUTOFF,
    INTERNAL,
    PELAPOR,
    PUBLIK,
    TRANSITIONS,
    AudiensiError,
    SlotTaken,
    TransitionNotAllowed,
    _save_slot,
    _when,
    allowed_actions,
)
from .day import audiensi_check_in, audiensi_notulen_save, audiensi_tindak_lanjut_add, check_in_open
from .decisions import (
    audiensi_confirm,
    audiensi_decline,
    audiensi_handover_opd,
    audiensi_handover_pejabat,
    audiensi_propose,
    audiensi_respond,
)
from .links import LINK_ACTIONS, LINK_MAX_AGE, LINK_SALT, link_read, link_token, link_url
from .periodic import audiensi_expire_pending, audiensi_send_reminders
from .request import audiensi_request
from .resident import audiensi_cancel, audiensi_reschedule
from .slots import kasus_reference_check, slot_check

__all__ = [
    "ACTION_LABELS",
    "AudiensiError",
    "CUTOFF",
    "INTERNAL",
    "LINK_ACTIONS",
    "LINK_MAX_AGE",
    "LINK_SALT",
    "PELAPOR",
    "PUBLIK",
    "SlotTaken",
    "TRANSITIONS",
    "TransitionNotAllowed",
    "_save_slot",
    "_when",
    "allowed_actions",
    "audiensi_cancel",
    "audiensi_check_in",
    "audiensi_confirm",
    "audiensi_decline",
    "audiensi_expire_pending",
    "audiensi_handover_opd",
    "audiensi_handover_pejabat",
    "audiensi_notulen_save",
    "audiensi_propose",
    "audiensi_request",
    "audiensi_reschedule",
    "audiensi_respond",
    "audiensi_send_reminders",
    "audiensi_tindak_lanjut_add",
    "check_in_open",
    "kasus_reference_check",
    "link_read",
    "link_token",
    "link_url",
    "slot_check",
]
