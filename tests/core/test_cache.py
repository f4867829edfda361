"""The Redis cache builds one client per connection pool, not one per call."""

from core.cache import RedisCache


def test_calls_share_one_client_per_pool_and_writes_and_reads_stay_apart_when_servers_differ():
    one = RedisCache("redis://127.0.0.1:6379/15", {})._cache  # nothing connects until a command runs
    assert one.get_client("a") is one.get_client("b") is one.get_client("c", write=True)
    two = RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6379/14", {})._cache
    assert two.get_client("a", write=True) is not two.get_client("a")  # the primary, then the replica
    assert two.get_client("a") is two.get_client("b")
