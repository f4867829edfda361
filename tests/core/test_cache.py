"""The Redis cache builds one client per connection pool, not one per call."""

from core.cache import RedisCache


def test_calls_share_one_client_per_pool_and_writes_and_reads_stay_apart_when_servers_differ():
    one = RedisCache("redis://127.0.0.1:6379/15", {})._cache  # nothing connects until a command runs
    assert one.get_client("a") is one.get_client("b") is one.get_client("c", write=True)
    two = RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6379/14", {})._cache
    assert two.get_client("a", write=True) is not two.get_client("a")  # the primary, then the replica
    assert two.get_client("a") is two.get_client("b")


class FakeRedis:
    def __init__(self, keys):
        self.keys = set(keys)
        self.patterns = []
        self.flushed = False

    def scan_iter(self, match, count):
        self.patterns.append(match)
        prefix = match.removesuffix("*").replace("\\", "")
        return iter(sorted(key for key in self.keys if key.startswith(prefix)))

    def delete(self, *keys):
        self.keys -= set(keys)

    def flushdb(self):
        self.flushed = True
        self.keys.clear()


def test_clear_with_a_key_prefix_deletes_only_that_prefix_keys(monkeypatch):
    mine = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "lockstep-test-gw0"})
    fake = FakeRedis({"lockstep-test-gw0:1:live-cell:3:7", "lockstep-test-gw1:1:live-cell:3:7", "celery"})
    monkeypatch.setattr(mine._cache, "get_client", lambda key=None, *, write=False: fake)
    mine.clear()
    assert fake.keys == {"lockstep-test-gw1:1:live-cell:3:7", "celery"} and not fake.flushed


def test_clear_escapes_glob_characters_in_the_prefix(monkeypatch):
    mine = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "a*b"})
    fake = FakeRedis(set())
    monkeypatch.setattr(mine._cache, "get_client", lambda key=None, *, write=False: fake)
    mine.clear()
    assert fake.patterns == ["a\\*b:*"]


def test_clear_without_a_prefix_flushes_the_database_as_django_does(monkeypatch):
    whole = RedisCache("redis://127.0.0.1:6379/15", {})
    fake = FakeRedis({"anything"})
    monkeypatch.setattr(whole._cache, "get_client", lambda key=None, *, write=False: fake)
    whole.clear()
    assert fake.flushed
