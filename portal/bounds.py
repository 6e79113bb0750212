"""Bounds every form shares, so that input either fits the database and the date arithmetic or is a form error.

The same limits apply on SQLite and PostgreSQL: SQLite would store a year-1 date
or a 2147483647-day setting that later breaks every page computing with it.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

YEAR_MIN = 2000
YEAR_MAX = 2100
# Row ids are bigint on PostgreSQL; anything larger names no row.
ID_MAX = 2**63 - 1
# Free text longer than this is never a real message (a notulen is the longest).
TEXT_MAX = 20_000


def validate_year(value: datetime.date | None) -> None:
    """Model-level too, so that the admin's forms keep to the same years."""
    if value is not None and not (YEAR_MIN <= value.year <= YEAR_MAX):
        raise ValidationError(
            _("Tahun harus antara %(min)s dan %(max)s."),
            code="year_out_of_range",
            params={"min": YEAR_MIN, "max": YEAR_MAX},
        )


def between(low: int, high: int) -> list[MinValueValidator | MaxValueValidator]:
    """Validators of an integer model field with a sane range (also in the admin)."""
    return [MinValueValidator(low), MaxValueValidator(high)]


class YearRange(forms.Field):
    """Dates and times between YEAR_MIN and YEAR_MAX, also in the browser's date picker.

    Mixed in before a date or datetime field; subclassing Field only places it, super() reaches that field.
    """

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        suffix = "T00:00" if getattr(widget, "input_type", "") == "datetime-local" else ""
        last = "T23:59" if suffix else ""
        attrs.update({"min": f"{YEAR_MIN}-01-01{suffix}", "max": f"{YEAR_MAX}-12-31{last}"})
        return attrs

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:
        super().validate(value)
        validate_year(value)


class DateField(YearRange, forms.DateField):
    pass


class DateTimeField(YearRange, forms.DateTimeField):
    pass


class IdListField(forms.Field):
    """Row ids posted as repeated values (checkboxes); anything but a positive id is refused."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Pilihan tidak valid.")}

    def __init__(self, *, max_items: int = 200, **kwargs: Any) -> None:
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.max_items:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in values:
            if not (isinstance(item, str) and item.isascii() and item.isdigit() and 0 < int(item) <= ID_MAX):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(item))
        return ids


def limit_integer(field: forms.IntegerField, low: int, high: int) -> None:
    """Bound an integer field a ModelForm built from the model (the model's own range is the database's)."""
    field.min_value, field.max_value = low, high
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update({"min": low, "max": high})


def limit_length(field: forms.CharField, high: int) -> None:
    """Give a CharField a ModelForm built from a TextField its maximum length."""
    field.max_length = high
    field.validators.append(MaxLengthValidator(high))
    field.widget.attrs["maxlength"] = str(high)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids out of range before the `pk__in` query, which Django does not guard as it does `pk=`."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            text = str(item)
            if not (text.isascii() and text.isdigit() and int(text) <= ID_MAX):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)  # type: ignore[misc]  # Django's private hook, absent from the stubs
