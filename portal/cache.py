"""A Redis cache that fails open: when Redis is unreachable a request goes on without the cache.

The cache holds only rate-limit counters, double-submit tokens and cached option
lists, so an outage must not turn a resident's submission into an error page.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


def _fail_open(name: str, fallback):
    method = getattr(RedisCache, name)

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except REDIS_DOWN:
            logger.warning("cache unavailable during %s; continuing without it", name, exc_info=True)
            return fallback(*args, **kwargs)

    return wrapper


class ReusedClientRedisCacheClient(RedisCacheClient):
    """One redis.Redis per connection pool, not a new one per cache call.

    Building a redis.Redis fills its table of response callbacks (a few hundred entries), which cost more than
    the round trip itself on a page served from the cache. A client is safe to share: it takes a connection
    from the pool per command.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # private in django-stubs
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", lambda keys, version=None: {})
    has_key = _fail_open("has_key", lambda key, version=None: False)
    add = _fail_open("add", lambda *a, **k: True)
    set = _fail_open("set", lambda *a, **k: None)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    touch = _fail_open("touch", lambda *a, **k: False)
    incr = _fail_open("incr", lambda key, delta=1, version=None: delta)
    delete = _fail_open("delete", lambda *a, **k: False)
    delete_many = _fail_open("delete_many", lambda *a, **k: None)
