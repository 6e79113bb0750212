"""Bodies over the limit are refused by the first middleware, before CSRF or the upload handlers read them."""

import io

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from aspirasi.models import Lampiran
from tests.aspirasi.factories import form_data, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


class CountingBody(io.RawIOBase):
    """A request body that counts what is read from it: `size` bytes of filler, or endless when None."""

    def __init__(self, size: int | None = None) -> None:
        self.left = size
        self.bytes_read = 0
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        n = 64 * 1024 if size is None or size < 0 else size
        if self.left is not None:
            n = min(n, self.left)
            self.left -= n
        self.bytes_read += n
        return b"x" * n

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def csrf_checking_client() -> Client:
    # Like a browser: a CSRF cookie, so the CSRF check would read request.POST (the body) to find the token.
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    return client


def test_it_refuses_a_declared_length_over_the_limit_without_reading_the_body():
    body = CountingBody(size=1024)
    response = csrf_checking_client().generic(
        "POST",
        reverse("aspirasi:submit"),
        data=b"-",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.content.decode()
    assert body.reads == 0


def test_the_too_large_page_speaks_the_language_the_visitor_chose():
    client = csrf_checking_client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.generic(
        "POST",
        reverse("aspirasi:submit"),
        data=b"-",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BODY_BYTES + 1),
        **{"wsgi.input": CountingBody(size=1024)},
    )
    assert response.status_code == 413 and response["Content-Language"] == "en"
    assert "Submission too large" in response.content.decode()


def test_it_refuses_a_chunked_body_over_the_limit_as_soon_as_it_passes_it(settings):
    settings.MAX_REQUEST_BODY_BYTES = 256 * 1024
    body = CountingBody()
    response = csrf_checking_client().generic(
        "POST",
        reverse("aspirasi:submit"),
        CONTENT_TYPE=MULTIPART_CONTENT,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.bytes_read <= settings.MAX_REQUEST_BODY_BYTES + 64 * 1024


def test_it_refuses_a_content_length_that_is_not_a_number():
    response = Client().generic(
        "POST", reverse("aspirasi:submit"), data=b"-", content_type=MULTIPART_CONTENT, CONTENT_LENGTH="banyak"
    )
    assert response.status_code == 400


def test_a_normal_upload_under_the_limit_is_stored(client):
    data = form_data()
    data["lampiran"] = [upload("foto.jpg", jpeg_bytes())]
    response = client.post(reverse("aspirasi:submit"), data)
    assert response.status_code == 302
    assert Lampiran.objects.get().content_type == "image/jpeg"


def test_a_chunked_upload_under_the_limit_is_stored(client):
    data = form_data()
    data["lampiran"] = [upload("foto.jpg", jpeg_bytes())]
    payload = encode_multipart(BOUNDARY, data)
    response = client.generic(
        "POST",
        reverse("aspirasi:submit"),
        CONTENT_TYPE=MULTIPART_CONTENT,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(payload)},
    )
    assert response.status_code == 302
    assert Lampiran.objects.get().content_type == "image/jpeg"


def test_the_too_large_page_has_an_address_for_the_proxys_error_page(client):
    response = client.get(reverse("too_large"), HTTP_REFERER="http://testserver/aspirasi/kirim/")
    assert response.status_code == 413
    html = response.content.decode()
    assert "Kiriman terlalu besar" in html and 'href="http://testserver/aspirasi/kirim/"' in html
