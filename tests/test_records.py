"""The record builder's small parts: what a closed call keeps is shared only where sharing
cannot change a value."""

from __future__ import annotations

from simulator.records import _shared


def test_equal_user_data_of_text_is_one_dict():
    first, second = _shared({"DispositionCode": "Sale"}), _shared({"DispositionCode": "Sale"})
    assert first == {"DispositionCode": "Sale"} and first is second
    assert _shared({"DispositionCode": None}) is _shared({"DispositionCode": None})
    assert _shared({}) == {} and _shared({}) is _shared({})


def test_values_that_are_equal_but_not_alike_are_never_shared():
    """1, 1.0 and True are equal in Python, and would share one dict; each call must keep its own."""
    kept = [_shared({"Score": value}) for value in (1, 1.0, True, "1")]
    assert [type(held["Score"]) for held in kept] == [int, float, bool, str]
    assert _shared({"Score": True})["Score"] is True and _shared({"Score": 1})["Score"] == 1


def test_large_user_data_is_kept_as_it_is():
    big = {f"k{n}": "v" for n in range(5)}
    assert _shared(big) is big and _shared(dict(big)) is not big
    small = {f"k{n}": "v" for n in range(4)}
    assert _shared(dict(small)) is _shared(dict(small))  # up to four keys are shared
