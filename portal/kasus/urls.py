from django.urls import path

from . import views

app_name = "kasus"
urlpatterns = [
    path("kasus-saya/", views.my_cases, name="mine"),
    path("kasus-saya/notifikasi/", views.preferences, name="preferences"),
    path("kasus-saya/<str:reference>/", views.my_case_detail, name="mine_detail"),
    path("kasus-saya/<str:reference>/notifikasi/", views.my_case_kabar, name="mine_kabar"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:token>/", views.track_detail, name="track_detail"),
    path("lacak/<str:token>/kode/", views.track_code, name="track_code"),
    path("lacak/<str:token>/kode/kirim/", views.track_code_send, name="track_code_send"),
    path("lacak/<str:token>/kasus-tujuan/", views.track_survivor, name="track_survivor"),
    path("petugas/", views.staff_queue, name="queue"),
    path("petugas/tindak-lanjut/", views.staff_commitments, name="commitments"),
    path("petugas/massal/", views.staff_bulk, name="bulk"),
    path("petugas/templat/", views.staff_templat, name="templat"),
    path("petugas/templat/<int:pk>/", views.staff_templat, name="templat_edit"),
    path("petugas/templat/<int:pk>/hapus/", views.staff_templat_delete, name="templat_delete"),
    path("petugas/filter/", views.staff_filter_save, name="filter_save"),
    path("petugas/filter/<int:pk>/hapus/", views.staff_filter_delete, name="filter_delete"),
    path("petugas/kasus/<str:reference>/", views.staff_detail, name="detail"),
    path(
        "petugas/kasus/<str:reference>/tindak-lanjut/<int:pk>/selesai/",
        views.staff_tindak_lanjut_done,
        name="tindak_lanjut_done",
    ),
    path("petugas/kasus/<str:reference>/riwayat.csv", views.staff_timeline_csv, name="timeline_csv"),
    path("petugas/kasus/<str:reference>/<slug:slug>/", views.staff_action, name="action"),
]
