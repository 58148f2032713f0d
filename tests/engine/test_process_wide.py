"""One object per process, the same from every thread."""
import threading

from engine.process_wide import process_wide


def test_every_thread_gets_the_one_object_made_once():
    made = []
    get = process_wide(lambda: made.append(1) or object())
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get())) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(x) for x in seen}) == 1 and get() is seen[0]
