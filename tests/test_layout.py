"""Issue 8's size rule, checked: no module of the application passes 400 lines, so each stays
readable at one sitting (migrations and the seed's vocabulary are data, not code)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("prism", "schema", "resolvers", "domain", "authn", "authz", "persistence", "workflows")
EXEMPT = ("persistence/migrations/versions/", "persistence/seed/vocab.py")
MAX_LINES = 400


def test_no_module_of_the_application_passes_400_lines() -> None:
    modules = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    assert len(modules) > 100, "the packages were not found"
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if not str(path.relative_to(ROOT)).startswith(EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
