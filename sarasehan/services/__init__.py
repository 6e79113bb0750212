"""Every write to a sarasehan: scheduling, registrations with a waitlist, check-in, points raised, notulen.

Seats are guarded twice: registering locks the sarasehan row and takes a seat with
a conditional UPDATE (confirmed_count < capacity), and a check constraint refuses
confirmed_count > capacity whatever the code does. The waitlist is the arrival
order of registrations made while the row was locked.

A guest's seat is only held (SARASEHAN_HOLD_MINUTES) until the emailed link is
confirmed; an unconfirmed hold that lapses gives its seat back (to the waitlist
first), so addresses nobody reads cannot keep seats.

One module per reason to change: `_base` (errors, status tables, locks, the registrant email), `lifecycle`,
`registration`, `door`, `agenda`, `points`, `notulen`, `reminders`. Import from here; the modules are an
implementation detail.
"""

from ._base import (
    ACTION_LABELS,
    AUDIT_ACTIONS,
    CREATED,
    NOTIFIED_FIELDS,
    REGISTRATION_ACTION_LABELS,
    REGISTRATION_CANCELLED,
    REGISTRATION_TRANSITIONS,
    TRANSITIONS,
    AlreadyRegistered,
    Reg,
    SarasehanError,
    Status,
    TransitionNotAllowed,
    allowed_actions,
    registration_allowed_actions,
)
from .agenda import agenda_add_cases
from .door import (
    pendaftaran_check_in,
    pendaftaran_walk_in,
)
from .lifecycle import (
    EDITABLE_FIELDS,
    sarasehan_cancel,
    sarasehan_change_capacity,
    sarasehan_create,
    sarasehan_publish,
    sarasehan_update,
)
from .notulen import notulen_publish
from .points import poin_record
from .registration import (
    holds_due,
    new_idempotency_key,
    pendaftaran_cancel,
    pendaftaran_confirm,
    pendaftaran_create,
    pendaftaran_release_holds,
)
from .reminders import (
    reminders_due,
    sarasehan_send_reminder,
)

__all__ = [
    "ACTION_LABELS",
    "AUDIT_ACTIONS",
    "AlreadyRegistered",
    "CREATED",
    "EDITABLE_FIELDS",
    "NOTIFIED_FIELDS",
    "REGISTRATION_ACTION_LABELS",
    "REGISTRATION_CANCELLED",
    "REGISTRATION_TRANSITIONS",
    "Reg",
    "SarasehanError",
    "Status",
    "TRANSITIONS",
    "TransitionNotAllowed",
    "agenda_add_cases",
    "allowed_actions",
    "holds_due",
    "new_idempotency_key",
    "notulen_publish",
    "pendaftaran_cancel",
    "pendaftaran_check_in",
    "pendaftaran_confirm",
    "pendaftaran_create",
    "pendaftaran_release_holds",
    "pendaftaran_walk_in",
    "poin_record",
    "registration_allowed_actions",
    "reminders_due",
    "sarasehan_cancel",
    "sarasehan_change_capacity",
    "sarasehan_create",
    "sarasehan_publish",
    "sarasehan_send_reminder",
    "sarasehan_update",
]
