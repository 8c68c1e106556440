"""The layer contract (campaign_portal > reports > campaigns > units) holds, and catches a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("campaign_portal", "reports", "campaigns", "units")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The four packages and the contract, copied where a test may break them."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_its_layers() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_the_contract_holds_on_a_clean_copy(tree_copy: Path) -> None:
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "upward"),
    [
        ("units/access.py", "from campaigns.models import Directive"),
        ("campaigns/services/__init__.py", "from reports.models import ProgressReport"),
        ("reports/figures.py", "import campaign_portal.views"),
    ],
)
def test_an_upward_import_breaks_the_contract(tree_copy: Path, module: str, upward: str) -> None:
    target = tree_copy / module
    if not target.exists():  # a module that is not yet a package in this layout
        target = target.parent.with_suffix(".py")
    # Inside a function, where the old code hid its upward imports.
    target.write_text(
        target.read_text(encoding="utf-8") + f"\n\ndef _sneaky():\n    {upward}\n",
        encoding="utf-8",
    )
    result = lint_imports(tree_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
