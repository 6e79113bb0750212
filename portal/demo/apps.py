from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo accounts, demo cases and the bulk seeder behind `manage.py seed_demo`; no models."""

    name = "portal.demo"
    label = "demo"
    verbose_name = _("Data demo")
