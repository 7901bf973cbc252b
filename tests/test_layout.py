"""Issue 8's size rule, checked: no module passes 400 lines, so each stays readable at one
sitting. It holds for the application, its tests and its benchmarks alike; migrations and the
seed's vocabulary are data, not code."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "prism", "schema", "resolvers", "domain", "authn", "authz", "persistence", "workflows",
    "catalogue",
)  # fmt: skip
ELSEWHERE = ("tests", "bench")
EXEMPT = ("persistence/migrations/versions/", "persistence/seed/vocab.py")
MAX_LINES = 400


def modules(*directories: str) -> list[Path]:
    """Every Python module under the directories, but what npm installed beside them."""
    found = [p for directory in directories for p in (ROOT / directory).rglob("*.py")]
    return [p for p in found if "node_modules" not in p.relative_to(ROOT).parts]


def too_long(paths: list[Path]) -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): lines
        for path in paths
        if not str(path.relative_to(ROOT)).startswith(EXEMPT)
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }


def test_no_module_of_the_application_passes_400_lines() -> None:
    found = modules(*PACKAGES)
    assert len(found) > 100, "the packages were not found"
    assert too_long(found) == {}


def test_no_module_of_the_tests_or_the_benchmarks_passes_400_lines() -> None:
    found = modules(*ELSEWHERE)
    assert {p.relative_to(ROOT).parts[0] for p in found} == set(ELSEWHERE), "a directory is missing"
    assert len(found) > 100, "the tests and benchmarks were not found"
    assert too_long(found) == {}
