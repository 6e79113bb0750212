"""Every field a form takes is bounded: lengths, integers and years (issue 8.10)."""

import inspect

import pytest
from django import forms

import aspirasi.forms
import audiensi.forms
import datapribadi.forms
import portal.akun.forms
import portal.kasus.forms
import sarasehan.forms
from portal import bounds
from portal.kasus.filters import KasusFilter

pytestmark = pytest.mark.django_db

MODULES = [aspirasi.forms, audiensi.forms, sarasehan.forms, portal.kasus.forms, portal.akun.forms, datapribadi.forms]
# Keyword arguments the project's forms take besides data.
CONTEXT = {"slots": [], "user": None, "sarasehan": None, "own_cases": None, "wilayah_options": ()}


def project_forms() -> list[forms.Form]:
    found = []
    for module in MODULES:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                wanted = inspect.signature(cls.__init__).parameters
                found.append(cls(**{k: v for k, v in CONTEXT.items() if k in wanted}))
    found.append(KasusFilter(queryset=None).form)
    return found


def unbounded(form: forms.BaseForm) -> list[str]:
    problems = []
    for name, field in form.fields.items():
        where = f"{type(form).__name__}.{name}"
        if isinstance(field, forms.CharField) and not field.max_length:
            problems.append(f"{where}: no max_length")
        if isinstance(field, forms.IntegerField) and (field.min_value is None or field.max_value is None):
            problems.append(f"{where}: no min_value/max_value")
        if isinstance(field, forms.DateField | forms.DateTimeField) and not isinstance(field, bounds.YearRange):
            problems.append(f"{where}: years not bounded")
    return problems


def test_every_form_field_is_bounded():
    found = project_forms()
    problems = [problem for form in found for problem in unbounded(form)]
    assert not problems, "\n".join(problems)
    assert len(found) >= 40
