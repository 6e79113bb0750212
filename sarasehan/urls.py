from django.urls import path

from . import views

app_name = "sarasehan"
urlpatterns = [
    path("sarasehan/", views.sarasehan_list, name="list"),
    path("sarasehan/saya/", views.my_registrations, name="mine"),
    path("sarasehan/pendaftaran/<str:token>/", views.registration_detail, name="registration"),
    path("sarasehan/pendaftaran/<str:token>/batal/", views.registration_cancel, name="registration_cancel"),
    path("sarasehan/pendaftaran/<str:token>/konfirmasi/", views.registration_confirm, name="registration_confirm"),
    path("sarasehan/<slug:slug>/", views.sarasehan_detail, name="detail"),
    path("sarasehan/<slug:slug>/periksa-email/", views.check_email, name="check_email"),
    path("sarasehan/<slug:slug>/kalender.ics", views.sarasehan_ics, name="ics"),
    path("petugas/sarasehan/", views.staff_list, name="staff_list"),
    path("petugas/sarasehan/baru/", views.staff_create, name="staff_create"),
    path("petugas/sarasehan/<slug:slug>/", views.staff_detail, name="staff_detail"),
    path("petugas/sarasehan/<slug:slug>/ubah/", views.staff_edit, name="staff_edit"),
    path("petugas/sarasehan/<slug:slug>/terbitkan/", views.staff_publish, name="staff_publish"),
    path("petugas/sarasehan/<slug:slug>/batalkan/", views.staff_cancel, name="staff_cancel"),
    path("petugas/sarasehan/<slug:slug>/notulen/", views.staff_notulen, name="staff_notulen"),
    path("petugas/sarasehan/<slug:slug>/agenda/", views.staff_agenda, name="staff_agenda"),
    path("petugas/sarasehan/<slug:slug>/checkin/", views.staff_checkin, name="checkin"),
    path("petugas/sarasehan/<slug:slug>/checkin/langsung/", views.staff_walk_in, name="walk_in"),
    path("petugas/sarasehan/<slug:slug>/poin/", views.staff_points, name="points"),
]
