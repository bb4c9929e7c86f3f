import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The portal's rate limits count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
