from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "aspirasi"
urlpatterns = [
    path("aspirasi/kirim/", views.submit, name="submit"),
    path("aspirasi/kirim/desa/", views.desa_options, name="desa_options"),
    path("aspirasi/terkirim/", views.sent, name="sent"),
    path("aspirasi/konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("aspirasi/lampiran/<int:pk>/", views.lampiran_download, name="lampiran"),
    path("aspirasi/lampiran/<int:pk>/<str:token>/", views.lampiran_download, name="lampiran_token"),
    path("aspirasi/lacak/<str:token>/informasi/", views.add_info, name="add_info"),
    path("aspirasi/lacak/<str:token>/terima/", views.accept, name="accept"),
    path("aspirasi/lacak/<str:token>/sanggah/", views.dispute, name="dispute"),
    # The transparency page grew into /transparansi/; old links and bookmarks land there.
    path(
        "aspirasi/transparansi/",
        RedirectView.as_view(pattern_name="dasbor:transparansi", permanent=True, query_string=True),
        name="transparency",
    ),
    path("aspirasi/transparansi.csv", views.transparency_csv, name="transparency_csv"),
    path("petugas/aspirasi/catat/", views.record, name="record"),
    path("petugas/aspirasi/<str:reference>/jawab/", views.answer, name="answer"),
    path("petugas/aspirasi/<str:reference>/alihkan/", views.reroute, name="reroute"),
]
