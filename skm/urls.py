from django.urls import path

from . import views

app_name = "skm"

urlpatterns = [
    path("survei/<str:token>/", views.survei, name="survei"),
    path("transparansi/ikm/", views.ikm, name="ikm"),
    path("transparansi/ikm.csv", views.ikm_csv, name="ikm_csv"),
    path("transparansi/ikm.xlsx", views.ikm_xlsx, name="ikm_xlsx"),
]
