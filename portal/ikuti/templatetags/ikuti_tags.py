"""The "what I follow" section of the profile page: portal.akun shows it without importing this app."""

from typing import Any

from django import template

from portal.akun.models import User
from portal.ikuti.models import LanggananWilayah
from portal.ikuti.selectors import following_of

register = template.Library()


@register.inclusion_tag("ikuti/_following.html")
def following_section(user: User) -> dict[str, Any]:
    # Django hands the page's csrf_token on to an inclusion tag's template, so its forms post as before.
    return {"following": following_of(user), "frekuensi_choices": LanggananWilayah.Frekuensi.choices}
