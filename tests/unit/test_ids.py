from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from triggers.ids import highest_id_at, is_event_id, lowest_id_at, new_id, shard_of

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 1, 1), timezones=st.just(UTC))


def test_new_ids_are_uuid_version_7_and_sort_in_creation_order() -> None:
    ids = [new_id() for _ in range(1000)]
    assert all(uuid.UUID(value).version == 7 and is_event_id(value) for value in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_is_event_id_rejects_other_uuid_versions_and_junk() -> None:
    assert not is_event_id(str(uuid.uuid4()))
    assert not is_event_id("../../etc/passwd")
    assert not is_event_id(new_id().upper())


def test_shards_are_stable_in_range_and_evenly_spread() -> None:
    ids = [new_id() for _ in range(4000)]
    counts = Counter(shard_of(value, 4) for value in ids)
    assert set(counts) == {0, 1, 2, 3}
    assert all(800 < count < 1200 for count in counts.values())
    assert all(shard_of(value, 4) == shard_of(value, 4) for value in ids[:100])


@given(moments)
def test_time_bounds_enclose_every_id_minted_in_that_millisecond(moment: datetime) -> None:
    low, high = lowest_id_at(moment), highest_id_at(moment)
    assert is_event_id(low)
    assert is_event_id(high)
    assert low < high
    assert highest_id_at(moment - timedelta(milliseconds=1)) < low


def test_an_id_minted_now_lies_between_the_bounds_of_now() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=1)
    minted = new_id()
    after = datetime.now(UTC) + timedelta(milliseconds=1)
    assert lowest_id_at(before) <= minted <= highest_id_at(after)
