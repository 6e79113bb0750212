"""The request type of pages behind login_required or staff_required, for the type checker: a signed-in user."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
