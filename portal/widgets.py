"""Form widgets shared by the apps."""

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# A constant attribute, so format_html leaves it as it is.
SELECTED = SafeString(" selected")


class OptionsInPythonSelect(forms.Select):
    """Django's Select, with the <option>s written in Python: the same HTML without a template per option.

    The stock widget renders two sub-templates for each option, and even its per-option context (a dict of
    attributes each) was most of the aspirasi form's rendering time for a few hundred desa; the options are
    written straight from the choices, with Django's rule that only the first matching option is selected.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        has_selected = False

        def options(choices: Any) -> SafeString:
            nonlocal has_selected
            rows = []
            for option_value, option_label in choices:
                option = "" if option_value is None else str(option_value)
                selected = (not has_selected or self.allow_multiple_selected) and option in chosen
                has_selected |= selected
                rows.append((option, SELECTED if selected else "", option_label))
            return format_html_join("", '<option value="{}"{}>{}</option>', rows)

        groups = [
            format_html('<optgroup label="{}">{}</optgroup>', value, options(label))
            if isinstance(label, list | tuple)
            else options([(value, label)])
            for value, label in _listed(self.choices)
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


def _listed(choices: Any) -> Any:
    """A model field's choices read with one plain query.

    Its own iterator uses QuerySet.iterator(), which on PostgreSQL opens a server-side cursor (declare, fetch,
    close: three round trips) for a few dozen rows.
    """
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    empty = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
    return [*empty, *(choices.choice(obj) for obj in choices.queryset.all())]
