from typing import cast

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.admin_site import IdsOnlyAutocompleteMixin, ReadOnlyAdminMixin, ReferenceAdminMixin
from portal.audit.labels import REFERENCE_CHANGED
from portal.audit.services import audit_record

from .models import PermintaanDataPribadi, User


@admin.register(User)
class UserAdmin(ReferenceAdminMixin, IdsOnlyAutocompleteMixin, BaseUserAdmin):
    """Role (group) and OPD changes are saved through the reference services, which audit them."""

    ordering = ["email"]
    list_display = ["email", "full_name", "opd", "is_active", "is_staff"]
    list_filter = ["groups", "opd", "is_active", "is_staff"]
    search_fields = ["email", "full_name", "phone"]
    autocomplete_fields = ["wilayah"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Data diri"), {"fields": ("full_name", "phone", "wilayah", "language")}),
        (_("Peran"), {"fields": ("groups", "opd", "is_active", "is_staff", "is_superuser")}),
        (_("Waktu"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(PermintaanDataPribadi)
class PermintaanDataPribadiAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Requests are recorded and answered on the staff page (datapribadi), where each step is audited."""

    list_display = ["__str__", "kanal", "status", "received_at", "due_at", "handled_by"]
    list_filter = ["jenis", "kanal", "status"]


# Django's and allauth's own admins, re-registered so that an admin's edit leaves an audit entry like any
# other account change.
admin.site.unregister(Group)
admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(Group)
class GroupAdmin(ReferenceAdminMixin, BaseGroupAdmin):
    pass


@admin.register(EmailAddress)
class EmailAddressAdmin(ReferenceAdminMixin, BaseEmailAddressAdmin):
    @admin.action(description=BaseEmailAddressAdmin.make_verified.short_description)
    def make_verified(self, request: HttpRequest, queryset: QuerySet[EmailAddress]) -> None:
        actor = cast(User, request.user)  # the admin opens to signed-in staff only
        unverified = list(queryset.filter(verified=False))
        super().make_verified(request, queryset)
        for address in EmailAddress.objects.filter(pk__in=[a.pk for a in unverified], verified=True):
            audit_record(actor=actor, action=REFERENCE_CHANGED, obj=address, changes={"verified": [False, True]})


@admin.register(Authenticator)
class AuthenticatorAdmin(ReferenceAdminMixin, BaseAuthenticatorAdmin):
    """An admin only removes a lost authenticator (audited); its secret is never shown, changed or copied."""

    exclude = ["data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
