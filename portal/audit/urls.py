from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("petugas/audit/", views.entry_list, name="list"),
]
