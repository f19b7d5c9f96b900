"""Training slots: at most K runs train at once, the others wait in order, lapsed leases free their slot."""

from dashboard.serving.slots import TrainingSlots


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_at_most_k_runs_train_and_the_rest_wait_in_order():
    slots = TrainingSlots(2, lease_s=20, clock=Clock())
    assert [slots.request(r) for r in ("a", "b")] == [0, 0]
    assert slots.request("c") == 1 and slots.request("d") == 2
    assert slots.request("c") == 1                   # asking again keeps the place
    assert slots.training == 2 and slots.waiting == 2
    slots.release("a")
    assert slots.request("d") == 2                   # d is still behind c
    assert slots.request("c") == 0                   # c, first in line, gets a's slot
    assert slots.request("d") == 1
    slots.release("b")
    assert slots.request("d") == 0 and slots.training == 2


def test_a_lease_not_renewed_lapses():
    clock = Clock()
    slots = TrainingSlots(1, lease_s=20, clock=clock)
    assert slots.request("closed-tab") == 0
    assert slots.request("waiting") == 1
    clock.now = 15
    assert slots.request("waiting") == 1              # the holder is still within its lease
    clock.now = 30                                     # the holder has not trained for 30 s
    assert slots.request("waiting") == 0


def test_runs_take_turns_while_others_wait():
    clock = Clock()
    slots = TrainingSlots(1, lease_s=100, turn_s=60, clock=clock)
    assert slots.request("first") == 0
    clock.now = 70
    assert slots.request("first") == 0          # a long turn, but nobody waits: it goes on
    assert slots.request("second") == 1
    slots.renew("first")                         # a chunk in progress keeps its lease …
    assert slots.request("second") == 1
    assert slots.request("first") == 2           # … and at its next chunk it goes to the back
    assert slots.request("second") == 0
    assert slots.training == 1
    clock.now = 100
    assert slots.request("first") == 1 and slots.request("second") == 0   # second's turn: 30 s so far
    clock.now = 131
    assert slots.request("second") == 2 and slots.request("first") == 0
