from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A PRISM_DATA_DIR for the embedded server, outside pytest's own temporary folders.

    As root, the embedded server runs as its own system user, which must be able to reach its
    folder; every pytest session start (on this machine, anyone's) makes /tmp/pytest-of-root
    private again, which would lock that user out mid-test.
    """
    folder = Path(tempfile.mkdtemp(prefix="prism-embedded-test-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
