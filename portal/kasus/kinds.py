"""Timeline entry kinds: what each is called and how its text reads, in the reader's language.

An entry stores its kind and params; its text is rendered when it is read (staff and public pages,
emails, exports), so each reader sees it in their own language whoever wrote it. Feature apps
register their kinds in AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.wilayah.models import Kategori, Opd, Pejabat

from .models import Channel, Riwayat

# A template is a lazy string with %(name)s placeholders, or a function of the rendered params for kinds
# whose wording depends on them. `message` (the text a person wrote) is always among the params.
Template = Promise | Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Kind:
    label: Promise
    template: Template | None = None  # None: the entry is only the text a person wrote
    params: tuple[str, ...] = ()  # the params the template reads, besides `message`


def _or_message(default: Promise) -> Callable[[dict[str, Any]], str]:
    """The person's own words when they wrote some; the kind's standard sentence otherwise."""
    return lambda p: p["message"] or str(default)


def _lapor_linked(p: dict[str, Any]) -> str:
    if p.get("id"):
        return gettext("Kasus ini tercatat di SP4N-LAPOR! dengan nomor %(id)s.") % {"id": p["id"]}
    return gettext("Tautan ke SP4N-LAPOR! dihapus.")


def _overdue(p: dict[str, Any]) -> str:
    if str(p.get("level")) == "1":
        return gettext("Kasus melewati batas waktu layanan.")
    return gettext("Kasus masih terlambat setelah batas kedua; dieskalasi ke pimpinan.")


def _assigned(p: dict[str, Any]) -> str:
    if p.get("officer"):
        return gettext("Kasus ditugaskan kepada %(officer)s.") % {"officer": p["officer"]}
    return gettext("Penugasan kasus dilepas.")


_KINDS: dict[str, Kind] = {
    "kasus.opened": Kind(_("Kasus dibuka"), _("Kasus dibuka melalui kanal %(channel)s."), ("channel",)),
    "kasus.confirmed": Kind(_("Email pelapor dikonfirmasi"), _("Email pelapor dikonfirmasi.")),
    "kasus.verified": Kind(
        _("Diverifikasi"), _or_message(_("Kasus telah diverifikasi dan akan diteruskan ke OPD terkait."))
    ),
    "kasus.rejected": Kind(_("Ditolak"), _("Kasus ditolak. Alasan: %(reason)s"), ("reason",)),
    "kasus.info_requested": Kind(_("Informasi tambahan diminta")),
    "kasus.info_received": Kind(_("Informasi tambahan diterima")),
    "kasus.disposed": Kind(
        _("Didisposisikan ke OPD"), _("Kasus diteruskan ke %(opd)s untuk ditindaklanjuti."), ("opd",)
    ),
    "kasus.started": Kind(_("Mulai ditindaklanjuti"), _or_message(_("OPD mulai menindaklanjuti kasus ini."))),
    "kasus.answered": Kind(_("Dijawab")),
    "kasus.accepted": Kind(_("Jawaban diterima pelapor"), _or_message(_("Pelapor menerima jawaban."))),
    "kasus.autoclosed": Kind(
        _("Ditutup otomatis"),
        _("Kasus ditutup otomatis karena tidak ada tanggapan atas jawaban dalam %(days)s hari kerja."),
        ("days",),
    ),
    "kasus.disputed": Kind(_("Jawaban disanggah")),
    "kasus.merged": Kind(_("Digabung ke kasus lain"), _("Kasus ini digabung ke %(ref)s."), ("ref",)),
    "kasus.merge_received": Kind(_("Kasus lain digabung ke sini"), _("Kasus %(ref)s digabung ke kasus ini."), ("ref",)),
    "kasus.updated": Kind(_("Klasifikasi diperbarui"), _("Klasifikasi kasus diperbarui.")),
    "kasus.overdue": Kind(_("Melewati batas waktu"), _overdue, ("level",)),
    "kasus.linked_account": Kind(
        _("Ditautkan ke akun pelapor"),
        _("Kasus ini ditautkan ke akun pelapor setelah alamat emailnya terverifikasi."),
    ),
    "kasus.lapor_linked": Kind(_("Nomor SP4N-LAPOR! dicatat"), _lapor_linked, ("id",)),
    "note.internal": Kind(_("Catatan internal")),
    "kasus.assigned": Kind(_("Ditugaskan ke petugas"), _assigned, ("officer",)),
    "kasus.reporter_pseudonymised": Kind(
        _("Identitas pelapor dihapus"), _("Identitas pelapor diganti nama samaran (UU PDP).")
    ),
    "tindak_lanjut.added": Kind(
        _("Tindak lanjut ditambahkan"),
        _("Tindak lanjut: %(desc)s (%(opd)s, tenggat %(due)s)."),
        ("desc", "opd", "due"),
    ),
    "tindak_lanjut.done": Kind(
        _("Tindak lanjut selesai"), _("Tindak lanjut selesai: %(desc)s. %(evidence)s"), ("desc", "evidence")
    ),
}


def register_kinds(kinds: dict[str, Kind]) -> None:
    _KINDS.update(kinds)


def register_kind_labels(labels: dict[str, Promise]) -> None:
    """Name kinds whose entries carry their whole text in `message`."""
    _KINDS.update({kind: Kind(label) for kind, label in labels.items()})


def registered_kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def kind_label(kind: str) -> str:
    """The translated name of a kind; an unknown kind falls back to its own words."""
    spec = _KINDS.get(kind)
    if spec is not None:
        return str(spec.label)
    return kind.split(".", 1)[-1].replace("_", " ").capitalize()


# References: params that name reference data or a moment are stored as {"ref": type, "v": value, "text": ...}
# and rendered in the reader's language; `text` is shown if the object is gone.


def ref(type_: str, value: Any, text: str = "") -> dict[str, Any]:
    return {"ref": type_, "v": value, "text": text}


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and "ref" in value and "v" in value


# type -> function of a set of stored values returning {value: text in the active language}
_REF_TYPES: dict[str, Callable[[set], dict[Any, str]]] = {}


def register_ref_type(type_: str, resolve: Callable[[set], dict[Any, str]]) -> None:
    _REF_TYPES[type_] = resolve


def _each(render: Callable[[Any], str | None]) -> Callable[[set], dict[Any, str]]:
    def resolve(values: set) -> dict[Any, str]:
        return {v: text for v in values if (text := render(v)) is not None}

    return resolve


def _datetime(value: str) -> str | None:
    moment = parse_datetime(value) if isinstance(value, str) else None
    return date_format(timezone.localtime(moment), "l, j F Y, H.i") if moment else None


def _date(value: str) -> str | None:
    day = parse_date(value) if isinstance(value, str) else None
    return date_format(day, "j F Y") if day else None


def _channel(value: str) -> str | None:
    return str(Channel(value).label) if value in Channel.values else None


def _rows(model: type[Model], label: Callable[[Any], str]) -> Callable[[set], dict[Any, str]]:
    def resolve(values: set) -> dict[Any, str]:
        return {obj.pk: label(obj) for obj in model._default_manager.filter(pk__in=values)}

    return resolve


register_ref_type("datetime", _each(_datetime))
register_ref_type("date", _each(_date))
register_ref_type("channel", _each(_channel))
register_ref_type("opd", _rows(Opd, lambda o: o.display_name))
register_ref_type("kategori", _rows(Kategori, lambda k: k.display_name))
register_ref_type("pejabat", _rows(Pejabat, lambda p: p.display_jabatan))


def moment(value: dt.datetime) -> dict[str, Any]:
    return ref("datetime", value.isoformat())


def day(value: dt.date) -> dict[str, Any]:
    return ref("date", value.isoformat())


def _resolve(entries: Iterable[Riwayat]) -> dict[tuple[str, Any], str]:
    """Every reference the entries name, looked up once per type."""
    wanted: dict[str, set] = defaultdict(set)
    for entry in entries:
        for value in (entry.params or {}).values():
            if _is_ref(value) and isinstance(value["v"], str | int):
                wanted[value["ref"]].add(value["v"])
    resolved = {}
    for type_, values in wanted.items():
        resolve = _REF_TYPES.get(type_)
        if resolve is not None:
            resolved.update({(type_, v): text for v, text in resolve(values).items()})
    return resolved


def _value(value: Any, resolved: dict[tuple[str, Any], str]) -> Any:
    if not _is_ref(value):
        return value
    key = (value["ref"], value["v"])
    return resolved[key] if key in resolved else value.get("text") or str(value["v"])


def _render(entry: Riwayat, resolved: dict[tuple[str, Any], str]) -> str:
    spec = _KINDS.get(entry.kind)
    if entry.params is None or spec is None or spec.template is None:
        return entry.message  # written before templates, or only a person's words
    values = {name: _value(value, resolved) for name, value in entry.params.items()}
    values["message"] = entry.message
    template = spec.template
    try:
        if callable(template) and not isinstance(template, Promise):
            return template(values)
        pattern = str(template)
        text = pattern % values
    except (KeyError, TypeError, ValueError):
        return entry.message  # params that do not fit the template: the stored words are the best there is
    if entry.message and "%(message)s" not in pattern:
        text = f"{text} {entry.message}"
    return text


def riwayat_texts(entries: Iterable[Riwayat]) -> list[str]:
    """The entries' texts in the active language, with one lookup per kind of reference data."""
    entries = list(entries)
    resolved = _resolve(entries)
    return [_render(entry, resolved) for entry in entries]


def riwayat_text(entry: Riwayat) -> str:
    """One entry's text in the active language: the one function every page, email and export uses."""
    return riwayat_texts([entry])[0]


def riwayat_text_lazy(entry: Riwayat) -> Promise:
    """The text rendered when shown, for an email rendered later in its recipient's language."""
    # The stubs type a lazy() proxy as its result class; at run time it is a Promise.
    return cast(Promise, lazy(riwayat_text, str)(entry))
