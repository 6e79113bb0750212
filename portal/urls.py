from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from datapribadi.urls import staff_urlpatterns as datapribadi_staff_urls
from portal import limits, views

# The admin signs in through allauth, so two-factor sign-in applies there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
# The 500 page shows the request id; a lost database connection answers 503 "try again" instead.
handler400 = "portal.observability.bad_request"
handler500 = "portal.observability.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("akun/", include("portal.akun.urls")),
    path("akun/", include("datapribadi.urls")),
    path("petugas/", include(datapribadi_staff_urls)),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kiriman-terlalu-besar/", limits.too_large_page, name="too_large"),
    path("", include("portal.kasus.urls")),
    path("", include("portal.ikuti.urls")),
    path("", include("aspirasi.urls")),
    path("", include("audiensi.urls")),
    path("", include("sarasehan.urls")),
    path("", include("skm.urls")),
    path("", include("akuntabilitas.urls")),
    path("", include("dasbor.urls")),
    path("", include("portal.audit.urls")),
    path("admin/", admin.site.urls),
]
