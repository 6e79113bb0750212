"""The desa select is written in Python: the same HTML as Django's Select, without a template per option."""

import pytest
from django import forms
from django.test.signals import template_rendered
from django.urls import reverse

from portal.widgets import OptionsInPythonSelect
from portal.wilayah.models import Wilayah

CHOICES = [
    ("", "— pilih —"),
    ("Wonogiri", [("1", "Giripurwo"), ("2", "Wuryorejo & <Sekitarnya>")]),
    ("Selogiri", [("3", "Jaten")]),
]


@pytest.mark.parametrize("value", ["2", "", None, "999"])
def test_it_renders_the_same_html_as_djangos_select(value):
    from django.test.html import parse_html

    attrs = {"id": "id_desa", "aria-describedby": "id_desa_helptext", "disabled": False, "required": True}
    ours = OptionsInPythonSelect(choices=CHOICES).render("desa", value, attrs)
    stock = forms.Select(choices=CHOICES).render("desa", value, attrs)
    assert parse_html(ours) == parse_html(stock)
    assert "&lt;Sekitarnya&gt;" in ours
    assert ('value="2" selected' in ours) == (value == "2")


def test_it_selects_only_the_first_option_with_the_value_as_django_does():
    from django.test.html import parse_html

    choices = [("A", [("1", "Satu")]), ("B", [("1", "Satu lagi")])]
    ours = OptionsInPythonSelect(choices=choices).render("desa", "1")
    assert parse_html(ours) == parse_html(forms.Select(choices=choices).render("desa", "1"))
    assert ours.count(" selected") == 1


@pytest.mark.django_db
def test_the_aspirasi_form_renders_no_template_per_select_option(client):
    rendered = []

    def record(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        response = client.get(reverse("aspirasi:submit"))
    finally:
        template_rendered.disconnect(record)
    assert response.status_code == 200 and 'name="desa"' in response.content.decode()
    desa = Wilayah.objects.filter(tingkat__in=("desa", "kelurahan")).count()
    assert desa > 100
    # The kecamatan and kategori selects are written the same way.
    assert "django/forms/widgets/select_option.html" not in rendered
