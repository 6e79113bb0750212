from django.urls import path

from . import views

app_name = "audiensi"
urlpatterns = [
    path("audiensi/", views.index, name="index"),
    path("audiensi/ajukan/", views.ajukan, name="ajukan"),
    path("audiensi/saya/", views.mine, name="mine"),
    path("audiensi/saya/<int:pk>/", views.mine_detail, name="mine_detail"),
    path("audiensi/saya/<int:pk>/kalender.ics", views.mine_ics, name="mine_ics"),
    path("audiensi/tautan/<str:token>/", views.link, name="link"),
    path("petugas/audiensi/", views.staff_list, name="staff_list"),
    path("petugas/audiensi/hari/", views.staff_day, name="staff_day"),
    path("petugas/audiensi/hari/cetak/", views.staff_day_sheet, name="staff_day_sheet"),
    path("petugas/audiensi/minggu/", views.staff_week, name="staff_week"),
    path("petugas/audiensi/bulan/", views.staff_month, name="staff_month"),
    path("petugas/audiensi/ketersediaan/", views.availability_list, name="availability_list"),
    path("petugas/audiensi/ketersediaan/<slug:slug>/", views.availability, name="availability"),
    path("petugas/audiensi/feed/<slug:slug>/<str:token>.ics", views.feed, name="feed"),
    path("petugas/audiensi/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("petugas/audiensi/<int:pk>/<slug:action>/", views.staff_action, name="staff_action"),
]
