from django.urls import path
from django.views.generic import RedirectView

from . import map_views, views

app_name = "aspirasi"
urlpatterns = [
    path("aspirasi/kirim/", views.submit, name="submit"),
    path("aspirasi/kirim/desa/", views.desa_options, name="desa_options"),
    path("aspirasi/terkirim/", views.sent, name="sent"),
    path("aspirasi/konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("aspirasi/lampiran/<int:pk>/", views.lampiran_download, name="lampiran"),
    # Before the token route: "tampil" and "kecil" are never tracking tokens (those are 32 characters).
    path("aspirasi/lampiran/<int:pk>/tampil/", views.lampiran_download, {"view": "tampil"}, name="lampiran_tampil"),
    path("aspirasi/lampiran/<int:pk>/kecil/", views.lampiran_download, {"view": "kecil"}, name="lampiran_kecil"),
    path(
        "aspirasi/lampiran/<int:pk>/<str:token>/tampil/",
        views.lampiran_download,
        {"view": "tampil"},
        name="lampiran_token_tampil",
    ),
    path(
        "aspirasi/lampiran/<int:pk>/<str:token>/kecil/",
        views.lampiran_download,
        {"view": "kecil"},
        name="lampiran_token_kecil",
    ),
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
    path("aspirasi/kirim/sekitar/", map_views.nearby_fragment, name="nearby"),
    path("aspirasi/ikuti/<int:pk>/", map_views.follow_instead, name="follow_instead"),
    path("peta/desa.geojson", map_views.desa_geojson, name="desa_geojson"),
    path("transparansi/peta/", map_views.public_map, name="public_map"),
    path("petugas/peta/", map_views.staff_map, name="staff_map"),
    path("petugas/aspirasi/<str:reference>/titik/", map_views.move_pin, name="move_pin"),
    path("petugas/aspirasi/catat/", views.record, name="record"),
    path("petugas/aspirasi/<str:reference>/jawab/", views.answer, name="answer"),
    path("petugas/aspirasi/<str:reference>/alihkan/", views.reroute, name="reroute"),
]
