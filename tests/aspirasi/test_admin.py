import pytest
from django.urls import reverse

from aspirasi.models import Aspirasi, Lampiran
from tests.factories import UserFactory, staff

from .factories import submit


@pytest.mark.django_db
def test_it_lists_aspirasi_and_files_in_the_admin(client):
    submit(reporter=UserFactory(), photos=1)
    admin = staff("admin", is_staff=True, is_superuser=True)  # the admin site needs MFA too
    client.force_login(admin)
    for model in (Aspirasi, Lampiran):
        opts = model._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
        obj = model.objects.get()
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).status_code == 200
