from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatapribadiConfig(AppConfig):
    """Residents' rights under UU PDP: it reads and erases every app's personal data, so it sits above them all."""

    name = "datapribadi"
    verbose_name = _("Data pribadi")
