from django import forms
from django.utils.translation import gettext_lazy as _

from portal.wilayah.models import Opd, Wilayah

from .selectors import STATUS_CHOICES


class TrackerFilterForm(forms.Form):
    """Filters of the commitments tracker: every value is checked against a bounded set."""

    opd = forms.ModelChoiceField(label=_("OPD"), required=False, queryset=Opd.objects.order_by("nama"))
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        required=False,
        queryset=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).order_by("nama"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Semua")), *STATUS_CHOICES])

    def filters(self) -> dict:
        """The valid filters; an invalid value filters nothing rather than failing the page."""
        if not self.is_valid():
            return {"opd_id": None, "kecamatan_id": None, "status": ""}
        data = self.cleaned_data
        return {
            "opd_id": data["opd"].pk if data["opd"] else None,
            "kecamatan_id": data["kecamatan"].pk if data["kecamatan"] else None,
            "status": data["status"],
        }
