"""How course autograde hands students to its workers."""

from __future__ import annotations

import threading

import pytest

from autograder.nbgrader_bridge.batches import SMALLEST, Batches


def drain(batches: Batches) -> list[list[str]]:
    taken = []
    while batch := batches.take():
        taken.append(batch)
    return taken


def test_every_student_once_in_order():
    """Does a class come out whole, each student once, in the order given?"""
    students = [f"s{i:03d}" for i in range(100)]
    taken = drain(Batches(students, workers=2))
    assert [s for batch in taken for s in batch] == students


def test_batches_shrink_to_the_smallest():
    """Are the first batches a share of the class and the last ones small, so that the
    workers finish together?"""
    sizes = [len(b) for b in drain(Batches([str(i) for i in range(100)], workers=2))]
    assert sizes[0] == 25  # a quarter: half of what each of the 2 workers would get
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-2] == SMALLEST and sizes[-1] <= SMALLEST
    assert len(sizes) <= 12  # few nbgrader start-ups


def test_one_worker_takes_the_class_in_a_few_batches():
    """With one worker, is the class still taken in shrinking batches (not one by one)?"""
    sizes = [len(b) for b in drain(Batches([str(i) for i in range(10)], workers=1))]
    assert sizes == [5, 3, 2]


def test_a_limit_caps_one_batch():
    """Can a worker ask for a small first batch (so that nbgrader starts soon), and do the
    others still come in shares of what is left?"""
    batches = Batches([str(i) for i in range(40)], workers=2)
    assert len(batches.take(limit=SMALLEST)) == SMALLEST
    assert len(batches.take()) == 10  # ceil(37 / 4)
    assert len(batches.take(limit=0)) == 1  # at least one student


def test_stop_hands_out_nothing_more():
    """After an interrupt, does a worker asking for work get none?"""
    batches = Batches([str(i) for i in range(20)], workers=2)
    assert batches.take()
    batches.stop()
    assert batches.stopped and batches.take() == []


def test_workers_in_threads_share_the_class():
    """Do workers asking at the same time never get the same student?"""
    students = [str(i) for i in range(500)]
    batches = Batches(students, workers=4, smallest=1)
    got: list[list[str]] = [[] for _ in range(4)]

    def work(k: int) -> None:
        while batch := batches.take():
            got[k].extend(batch)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s for share in got for s in share) == sorted(students)


@pytest.mark.parametrize(("workers", "smallest"), [(0, 3), (2, 0)])
def test_bad_settings(workers, smallest):
    """Are zero workers or an empty smallest batch refused?"""
    with pytest.raises(ValueError, match="workers >= 1"):
        Batches(["a"], workers, smallest)
