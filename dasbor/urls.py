from django.urls import path

from . import views

app_name = "dasbor"
urlpatterns = [
    path("petugas/dasbor/", views.dashboard, name="dashboard"),
    path("petugas/laporan/", views.laporan, name="laporan"),
    path("transparansi/", views.transparansi, name="transparansi"),
    path("transparansi/angka.xlsx", views.transparansi_xlsx, name="transparansi_xlsx"),
    path("transparansi/angka.csv", views.transparansi_csv, name="transparansi_csv"),
]
