"""The packed namespace of the cache: many entries in a file per writing process, never a wrong value."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from site_builder.engine.packs import MAX_PACKS, SUFFIX
from site_builder.engine.store import HEADER, Store


def key(n: int) -> bytes:
    return n.to_bytes(4, "big") * 8


def opened(root: Path, warnings: list[str]) -> Store:
    store = Store.open(root, warnings.append, version="test")
    assert store is not None
    return store


def packs(root: Path) -> list[Path]:
    return sorted((root / "documents").glob("*" + SUFFIX))


def three_values_in_a_pack(root: Path, warnings: list[str]) -> Path:
    """The one pack of a store given "value 0" to "value 2" under keys 0 to 2."""
    store = opened(root, warnings)
    for n in range(3):
        store.put("documents", key(n), "value %d" % n)
    return packs(root)[0]


def three_values(store: Store) -> list[object]:
    return [store.get("documents", key(n)) for n in range(3)]


def test_entries_are_appended_to_one_pack_and_read_back_by_another_store(tmp_path: Path) -> None:
    warnings: list[str] = []
    store = opened(tmp_path, warnings)
    for n in range(500):
        store.put("documents", key(n), {"n": n, "text": "x" * n})
    assert store.get("documents", key(7)) == {"n": 7, "text": "x" * 7}  # its own, before any scan
    assert len(packs(tmp_path)) == 1
    again = opened(tmp_path, warnings)
    assert [again.get("documents", key(n)) for n in range(500)] == [{"n": n, "text": "x" * n} for n in range(500)]
    assert again.get("documents", key(999)) is None
    assert sorted(again.keys("documents")) == sorted(key(n) for n in range(500))
    assert warnings == []


def _write_some(root: str, first: int) -> None:
    store = Store.open(Path(root), print, version="test")
    assert store is not None
    for n in range(first, first + 100):
        store.put("documents", key(n), n)


def test_each_process_appends_to_a_pack_of_its_own(tmp_path: Path) -> None:
    warnings: list[str] = []
    store = opened(tmp_path, warnings)
    store.put("documents", key(10_000), "parent")
    context = multiprocessing.get_context("fork")  # a forked worker inherits the parent's open pack
    workers = [context.Process(target=_write_some, args=(str(tmp_path), first)) for first in (0, 100, 200)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    assert len(packs(tmp_path)) == 4
    assert store.get("documents", key(150)) == 150  # a miss scans what the others appended since
    assert [store.get("documents", key(n)) for n in range(300)] == list(range(300))
    assert store.get("documents", key(10_000)) == "parent" and warnings == []


def test_a_record_cut_short_by_a_crash_is_missing_and_the_others_are_not(tmp_path: Path) -> None:
    warnings: list[str] = []
    pack = three_values_in_a_pack(tmp_path, warnings)
    pack.write_bytes(pack.read_bytes()[:-3])
    again = opened(tmp_path, warnings)
    assert three_values(again) == ["value 0", "value 1", None]
    again.put("documents", key(2), "value 2")  # rebuilt in a pack of its own
    assert opened(tmp_path, warnings).get("documents", key(2)) == "value 2"
    assert warnings == []  # a cut tail is what a crash leaves, not damage


def test_a_damaged_payload_is_a_miss_with_one_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    pack = three_values_in_a_pack(tmp_path, warnings)
    data = bytearray(pack.read_bytes())
    data[len(data) - 2] ^= 0xFF  # in the last record's payload
    pack.write_bytes(bytes(data))
    again = opened(tmp_path, warnings)
    assert three_values(again) == ["value 0", "value 1", None]
    assert len(warnings) == 1 and "damaged entry" in warnings[0] and key(2).hex() in warnings[0]


def test_a_damaged_header_stops_the_scan_of_its_pack_with_one_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    pack = three_values_in_a_pack(tmp_path, warnings)
    data = bytearray(pack.read_bytes())
    second = HEADER.size + HEADER.unpack_from(data)[3]
    data[second] ^= 0xFF  # the second record's magic
    pack.write_bytes(bytes(data))
    again = opened(tmp_path, warnings)
    assert three_values(again) == ["value 0", None, None]
    assert len(warnings) == 1 and f"at byte {second}" in warnings[0]


def test_the_last_record_of_a_key_wins(tmp_path: Path) -> None:
    store = opened(tmp_path, [])
    store.put("documents", key(1), "old")
    store.put("documents", key(1), "new")
    assert store.get("documents", key(1)) == "new"
    assert opened(tmp_path, []).get("documents", key(1)) == "new"


@pytest.mark.parametrize("extra", [0, 1, 5])
def test_many_small_packs_are_merged_into_one_keeping_every_latest_value(tmp_path: Path, extra: int) -> None:
    warnings: list[str] = []
    store = opened(tmp_path, warnings)
    for n in range(200):  # the cold build's pack: the largest, left as it is
        store.put("documents", key(n), ("cold", n))
    large = packs(tmp_path)[0]
    for build in range(MAX_PACKS - 1 + extra):  # one small pack per warm build
        store._pack("documents").close()
        store.put("documents", key(build), ("edit", build))
        store.put("documents", key(1000 + build), ("new", build))
    assert len(packs(tmp_path)) == MAX_PACKS + extra
    store.tidy()
    expected = {key(n): ("cold", n) for n in range(200)}
    for build in range(MAX_PACKS - 1 + extra):
        expected[key(build)] = ("edit", build)
        expected[key(1000 + build)] = ("new", build)
    if extra == 0:
        assert len(packs(tmp_path)) == MAX_PACKS  # not too many yet: nothing merged
    else:
        assert len(packs(tmp_path)) == 2 and large in packs(tmp_path)
    for reader in (store, opened(tmp_path, warnings)):
        assert {k: reader.get("documents", k) for k in expected} == expected
    assert warnings == []


def test_a_pack_that_cannot_be_written_is_one_warning_and_no_error(tmp_path: Path) -> None:
    warnings: list[str] = []
    store = opened(tmp_path, warnings)
    (tmp_path / "documents").write_text("not a folder")
    store.put("documents", key(1), "value")
    store.put("documents", key(2), "value")
    assert store.get("documents", key(1)) is None
    assert len(warnings) == 1 and "cannot write" in warnings[0]
    os.unlink(tmp_path / "documents")


def test_a_record_half_written_on_a_full_disk_leaves_the_next_ones_readable(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    store = opened(tmp_path, warnings)
    store.put("documents", key(1), "before")
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if len(data) > 100:
            real_write(fd, bytes(data)[:20])
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    store.put("documents", key(2), "x" * 500)
    monkeypatch.setattr(os, "write", real_write)
    store.put("documents", key(3), "after")
    assert len(warnings) == 1 and "No space left" in warnings[0]
    again = opened(tmp_path, warnings)
    assert [again.get("documents", key(n)) for n in (1, 2, 3)] == ["before", None, "after"]
    assert len(warnings) == 1 and len(packs(tmp_path)) == 2
