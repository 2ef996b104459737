import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest


@pytest.fixture
def anyio_backend():
    """Async tests (Pilot) run on anyio's pytest plugin, on asyncio only."""
    return "asyncio"
