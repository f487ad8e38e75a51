import random

from simulator.ids import IdAllocator, is_call_uuid, is_conn_id


def test_formats_and_order():
    ids = IdAllocator(random.Random(1))
    conns = [ids.conn_id() for _ in range(3)]
    uuids = [ids.call_uuid() for _ in range(3)]
    assert all(is_conn_id(c) for c in conns) and conns == sorted(conns) and len(set(conns)) == 3
    assert all(is_call_uuid(u) for u in uuids) and len(set(uuids)) == 3
    device = ids.device_id()
    assert [len(p) for p in device.split("-")] == [8, 4, 4, 4, 12] and device[14] == "4"


def test_same_seed_same_ids_other_seed_other_ids():
    a, b, c = (IdAllocator(random.Random(s)) for s in (1, 1, 2))
    assert [a.conn_id(), a.call_uuid()] == [b.conn_id(), b.call_uuid()]
    assert a.call_uuid()[:26] != c.call_uuid()[:26]


def test_reference_samples_have_these_formats():
    assert is_conn_id("0071027198180006") and is_call_uuid("01RCC3N118B1V0SL807GK2LAES000006")
    assert not is_conn_id("0071027198180006A") and not is_call_uuid("01rcc3n118b1v0sl807gk2laes000006")
