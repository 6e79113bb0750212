from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

KIND_LABELS = {
    "kasus.opened": _("Kasus dibuka"),
    "kasus.confirmed": _("Email pelapor dikonfirmasi"),
    "kasus.verified": _("Diverifikasi"),
    "kasus.rejected": _("Ditolak"),
    "kasus.info_requested": _("Informasi tambahan diminta"),
    "kasus.info_received": _("Informasi tambahan diterima"),
    "kasus.disposed": _("Didisposisikan ke OPD"),
    "kasus.started": _("Mulai ditindaklanjuti"),
    "kasus.answered": _("Dijawab"),
    "kasus.accepted": _("Jawaban diterima pelapor"),
    "kasus.autoclosed": _("Ditutup otomatis"),
    "kasus.disputed": _("Jawaban disanggah"),
    "kasus.merged": _("Digabung ke kasus lain"),
    "kasus.merge_received": _("Kasus lain digabung ke sini"),
    "kasus.updated": _("Klasifikasi diperbarui"),
    "kasus.overdue": _("Melewati batas waktu"),
    "note.internal": _("Catatan internal"),
    "tindak_lanjut.added": _("Tindak lanjut ditambahkan"),
    "tindak_lanjut.done": _("Tindak lanjut selesai"),
}


@register.filter
def riwayat_kind(kind: str) -> str:
    """A readable name for a timeline entry's kind; feature apps' kinds fall back to their words."""
    label = KIND_LABELS.get(kind)
    if label is not None:
        return str(label)
    return kind.split(".", 1)[-1].replace("_", " ").capitalize()


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, extra: dict) -> str:
    """Render a feature app's panel with the page context plus the panel's own context."""
    tpl = context.template.engine.get_template(template_name)
    with context.push(**extra):
        return tpl.render(context)
