import pytest

from tests.factories import staff


@pytest.fixture
def admin_client(client):
    """An administrator signed in to the Django admin (which needs two-factor sign-in too)."""
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    return client
