from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the backup and restore commands."""

    name = "portal.ops"
    label = "ops"
