"""The cache on Redis, degrading when Redis is unreachable instead of failing the request.

The portal keeps nothing in the cache that it cannot do without (the API throttle's counters,
and readings kept under a digest of their data, read again on a miss: the province and
national consolidations): with Redis down, reads answer "not cached", writes are dropped, a
warning is logged, and after a failure Redis is left alone for a few seconds so that every
request does not wait for a connection attempt.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, skip Redis this long (one connection attempt per process every few seconds).
RETRY_AFTER_SECONDS = 5.0


class DegradingRedisCache(RedisCache):
    """Django's RedisCache whose operations fail soft: the default for reads, nothing for writes."""

    _down_until = 0.0  # shared by every instance of the process: the server is the same

    def _soft(self, operation: str, call, default):
        if time.monotonic() < DegradingRedisCache._down_until:
            return default
        try:
            return call()
        except (RedisError, OSError) as error:
            DegradingRedisCache._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "Cache unreachable (%s: %s): %s served without it for %ss",
                type(error).__name__,
                error,
                operation,
                RETRY_AFTER_SECONDS,
            )
            return default

    @classmethod
    def is_degraded(cls) -> bool:
        return time.monotonic() < cls._down_until

    def add(self, key, value, timeout=None, version=None):
        return self._soft(
            "add", lambda: super(DegradingRedisCache, self).add(key, value, timeout, version), False
        )

    def get(self, key, default=None, version=None):
        return self._soft(
            "get", lambda: super(DegradingRedisCache, self).get(key, default, version), default
        )

    def set(self, key, value, timeout=None, version=None):
        self._soft(
            "set", lambda: super(DegradingRedisCache, self).set(key, value, timeout, version), None
        )

    def touch(self, key, timeout=None, version=None):
        return self._soft(
            "touch", lambda: super(DegradingRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key, version=None):
        return self._soft(
            "delete", lambda: super(DegradingRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys, version=None):
        return self._soft(
            "get_many", lambda: super(DegradingRedisCache, self).get_many(keys, version), {}
        )

    def has_key(self, key, version=None):
        return self._soft(
            "has_key", lambda: super(DegradingRedisCache, self).has_key(key, version), False
        )

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError in Django's contract; with Redis down it is missing.
        result = self._soft(
            "incr", lambda: super(DegradingRedisCache, self).incr(key, delta, version), None
        )
        if result is None:
            raise ValueError(f"Key '{key}' not found")
        return result

    def set_many(self, data, timeout=None, version=None):
        return self._soft(
            "set_many",
            lambda: super(DegradingRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete_many(self, keys, version=None):
        self._soft(
            "delete_many", lambda: super(DegradingRedisCache, self).delete_many(keys, version), None
        )

    def clear(self):
        return self._soft("clear", lambda: super(DegradingRedisCache, self).clear(), False)
