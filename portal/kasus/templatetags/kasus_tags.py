import functools
from typing import Any
from urllib.parse import quote

from django import template
from django.template.context import Context
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.akun import roles
from portal.kasus.kinds import kind_label
from portal.kasus.models import Channel, Kasus, Riwayat, Status

register = template.Library()
BADGE_CLASS: dict[str, str] = {Status.DITUTUP: " badge-ok", Status.DITOLAK: " badge-danger"}
EMPTY = "—"
OVERDUE_CLASS = SafeString(' class="overdue"')


@register.filter
def riwayat_kind(kind: str) -> str:
    """A readable name for a timeline entry's kind."""
    return kind_label(kind)


@register.simple_tag(takes_context=True)
def render_panel(context: Context, template_name: str, extra: dict[str, Any]) -> str:
    """Render a feature app's panel with the page context plus the panel's own context."""
    tpl = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
    with context.push(**extra):
        return tpl.render(context)


@register.simple_tag
def status_badge(kasus: Kasus) -> SafeString:
    """The case's status as a badge; closed cases green, rejected ones red."""
    # The enum's label, not get_status_display(): that rebuilds a hashable copy of all choices on each call.
    return mark_safe(_status_span(kasus.status, escape(Status(kasus.status).label)))  # noqa: S308 - escaped


def _status_span(status: str, label: str) -> str:
    """The status badge's markup, from an already escaped label (queue rows pass their per-language copy)."""
    return f'<span class="badge status-{escape(status)}{BADGE_CLASS.get(status, "")}">{label}</span>'


def _badge(css: str, text: str) -> str:
    return f' <span class="badge {css}">{escape(text)}</span>'


@functools.lru_cache(maxsize=16)
def _row_words(language: str) -> dict[str, Any]:
    """What every queue row says in this language, escaped once: translating the same labels for each row, each
    through a lazy string, was half of a row's cost."""
    return {
        "status": {value: escape(label) for value, label in Status.choices},
        "channel": {value: escape(label) for value, label in Channel.choices},
        "overdue": _badge("badge-overdue", gettext("Terlambat")),
        "anonymous": _badge("badge-internal", gettext("Anonim")),
        "confidential": _badge("badge-internal", gettext("Rahasia")),
        "hidden_reporter": escape(gettext("Pelapor anonim")),
        "tick": escape(gettext("Pilih %(ref)s")),
        "months": ["", *(str(MONTHS_3[m]).title() for m in range(1, 13))],
        # One reverse() per page: the case's URL differs only by its reference.
        "href": reverse("kasus:detail", args=[REFERENCE_SLOT]),
    }


REFERENCE_SLOT = "KSS-0000-000000"


@register.simple_tag(takes_context=True)
def queue_row(context: Context, kasus: Kasus) -> SafeString:
    """One row of the staff queue, written in Python.

    A template per row resolved some forty variables for each of the page's cases, more than half of the
    queue's rendering time; this writes the same cells straight from the case, escaping each value.
    """
    words = _row_words(get_language())
    antrean = context.get("antrean") or ""
    overdue = kasus.is_overdue
    reference = escape(kasus.reference)
    href = words["href"].replace(REFERENCE_SLOT, quote(kasus.reference, safe=""))
    if antrean:
        href += "?antrean=" + quote(antrean, safe="/")  # as the urlencode filter writes it
    tick = ""
    if roles.PETUGAS in (context.get("user_roles") or ()):
        label = words["tick"].replace("%(ref)s", reference)
        tick = (
            f'<td><input type="checkbox" name="kasus" value="{kasus.pk}" form="massal" id="pilih-{kasus.pk}"'
            f' aria-label="{label}"></td>'
        )
    due = EMPTY
    if kasus.due_at:
        at = timezone.localtime(kasus.due_at)
        due = f"{at.day} {words['months'][at.month]} {at.year:04d}"  # the date filter's "j M Y"
        if overdue:
            due += words["overdue"]
    if kasus.show_identity:  # set by the view for this viewer
        reporter = escape(kasus.reporter_display() or EMPTY) + (words["anonymous"] if kasus.is_anonymous else "")
    else:
        reporter = words["hidden_reporter"]
    status = _status_span(kasus.status, words["status"][kasus.status])
    cells = (
        f'<tr{OVERDUE_CLASS if overdue else ""}>{tick}<td><a href="{escape(href)}">{reference}</a></td>'
        f"<td>{escape(kasus.title)}{words['confidential'] if kasus.is_confidential else ''}</td><td>{status}</td>"
        f"<td>{escape(kasus.kategori.display_name) if kasus.kategori else EMPTY}</td>"
        f"<td>{escape(kasus.kecamatan.nama) if kasus.kecamatan else EMPTY}</td>"
        f"<td>{escape(str(kasus.opd)) if kasus.opd else EMPTY}</td><td>{due}</td>"
        f"<td>{words['channel'][kasus.channel]}</td><td>{reporter}</td></tr>"
    )
    return mark_safe(cells)  # noqa: S308  # every value above is escaped


VISIBILITY_BADGE: dict[str, str] = {
    Riwayat.Visibility.INTERNAL: " badge-internal",
    Riwayat.Visibility.PUBLIK: " badge-ok",
}


def _month_names() -> list[str]:
    """This language's month names (the date filter's "F"), looked up once per timeline instead of per entry."""
    return ["", *(str(MONTHS[m]) for m in range(1, 13))]


@register.simple_tag
def timeline(entries: list[Riwayat], show_visibility: bool = False) -> SafeString:
    """A case's timeline, oldest first, written in Python: through a template per entry, a long timeline was a
    fifth of the staff case page. Each entry carries body, actor_label and show_message, set by the view for
    this viewer; staff see each entry's visibility, the reporter sees which entries only they can read."""
    if not entries:
        return format_html("<p>{}</p>", gettext("Belum ada riwayat."))
    months = _month_names()
    visibility_labels = {value: escape(label) for value, label in Riwayat.Visibility.choices}
    reporter_only = format_html(' <span class="badge">{}</span>', gettext("Hanya untuk pelapor"))
    items = []
    for entry in entries:
        badge = ""
        if show_visibility:
            css = VISIBILITY_BADGE.get(entry.visibility, "")
            badge = f' <span class="badge{css}">{visibility_labels[entry.visibility]}</span>'
        elif entry.visibility == Riwayat.Visibility.PELAPOR:
            badge = reporter_only
        body = getattr(entry, "body", "")
        message = ""
        if getattr(entry, "show_message", False) and body:
            message = f'\n<div class="riwayat-message">{linebreaksbr(body, autoescape=True)}</div>'
        at = timezone.localtime(entry.created_at)
        when = f"{at.day} {months[at.month]} {at.year:04d}, {at:%H:%M}"  # the date filter's "j F Y, H:i"
        items.append(
            f'<li class="riwayat riwayat-{escape(entry.visibility)}" id="riwayat-{entry.pk}">\n'
            f"<strong>{conditional_escape(kind_label(entry.kind))}</strong>{badge}\n"
            f'<br><time datetime="{at.isoformat()}">{escape(when)}</time>\n'
            f'· <span class="actor">{conditional_escape(getattr(entry, "actor_label", ""))}</span>{message}\n</li>'
        )
    # Every value above was escaped on the way in.
    return mark_safe('<ol class="timeline">\n' + "\n".join(items) + "\n</ol>")  # noqa: S308
