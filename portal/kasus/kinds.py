"""Readable names of timeline entry kinds. Feature apps add theirs in AppConfig.ready()."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, Promise] = {
    "kasus.opened": _("Kasus dibuka"),
    "kasus.confirmed": _("Email pelapor dikonfirmasi"),
    "kasus.linked_account": _("Ditautkan ke akun pelapor"),
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
    "kasus.lapor_linked": _("Nomor SP4N-LAPOR! dicatat"),
    "note.internal": _("Catatan internal"),
    "tindak_lanjut.added": _("Tindak lanjut ditambahkan"),
    "tindak_lanjut.done": _("Tindak lanjut selesai"),
}


def register_kind_labels(labels: dict[str, Promise]) -> None:
    _LABELS.update(labels)


def kind_label(kind: str) -> str:
    """The translated name of a kind; an unknown kind falls back to its own words."""
    label = _LABELS.get(kind)
    if label is not None:
        return str(label)
    return kind.split(".", 1)[-1].replace("_", " ").capitalize()
