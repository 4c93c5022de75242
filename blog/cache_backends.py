"""Django's Redis cache backend, with one Redis client per connection pool, and counters
in one round trip.

Django's client builds a new `redis.Redis` object for every cache call, and building one
fills a table of some 170 response callbacks: measured, that was a third of the time of a
page served from the cache. A `redis.Redis` object is safe to share between threads (the
pool hands each call its own connection), so each pool keeps one.

Django's `add` then `incr` costs three round trips (SET NX, EXISTS, INCRBY) for what the
flood limit and surge mode do on every comment: `count` is one.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key, timeout):
        client = self.get_client(key, write=True)
        with client.pipeline() as pipe:  # MULTI ... EXEC: run together
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, value, ttl = pipe.execute()
        if ttl == -1 and timeout is not None:  # it expired between SET and INCR, which made it anew
            client.expire(key, timeout)
        return value


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key, timeout, version=None):
        """Add one to the counter at `key`, made at zero for `timeout` seconds when it is
        missing, and return its new value."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.count(key, self.get_backend_timeout(timeout))
