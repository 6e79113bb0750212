"""Every form of the portal that takes a file runs it through the attachment sanitiser."""

import importlib
import importlib.util

from django import forms
from django.apps import apps

from aspirasi.forms import AttachmentsMixin


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_form_with_a_file_field_goes_through_the_sanitiser():
    project = [c.name for c in apps.get_app_configs() if "site-packages" not in c.path]
    for name in project:
        if importlib.util.find_spec(f"{name}.forms"):
            importlib.import_module(f"{name}.forms")
    with_files = [
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".forms")[0] in project
        and any(isinstance(field, forms.FileField) for field in cls.base_fields.values())
    ]
    assert {cls.__name__ for cls in with_files} >= {"AspirasiForm", "StaffRecordForm", "InfoForm", "AnswerForm"}
    assert [cls for cls in with_files if not issubclass(cls, AttachmentsMixin)] == []
