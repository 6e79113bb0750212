from django.contrib import admin

from portal.admin_site import IdsOnlyAutocompleteMixin, ReferenceAdminMixin

from .models import Kategori, Opd, Pejabat, Wilayah


@admin.register(Wilayah)
class WilayahAdmin(ReferenceAdminMixin, IdsOnlyAutocompleteMixin, admin.ModelAdmin):
    list_display = ["kode", "nama", "tingkat", "parent", "penduduk", "penduduk_sumber"]
    list_filter = ["tingkat"]
    search_fields = ["kode", "nama"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Opd)
class OpdAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["nama", "singkatan", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["nama", "singkatan"]


@admin.register(Kategori)
class KategoriAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["nama", "default_opd", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["nama"]
    prepopulated_fields = {"slug": ["nama"]}


@admin.register(Pejabat)
class PejabatAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["jabatan", "nama", "urutan", "is_active"]
    prepopulated_fields = {"slug": ["jabatan"]}
