from django import forms
from django.utils.translation import gettext_lazy as _

from portal.wilayah.models import Wilayah


class DesaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Wilayah) -> str:
        kecamatan = obj.parent.nama if obj.parent_id else ""
        return f"{obj.nama} ({_('Kec.')} {kecamatan})" if kecamatan else obj.nama


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
        queryset=Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"])
        .select_related("parent")
        .order_by("parent__nama", "nama"),
        required=False,
    )

    def signup(self, request, user) -> None:
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
