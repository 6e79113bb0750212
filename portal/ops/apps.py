from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the backup and restore commands, and the page cache's watch on writes."""

    name = "portal.ops"
    label = "ops"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from portal.page_cache import watch_connection

        # Every write may make a cached public page stale (portal.page_cache).
        connection_created.connect(watch_connection, dispatch_uid="page_cache.watch_connection")
