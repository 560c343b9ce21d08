"""guarded_merge: read-merge-write that narrows and detects concurrent writers (pure, on a fake store)."""

import pytest

from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import ConcurrentWriteError
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import guarded_merge
from ansible_collections.spinnaker.aws.plugins.module_utils.iam.api import version_number


class Store:
    """A versioned set of ARNs; ``meddle`` maps a read number to what another writer writes just before it."""

    def __init__(self, items, meddle=None):
        self.version, self.items, self.reads, self.meddle = 1, set(items), 0, meddle or {}

    def read(self):
        self.reads += 1
        if self.reads in self.meddle:
            self.items = self.meddle[self.reads](set(self.items))
            self.version += 1
        return self.version, set(self.items)

    def write(self, items):
        self.items, self.version = set(items), self.version + 1
        return self.version


def plan(document):
    merged = document | {"ours"}
    return merged, merged != document


def later(observed, written, previous):
    return observed > written


def run(store):
    version, document = store.read()
    result, changed = plan(document)
    return guarded_merge(version, result, changed, store.read, plan, store.write, later)


def test_nothing_to_do_writes_nothing():
    store = Store({"ours"})
    assert run(store) == ({"ours"}, False) and store.version == 1


def test_a_writer_between_read_and_write_is_merged_from():
    store = Store({"a"}, meddle={2: lambda items: items | {"theirs"}})
    result, wrote = run(store)
    assert wrote and store.items == {"a", "theirs", "ours"} == result


def test_a_writer_right_after_ours_that_dropped_ours_is_merged_again():
    store = Store({"a"}, meddle={3: lambda items: (items - {"ours"}) | {"theirs"}})
    result, wrote = run(store)
    assert wrote and store.items == {"a", "theirs", "ours"}


def test_a_document_that_keeps_changing_is_an_error_not_a_silent_loss():
    store = Store({"a"}, meddle=dict((n, lambda items: items - {"ours"}) for n in range(2, 40)))
    with pytest.raises(ConcurrentWriteError):
        run(store)


def test_version_numbers():
    assert version_number("v12") == 12 and version_number("x") == 0 and version_number(None) == 0
