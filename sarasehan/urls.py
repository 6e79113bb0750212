from django.urls import path  # noqa: F401

app_name = "sarasehan"
urlpatterns: list = []
