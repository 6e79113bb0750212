"""Every write to a case. Each transition locks the row, checks, saves, logs and notifies on commit.

Timeline entries store a kind and params (kinds.py); their text is rendered when read, in the
reader's language, and each email renders it in its recipient's language.

One module per reason to change: `_base` (errors, transition table, lock, kasus_log), `opening`,
`guest_link`, `transitions`, `details`, `notifications`, `followers`, `merge`, `tindak_lanjut`,
`sla`, `lapor`, `kode_akses`, `data_rights`. Import from here; the modules are an implementation detail.
"""

from ..outbox import Attachment
from ._base import (
    ACTION_LABELS,
    TRANSITIONS,
    WALKS,
    KasusError,
    TransitionNotAllowed,
    Visibility,
    allowed_actions,
    kasus_log,
    required_text,
    riwayat_fields,
    sla_days,
)
from .data_rights import (
    IDENTITY_VIEWED,
    PSEUDONYM,
    kasus_pseudonymise_reporter,
    kasus_retention_sweep,
    record_identity_view,
    record_identity_views,
    retention_due,
)
from .details import kasus_note_add, kasus_update_details
from .followers import (
    guest_reporter_essentials_only,
    pengikut_add,
    pengikut_set_kabar,
    preferensi_of,
    preferensi_set,
)
from .guest_link import kasus_link_guest_cases, kasus_link_guest_cases_of_address
from .kode_akses import KODE_AKSES_MAX_ATTEMPTS, KODE_AKSES_PER_HOUR, KODE_AKSES_TTL, kode_akses_send, kode_akses_verify
from .lapor import kasus_link_lapor
from .merge import NOT_MOVED_ON_MERGE, kasus_merge
from .notifications import (
    OpdSafeKasus,
    Recipient,
    follower_recipients,
    notify_followers,
    notify_opd,
    notify_reporter,
    staff_actor,
    tracking_url,
)
from .opening import CONFIRMED_BY_EMAIL, kasus_confirm, kasus_open
from .sla import MAX_ESCALATION_LEVEL, kasus_autoclose_answered, kasus_escalate_overdue
from .tindak_lanjut import tindak_lanjut_add, tindak_lanjut_complete
from .transitions import (
    kasus_accept,
    kasus_answer,
    kasus_autoclose,
    kasus_dispose,
    kasus_dispute,
    kasus_info_received,
    kasus_reject,
    kasus_request_info,
    kasus_start,
    kasus_verify,
)

__all__ = [
    "IDENTITY_VIEWED",
    "PSEUDONYM",
    "kasus_pseudonymise_reporter",
    "kasus_retention_sweep",
    "record_identity_view",
    "record_identity_views",
    "retention_due",
    "ACTION_LABELS",
    "CONFIRMED_BY_EMAIL",
    "KODE_AKSES_MAX_ATTEMPTS",
    "KODE_AKSES_PER_HOUR",
    "KODE_AKSES_TTL",
    "MAX_ESCALATION_LEVEL",
    "NOT_MOVED_ON_MERGE",
    "TRANSITIONS",
    "WALKS",
    "Attachment",
    "KasusError",
    "OpdSafeKasus",
    "Recipient",
    "TransitionNotAllowed",
    "Visibility",
    "allowed_actions",
    "follower_recipients",
    "kasus_accept",
    "kasus_answer",
    "kasus_autoclose",
    "kasus_autoclose_answered",
    "kasus_confirm",
    "kasus_dispose",
    "kasus_dispute",
    "kasus_escalate_overdue",
    "kasus_info_received",
    "kasus_link_guest_cases",
    "kasus_link_guest_cases_of_address",
    "kasus_link_lapor",
    "guest_reporter_essentials_only",
    "kasus_log",
    "kasus_merge",
    "kasus_note_add",
    "kasus_open",
    "kasus_reject",
    "kasus_request_info",
    "kasus_start",
    "kasus_update_details",
    "kasus_verify",
    "kode_akses_send",
    "kode_akses_verify",
    "notify_followers",
    "pengikut_set_kabar",
    "preferensi_of",
    "preferensi_set",
    "notify_opd",
    "notify_reporter",
    "pengikut_add",
    "required_text",
    "riwayat_fields",
    "sla_days",
    "staff_actor",
    "tindak_lanjut_add",
    "tindak_lanjut_complete",
    "tracking_url",
]
