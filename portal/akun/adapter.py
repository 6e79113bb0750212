from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from portal.akun import roles as r
from portal.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        """The address every other rate limit uses (allauth then buckets IPv6 per /64 itself)."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where each person works: protokol on the audiensi list, other staff on the case queue, residents on
        their own cases. A ?next= the person came with is honoured before this is asked."""
        user = request.user
        if r.has_role(user, r.PROTOKOL) and not r.has_role(user, r.PETUGAS, r.OPD):
            return reverse("audiensi:staff_list")
        if r.is_staff_member(user):
            return reverse("kasus:queue")
        return reverse("kasus:mine")
