from django.urls import path

from . import views

# Mounted under /akun/ by portal/urls.py: the resident's own copy and erasure, beside the profile.
urlpatterns = [
    path("profil/data-saya.zip", views.export, name="akun_export"),
    path("profil/hapus/", views.erase, name="akun_erase"),
]

# Mounted under /petugas/ by portal/urls.py.
staff_urlpatterns = [
    path("data-pribadi/", views.pdp_list, name="akun_pdp_list"),
    path("data-pribadi/<int:pk>/", views.pdp_detail, name="akun_pdp_detail"),
    path("data-pribadi/<int:pk>/unduh/", views.pdp_export, name="akun_pdp_export"),
]
