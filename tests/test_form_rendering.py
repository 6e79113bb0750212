"""Fields and plain inputs are written in Python (portal/forms_rendering.py) with the HTML the templates wrote.

The reference is the field layout template as it was (tests/assets/field_layout_reference.html) and Django's own
widget templates, rendered through the Django template engine.
"""

from pathlib import Path

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.template import engines
from django.utils.safestring import mark_safe

from portal.forms_rendering import PYTHON_TEMPLATES, PortalFormRenderer

REFERENCE = (Path(__file__).parent / "assets" / "field_layout_reference.html").read_text()


class Sample(forms.Form):
    title = forms.CharField(label="Judul <b>", max_length=10, help_text=mark_safe("Singkat <em>saja</em>"))
    email = forms.EmailField(label="Email", required=False)
    count = forms.IntegerField(label="Jumlah", required=False)
    day = forms.DateField(label="Tanggal", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    body = forms.CharField(label="Isi", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    agree = forms.BooleanField(label="Saya setuju", help_text="Wajib dicentang.")
    choice = forms.ChoiceField(label="Pilihan", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    upload = forms.FileField(label="Berkas", required=False)
    marked = forms.CharField(label="Ditandai", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marked"].marked_required = True


def reference_field(field) -> str:
    template = engines["django"].from_string(REFERENCE)
    return template.render({"field": field}).strip()


FORMS = {
    "unbound": lambda: Sample(),
    "with initial values": lambda: Sample(initial={"title": 'a"<b>', "body": "x & y", "count": 3, "agree": True}),
    "bound with errors": lambda: Sample(data={"title": "<script>x</script> terlalu panjang", "email": "bukan"}),
    "bound and valid": lambda: Sample(data={"title": "ok", "agree": "on", "choice": "a", "body": "<i>teks</i>"}),
}


@pytest.mark.parametrize("state", FORMS)
def test_every_field_is_written_as_the_layout_template_wrote_it(state):
    form = FORMS[state]()
    if form.is_bound:
        form.is_valid()
    for field in form:
        assert str(field.as_field_group()) == reference_field(field), field.name


@pytest.mark.parametrize("state", FORMS)
def test_every_plain_input_is_written_as_djangos_widget_templates_write_it(state):
    stock = TemplatesSetting()
    form = FORMS[state]()
    for field in form:
        widget = field.field.widget
        context = widget.get_context(field.html_name, field.value(), field.build_widget_attrs({}, widget))
        if widget.template_name not in PYTHON_TEMPLATES:
            continue
        ours = PortalFormRenderer().render(widget.template_name, context)
        assert ours == stock.render(widget.template_name, context), field.name


def test_the_layout_and_plain_inputs_are_not_templates_any_more():
    assert "_field.html" in PYTHON_TEMPLATES
    assert "django/forms/widgets/text.html" in PYTHON_TEMPLATES
    assert "django/forms/widgets/select.html" not in PYTHON_TEMPLATES  # choice widgets keep Django's templates
