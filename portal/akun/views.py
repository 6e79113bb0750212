"""The signed-in person's own profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import roles as r
from .forms import ProfileForm
from .requests import AuthenticatedHttpRequest
from .services import user_update_profile


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            user_update_profile(user=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Profil Anda telah disimpan."))
            response = redirect("akun_profile")
            # The chosen language also wins over an earlier switch at the top of the page.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    else:
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "phone": user.phone,
                "language": user.language,
                "wilayah": user.wilayah_id,
            }
        )
    role_labels = [label for name, label in r.ROLE_LABELS.items() if name in r.user_roles(user)]
    context = {"form": form, "role_labels": role_labels}
    return render(request, "akun/profile.html", context, status=400 if form.is_bound else 200)
