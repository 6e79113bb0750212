from django.urls import path

from . import views

app_name = "skm"

urlpatterns = [
    path("survei/<str:token>/", views.survei, name="survei"),
    path("transparansi/ikm/", views.ikm, name="ikm"),
]
