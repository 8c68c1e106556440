"""scripts/mutations: a mutation its tests catch passes; one that survives fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

DOCSTRING = (
    '"""The request type of the portal\'s views: LoginRequiredMiddleware guarantees a signed-in '
    'user."""'
)


def patch(guarantee: str, added: str) -> str:
    """A patch of units/http.py that adds one line after `from __future__ import annotations`
    (context lines of a diff begin with a space, even the blank ones)."""
    return "\n".join(
        [
            f"# guarantee: {guarantee}",
            "# tests: tests/test_layers.py::test_the_tree_keeps_its_layers",
            "diff --git a/units/http.py b/units/http.py",
            "--- a/units/http.py",
            "+++ b/units/http.py",
            "@@ -1,5 +1,6 @@",
            f" {DOCSTRING}",
            " ",
            " from __future__ import annotations",
            f"+{added}",
            " ",
            " from django.http import HttpRequest",
            "",
        ]
    )


# A real break: the layer contract's own test sees an upward import in units.
CAUGHT = patch("units imports nothing above it", "import campaigns.models  # noqa: F401")
# A change that breaks nothing: the named test still passes, so the guarantee is not proven.
SURVIVES = patch("(none: a comment changes)", "# a harmless comment")


def run_mutations(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "mutations.py")],
        cwd=ROOT,
        env={**os.environ, "MUTATIONS_DIR": str(directory), "CI": ""},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_caught_mutation_passes_and_names_the_tests_that_caught_it(tmp_path: Path) -> None:
    (tmp_path / "upward.patch").write_text(CAUGHT, encoding="utf-8")
    result = run_mutations(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_the_tree_keeps_its_layers" in result.stdout
    assert "mutations: 1 passed, 0 failed, 0 skipped" in result.stdout


def test_a_surviving_mutation_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "harmless.patch").write_text(SURVIVES, encoding="utf-8")
    result = run_mutations(tmp_path)
    assert result.returncode == 1
    assert "SURVIVED" in result.stdout
    assert "mutations: 0 passed, 1 failed, 0 skipped" in result.stdout
