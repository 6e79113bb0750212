from django.urls import path

from . import views

app_name = "akuntabilitas"

urlpatterns = [
    path("transparansi/janji/", views.janji, name="janji"),
    path("transparansi/janji.csv", views.janji_csv, name="janji_csv"),
    path("transparansi/janji.xlsx", views.janji_xlsx, name="janji_xlsx"),
    path("transparansi/kasus/<str:reference>/", views.kasus, name="kasus"),
]
