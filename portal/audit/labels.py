"""Readable labels of audit actions, registered once per action by the app that records it."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {}


def register_action(action: str, label: Promise) -> str:
    """Register an action's label (at import, next to the service that records it); returns the code."""
    if "." not in action:
        raise ValueError("audit action must be namespaced, like 'sarasehan.published'")
    if ACTION_LABELS.get(action, label) != label:
        raise ValueError(f"audit action {action!r} is already registered with another label")
    ACTION_LABELS[action] = label
    return action


def action_label(action: str) -> str:
    """The registered label; an unregistered action (an old entry) shows its code, which still reads."""
    return str(ACTION_LABELS.get(action, action))


REFERENCE_CREATED = register_action("reference.created", _("Data referensi ditambahkan"))
REFERENCE_CHANGED = register_action("reference.changed", _("Data referensi diubah"))
REFERENCE_DELETED = register_action("reference.deleted", _("Data referensi dihapus"))
