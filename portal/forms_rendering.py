"""One way to render a form field everywhere: label, hint, error message, then the input (GOV.UK order).

The field layout and the plain input widgets are written in Python. Through templates they were the larger part
of every form page's rendering (on the staff case page, 16 fields cost more than the rest of the page): a
template per field and two per input, each resolving its variables one lookup at a time. The HTML is the same
as Django's widget templates and the layout below; tests/test_form_rendering.py compares them.
"""

from collections.abc import Callable
from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

FIELD_TEMPLATE = "_field.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def _input(context: dict[str, Any]) -> str:
    """As django/forms/widgets/input.html."""
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _textarea(context: dict[str, Any]) -> str:
    """As django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _required(field: BoundField) -> str:
    if field.field.required or getattr(field.field, "marked_required", False):
        return format_html(' <span class="wajib">{}</span>', gettext("(wajib)"))
    return ""


def _error(field: BoundField) -> str:
    if not field.errors:
        return ""
    return format_html(
        '<p class="error-message" id="{}_error"><span class="visually-hidden">{}</span> {}</p>',
        field.auto_id,
        gettext("Kesalahan:"),
        " ".join(conditional_escape(str(e)) for e in field.errors),
    )


def _help(field: BoundField, css: str) -> str:
    if not field.help_text:
        return ""
    return format_html('<div class="{}" id="{}_helptext">{}</div>', css, field.auto_id, mark_safe(field.help_text))  # noqa: S308  # hints are ours, as |safe in the template


def _field(context: dict[str, Any]) -> str:
    """The field layout: label (with the required marker), hint, error message, input.

    Django puts aria-invalid and aria-describedby (hint and error ids) on the input.
    """
    field: BoundField = context["field"]
    if field.is_hidden:
        return str(field)
    label = conditional_escape(field.label)
    css = "field field-error" if field.errors else "field"
    if field.widget_type == "checkbox":
        body = (
            f"\n  {_error(field)}\n"
            f'  <div class="check">{field} <label for="{conditional_escape(field.id_for_label)}">'
            f"{label}{_required(field)}</label></div>\n"
            f"  {_help(field, 'helptext check-hint')}\n"
        )
    else:
        if field.use_fieldset:
            describedby = field.aria_describedby
            aria = f' aria-describedby="{conditional_escape(describedby)}"' if describedby else ""
            opening = f'<fieldset class="group"{aria}>\n  <legend>{label}{_required(field)}</legend>\n  '
            closing = "</fieldset>"
        else:
            opening = f'<label for="{conditional_escape(field.id_for_label)}">{label}{_required(field)}</label>'
            closing = ""
        body = f"\n  {opening}\n  {_help(field, 'helptext')}\n  {_error(field)}\n  {field}\n  {closing}\n"
    return f'<div class="{css}">\n{body}\n</div>'


# Django's input widgets whose template is input.html alone.
_INPUTS = (
    "text",
    "email",
    "number",
    "hidden",
    "date",
    "datetime",
    "time",
    "password",
    "url",
    "tel",
    "search",
    "color",
    "checkbox",
    "file",
)
PYTHON_TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    FIELD_TEMPLATE: _field,
    "django/forms/widgets/input.html": _input,
    "django/forms/widgets/textarea.html": _textarea,
    **{f"django/forms/widgets/{name}.html": _input for name in _INPUTS},
}


class PortalFormRenderer(TemplatesSetting):
    """Looks templates up through TEMPLATES, so the field layout applies to every form's fields."""

    field_template_name = FIELD_TEMPLATE

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        written = PYTHON_TEMPLATES.get(template_name)
        if written is None:
            return super().render(template_name, context, request)
        # Every value above went through conditional_escape or format_html.
        return mark_safe(written(context).strip())  # noqa: S308
