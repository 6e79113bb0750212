import pytest
from django.core.cache import caches
from django.test import override_settings

UNREACHABLE = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def down_cache():
    with override_settings(CACHES=UNREACHABLE):
        cache = caches.create_connection("default")
        yield cache


def test_it_answers_like_an_empty_cache_when_redis_is_down(down_cache):
    assert down_cache.get("k", "fallback") == "fallback"
    assert down_cache.get_many(["a", "b"]) == {}
    assert down_cache.add("token", 1) is True
    assert down_cache.incr("hits", 1) == 1
    down_cache.set("k", 1)
    down_cache.delete("k")


def test_it_uses_the_real_redis_when_it_is_up(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    cache = caches["default"]
    assert type(cache).__name__ == "ResilientRedisCache"
    cache.set("resilient-probe", 41)
    assert cache.incr("resilient-probe") == 42
