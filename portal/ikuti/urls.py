from django.urls import path

from . import feeds, views

app_name = "ikuti"
urlpatterns = [
    path("ikuti/kasus/<str:reference>/", views.follow_kasus, name="kasus"),
    path("ikuti/wilayah/", views.follow_place, name="wilayah"),
    path("ikuti/konfirmasi/<str:token>/", views.confirm, name="konfirmasi"),
    path("berhenti/<str:token>/", views.berhenti, name="berhenti"),
    path("akun/mengikuti/wilayah/<int:pk>/frekuensi/", views.place_frequency, name="place_frequency"),
    path("akun/mengikuti/wilayah/<int:pk>/hapus/", views.place_remove, name="place_remove"),
    path("akun/mengikuti/kasus/<int:kasus_id>/hapus/", views.kasus_remove, name="kasus_remove"),
    path("feed/kecamatan/<str:kode>/", feeds.KecamatanFeed(), name="feed_kecamatan"),
    path("feed/kategori/<slug:slug>/", feeds.KategoriFeed(), name="feed_kategori"),
]
