from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.wilayah.models import DESA_LEVELS, Wilayah

from .models import User


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Wilayah) -> str:
        kecamatan = obj.parent.nama if obj.parent else ""
        return f"{obj.nama} ({_('Kec.')} {kecamatan})" if kecamatan else obj.nama


def _desa_queryset() -> QuerySet[Wilayah]:
    return Wilayah.objects.filter(tingkat__in=DESA_LEVELS).select_related("parent").order_by("parent__nama", "nama")


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    phone = forms.CharField(
        label=_("Nomor telepon (opsional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    wilayah = DesaChoiceField(
        label=_("Desa/kelurahan tempat tinggal (opsional)"),
        queryset=_desa_queryset(),
        required=False,
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.phone = self.cleaned_data.get("phone", "")
        user.wilayah = self.cleaned_data.get("wilayah")
        user.language = getattr(request, "LANGUAGE_CODE", "id")[:2]
        user.save(update_fields=["full_name", "phone", "wilayah", "language"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    phone = forms.CharField(label=_("Nomor telepon"), max_length=20, required=False)
    language = forms.ChoiceField(
        label=_("Bahasa email dan tampilan"), choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
    wilayah = DesaChoiceField(label=_("Desa/kelurahan tempat tinggal"), queryset=_desa_queryset(), required=False)
