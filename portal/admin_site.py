from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    """The Django admin for reference data and users: staff with two-factor sign-in only."""

    site_header = "Portal Aspirasi & Audiensi"
    site_title = "Portal Aspirasi & Audiensi"

    def has_permission(self, request):
        from portal.akun.access import has_mfa  # the admin app loads before allauth's models

        return super().has_permission(request) and has_mfa(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
