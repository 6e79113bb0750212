"""Readable labels of audit actions. An action without a label here shows its code."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    "reference.created": _("Data referensi ditambahkan"),
    "reference.changed": _("Data referensi diubah"),
    "reference.deleted": _("Data referensi dihapus"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
