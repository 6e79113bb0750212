from django.db import models
from django.utils import timezone


class Angka(models.Model):
    """The figures of one scope and period as last computed: pages read these, the periodic task rebuilds them."""

    key = models.CharField(max_length=120, unique=True)
    payload = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
