from __future__ import annotations

import pytest

from zhengwu.lib import credit_code
from zhengwu.lib.hashing import canonical_json, sha256_hex
from zhengwu.lib.masking import mask_email, mask_id_number, mask_name, mask_phone, mask_text


def test_it_accepts_the_example_code_of_the_standard() -> None:
    assert credit_code.validate(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "18位"),
        ("91350100M000100Y4I", "不允许的字符"),
        ("91350100M000100Y44", "校验位不正确"),
        ("9135A100M000100Y43", "行政区划代码"),
        ("91350100M000101Y43", "组织机构代码校验位"),
    ],
)
def test_it_refuses_bad_credit_codes_with_a_reason(code: str, message: str) -> None:
    with pytest.raises(credit_code.CreditCodeError, match=message):
        credit_code.validate(code)


def test_made_codes_validate() -> None:
    code = credit_code.make("11410100", "05750011")
    assert credit_code.validate(code) == code


def test_it_masks_personal_data() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("41010519900101123X") == "410105********123X"
    assert mask_name("张三") == "张*"
    assert mask_email("someone@example.cn") == "s***@example.cn"


def test_it_masks_personal_data_inside_free_text() -> None:
    text = (
        "我叫张三，电话13812345678，身份证410105199001011234，"
        "住金水路8号院12号楼3单元502室，座机0371-67891234。"
    )
    masked = mask_text(text)
    for secret in ("13812345678", "410105199001011234", "502", "67891234"):
        assert secret not in masked
    assert "138****5678" in masked and "0371-****1234" in masked


def test_hashing_is_canonical_and_length_prefixed() -> None:
    assert canonical_json({"b": 1, "a": "中"}) == canonical_json({"a": "中", "b": 1})
    assert sha256_hex("ab", "c") != sha256_hex("a", "bc")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我叫张三，电话13812345678", "我叫张*，电话138****5678"),
        ("姓名：王五", "姓名：王*"),
        ("我叫欧阳娜娜。", "我叫欧***。"),
        ("我是一名退休教师", "我是一名退休教师"),
        ("本人于2020年购房", "本人于2020年购房"),
    ],
)
def test_it_masks_self_introduced_names_but_not_ordinary_words(text: str, masked: str) -> None:
    assert mask_text(text) == masked


@pytest.fixture
def redis_cache():
    """The production cache backend against the real Redis (database 14, emptied)."""
    import os

    from zhengwu.lib.cache import RedisCache

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    backend = RedisCache(url, {})
    try:
        backend.clear()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}: {exc}")
    yield backend
    backend.clear()


def test_the_redis_backend_keeps_one_client(redis_cache) -> None:
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    redis_cache.set("k", {"a": 1}, 30)
    assert redis_cache.get("k") == {"a": 1}
    assert redis_cache.add("n", 1, 30) and redis_cache.incr("n") == 2


def test_counters_count_in_a_window(redis_cache, monkeypatch) -> None:
    from zhengwu.lib import cache as shared

    monkeypatch.setattr(shared, "cache", redis_cache)
    assert [shared.count("hits", 60) for _ in range(3)] == [1, 2, 3]
    ttl = redis_cache._cache.get_client().ttl(redis_cache.make_and_validate_key("hits"))
    assert 0 < ttl <= 60  # the window ends: the counter does not live for ever


def test_sealed_secrets_read_back_only_with_the_key(settings) -> None:
    from zhengwu.lib import sealing

    sealed = sealing.seal("whsec_abc")
    assert "whsec_abc" not in sealed and sealing.unseal(sealed) == "whsec_abc"
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-" + "y" * 50
    assert sealing.unseal(sealed) == "whsec_abc"
    resealed = sealing.reseal(sealed)
    settings.SECRET_KEY_FALLBACKS = []
    assert sealing.unseal(resealed) == "whsec_abc"
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(sealed)
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(resealed[:-4] + "AAAA")


def test_counters_count_together_in_one_round_trip(redis_cache, settings) -> None:
    from django.core.cache import caches

    from zhengwu.lib import cache as shared

    settings.CACHES = {
        "default": {"BACKEND": "zhengwu.lib.cache.RedisCache", "LOCATION": redis_cache._servers}
    }
    assert shared.count_many([("a", 60), ("b", 30)]) == [1, 1]
    assert shared.count_many([("a", 60), ("b", 30), ("a", 60)]) == [2, 2, 3]
    client = caches["default"]._cache.get_client()
    ttl_a = client.ttl(caches["default"].make_and_validate_key("a"))
    ttl_b = client.ttl(caches["default"].make_and_validate_key("b"))
    assert 30 < ttl_a <= 60 and 0 < ttl_b <= 30  # each window set by its first count
    assert caches["default"].get("a") == 3  # readable through the cache API too
    assert shared.count_many([("a", 60)], by=5) == [8]  # a process's tally, sent at once


@pytest.mark.django_db
def test_hot_entries_are_kept_a_few_seconds_in_each_process(monkeypatch) -> None:
    from django.core.cache import cache

    from zhengwu.lib import cache as shared

    clock = [1000.0]
    monkeypatch.setattr(shared, "monotonic", lambda: clock[0])
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert shared.cached("hot", compute, 60) == 1 and cache.get("hot") == 1
    cache.set("hot", 7)  # another server dropped and refilled the shared entry
    assert shared.cached("hot", compute, 60) == 1  # this process keeps its copy a while
    clock[0] += shared.LOCAL_SECONDS + 0.1
    assert shared.cached("hot", compute, 60) == 7
    shared.drop("hot")  # a change made here: gone at once, here and in the shared cache
    assert shared.cached("hot", compute, 60) == 2 and len(computed) == 2
    # A value `keep` refuses is neither stored nor kept (an unknown API key, say).
    assert shared.cached("absent", lambda: None, 60, keep=lambda v: v is not None) is None
    assert cache.get("absent", "missing") == "missing" and "absent" not in shared._local


def test_a_tally_reaches_the_shared_counter_once_per_batch(monkeypatch) -> None:
    from django.core.cache import cache

    from zhengwu.lib import cache as shared

    sent = []
    send = shared.count_many
    monkeypatch.setattr(shared, "count_many", lambda c, by=1: sent.append(by) or send(c, by))
    assert [shared.tally("t", 60, batch=10) for _ in range(25)] == list(range(1, 26))
    assert sent == [10, 10] and cache.get("t") == 20


def test_a_limit_on_tallies_refuses_nothing_early_and_little_late() -> None:
    """Two processes (each with its own tallies) share one counter: none refuses a call before
    the limit is reached, and each lets through at most a batch less one too many."""
    from zhengwu.lib import cache as shared

    limit, batch, made, admitted, first_refused = 100, 10, 0, 0, None
    processes = [{}, {}]

    def calls(process: int, n: int) -> None:
        nonlocal made, admitted, first_refused
        shared._tallies.clear()
        shared._tallies.update(processes[process])
        for _ in range(n):
            made += 1
            if shared.tally("r", 60, batch) <= limit:
                admitted += 1
            elif first_refused is None:
                first_refused = made
        processes[process] = dict(shared._tallies)

    calls(0, 95)
    calls(1, 20)
    calls(0, 20)
    assert first_refused > limit
    assert limit <= admitted <= limit + 2 * (batch - 1)
