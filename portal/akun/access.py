"""Access decorators for staff pages: a staff role and MFA enrolled."""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import roles as r


def has_mfa(user) -> bool:
    cached = getattr(user, "_portal_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._portal_has_mfa = cached
    return cached


def staff_required(*allowed: str, readers: tuple[str, ...] = ()) -> Callable:
    """Require one of the given roles (any staff role when none given) and TOTP enrolled.

    `readers` may open the page too, but only to read it: any method other than GET or HEAD is refused.
    """
    allowed_roles = set(allowed or r.STAFF_ROLES)
    reader_roles = set(readers)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            roles = r.user_roles(user)
            reading = request.method in ("GET", "HEAD") and bool(roles & reader_roles)
            if not (roles & allowed_roles or reading):
                raise PermissionDenied
            if not has_mfa(user):
                messages.warning(request, _("Akun petugas wajib memakai autentikasi dua langkah. Aktifkan dulu."))
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
