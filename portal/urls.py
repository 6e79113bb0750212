from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("akun/", include("portal.akun.urls")),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.kasus.urls")),
    path("", include("aspirasi.urls")),
    path("", include("audiensi.urls")),
    path("", include("sarasehan.urls")),
    path("admin/", admin.site.urls),
]
