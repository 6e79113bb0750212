from django.urls import path

from . import views

app_name = "kasus"
urlpatterns = [
    path("kasus-saya/", views.my_cases, name="mine"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:token>/", views.track_detail, name="track_detail"),
    path("petugas/", views.staff_queue, name="queue"),
    path("petugas/kasus/<str:reference>/", views.staff_detail, name="detail"),
]
