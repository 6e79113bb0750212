from types import SimpleNamespace
from typing import Any

from django.http import HttpRequest

from . import roles as r

# Templates compare roles with these constants, never with a literal: {% if ROLES.OPD in user_roles %}.
ROLE_CONSTANTS = SimpleNamespace(PETUGAS=r.PETUGAS, PROTOKOL=r.PROTOKOL, OPD=r.OPD, PIMPINAN=r.PIMPINAN, ADMIN=r.ADMIN)


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    names = r.user_roles(user) if user is not None else frozenset()
    return {"user_roles": names, "is_staff_member": bool(names & set(r.STAFF_ROLES)), "ROLES": ROLE_CONSTANTS}
