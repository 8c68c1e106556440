"""Apply each guarantee-breaking patch of tests/mutations/ to a copy of the tree and run the tests
named in its header: they must fail. A guarantee whose mutation survives is not proven.

A patch starts with comment lines, then the diff (`git apply` skips the comments):

    # guarantee: two sends of one digest at the same moment give one e-mail
    # tests: tests/reports/test_reminder_locks.py::test_two_sends_of_one_digest_send_one_email
    # needs: postgres

`needs` names services (postgres, redis) without which the tests would only be skipped: such a
mutation is reported "not checked" locally and fails the run with CI=true, as the test markers do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = Path(os.environ.get("MUTATIONS_DIR", ROOT / "tests" / "mutations"))
PYTHON = ROOT / ".venv" / "bin" / "python"
IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass(frozen=True)
class Mutation:
    name: str
    patch: Path
    guarantee: str
    tests: tuple[str, ...]
    needs: frozenset[str]


def read_mutation(patch: Path) -> Mutation:
    header: dict[str, str] = {}
    for line in patch.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        header[key.strip()] = value.strip()
    tests = tuple(header.get("tests", "").split())
    if not tests:
        sys.exit(f"{patch.name}: the header names no tests (# tests: …)")
    return Mutation(
        name=patch.stem,
        patch=patch,
        guarantee=header.get("guarantee", "?"),
        tests=tests,
        needs=frozenset(header.get("needs", "").replace(",", " ").split()),
    )


def missing_services(needs: frozenset[str]) -> list[str]:
    missing = []
    if "postgres" in needs and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        missing.append("PostgreSQL (DATABASE_URL)")
    if "redis" in needs and not os.environ.get("TEST_REDIS_URL"):
        missing.append("Redis (TEST_REDIS_URL)")
    return missing


def copy_tree(target: Path) -> None:
    """The files git knows (tracked and new, not ignored), as they are in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def git_apply(copy: Path, patch: Path, *, reverse: bool = False) -> None:
    """Outside a repository `git apply` patches the files under the current directory."""
    subprocess.run(["git", "apply", *(["-R"] if reverse else []), str(patch)], cwd=copy, check=True)


def run(mutation: Mutation, copy: Path) -> tuple[str, list[str], float]:
    """Apply, run the named tests, revert. Returns (verdict, failing tests, seconds)."""
    started = time.monotonic()
    git_apply(copy, mutation.patch)
    try:
        result = subprocess.run(
            [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
             "-rfE", "--no-header", *mutation.tests],
            cwd=copy,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )  # fmt: skip
    finally:
        git_apply(copy, mutation.patch, reverse=True)
    seconds = time.monotonic() - started
    # Only a failed assertion counts: a test that errors in its set-up proves nothing.
    caught = re.findall(r"^FAILED (\S+)", result.stdout, flags=re.MULTILINE)
    errors = re.findall(r"^ERROR (\S+)", result.stdout, flags=re.MULTILINE)
    if result.returncode == 1 and caught and not errors:
        return "caught", caught, seconds
    if result.returncode == 0:
        return "SURVIVED", [], seconds
    tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
    return f"ERROR (pytest exit {result.returncode})\n{tail}", caught, seconds


def main(names: list[str]) -> int:
    patches = sorted(MUTATIONS.glob("*.patch"))
    if names:
        patches = [p for p in patches if p.stem in names]
        unknown = set(names) - {p.stem for p in patches}
        if unknown:
            sys.exit(f"no such mutation: {', '.join(sorted(unknown))}")
    if not patches:
        print("0 passed, 0 failed (no mutations)")
        return 0
    mutations = [read_mutation(p) for p in patches]
    caught = failed = unchecked = 0
    with tempfile.TemporaryDirectory(prefix="mutations-") as tmp:
        copy = Path(tmp)
        copy_tree(copy)
        for mutation in mutations:
            print(f"== {mutation.name}: {mutation.guarantee}", flush=True)
            missing = missing_services(mutation.needs)
            if missing:
                if IN_CI:
                    print(f"   FAILED: CI needs {', '.join(missing)} to check it")
                    failed += 1
                else:
                    print(f"   not checked here: needs {', '.join(missing)}")
                    unchecked += 1
                continue
            verdict, tests, seconds = run(mutation, copy)
            if verdict == "caught":
                caught += 1
                print(f"   caught in {seconds:.1f} s by:")
                for test in tests:
                    print(f"     {test}")
            else:
                failed += 1
                print(
                    f"   {verdict} ({seconds:.1f} s): the guarantee is not proven by {mutation.tests}"
                )
    print(f"mutations: {caught} passed, {failed} failed, {unchecked} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
