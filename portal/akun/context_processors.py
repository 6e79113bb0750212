from . import roles as r


def roles(request) -> dict:
    user = getattr(request, "user", None)
    names = r.user_roles(user) if user is not None else frozenset()
    return {"user_roles": names, "is_staff_member": bool(names & set(r.STAFF_ROLES))}
