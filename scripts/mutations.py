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
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = Path(os.environ.get("MUTATIONS_DIR", ROOT / "tests" / "mutations"))
PYTHON = ROOT / ".venv" / "bin" / "python"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Each mutation is one pytest process: run as many side by side as there are cores.
WORKERS = os.cpu_count() or 1


@dataclass(frozen=True)
class Mutation:
    name: str
    patch: Path
    guarantee: str
    tests: tuple[str, ...]
    needs: frozenset[str]
    # A patch of models or migrations changes the schema: its tests get a database of their
    # own, built for them; the others share one per slot, built once per run (--reuse-db).
    changes_schema: bool


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
        changes_schema=bool(
            re.search(r"^\+\+\+ \S*/(migrations/|models)", patch.read_text(), re.MULTILINE)
        ),
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


def slot_environment(slot: int, *, schema: bool = False) -> dict[str, str]:
    """Mutations run side by side, each slot with its own database and Redis database (pytest
    names its database after DATABASE_URL's, and the worker tests flush theirs); a mutation of
    the schema gets a database apart, so the slot's shared one never holds a mutated schema."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        name = f"{parts.path}_m{slot}{'_schema' if schema else ''}"
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=name))
    if env.get("TEST_REDIS_URL"):
        parts = urlsplit(env["TEST_REDIS_URL"])
        database = int(parts.path.lstrip("/") or 0) - slot
        env["TEST_REDIS_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    return env


def run(
    mutation: Mutation, copy: Path, env: dict[str, str], *, database: str = "--create-db"
) -> tuple[str, list[str], float]:
    """Apply, run the named tests, revert. Returns (verdict, failing tests, seconds).

    `database` is pytest-django's --create-db, or --reuse-db for a database this run created."""
    started = time.monotonic()
    git_apply(copy, mutation.patch)
    try:
        result = subprocess.run(
            [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", database,
             "-rfE", "--no-header", *mutation.tests],
            cwd=copy,
            capture_output=True,
            text=True,
            check=False,
            env=env,
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


def check(
    mutation: Mutation, slots: queue.Queue[tuple[int, Path]], built: set[int]
) -> tuple[int, str]:
    """One mutation on a free slot's copy of the tree: (1 if it failed the run, its report).
    `built` holds the slots whose shared database this run has created."""
    lines = [f"== {mutation.name}: {mutation.guarantee}"]
    missing = missing_services(mutation.needs)
    if missing:
        if IN_CI:
            return 1, "\n".join([*lines, f"   FAILED: CI needs {', '.join(missing)} to check it"])
        return -1, "\n".join([*lines, f"   not checked here: needs {', '.join(missing)}"])
    slot, copy = slots.get()
    try:
        schema = mutation.changes_schema
        reuse = not schema and slot in built
        env = slot_environment(slot, schema=schema)
        verdict, tests, seconds = run(
            mutation, copy, env, database="--reuse-db" if reuse else "--create-db"
        )
        if not schema:
            built.add(slot)
    finally:
        slots.put((slot, copy))
    if verdict == "caught":
        lines.append(f"   caught in {seconds:.1f} s by:")
        lines += [f"     {test}" for test in tests]
        return 0, "\n".join(lines)
    lines.append(f"   {verdict} ({seconds:.1f} s): the guarantee is not proven by {mutation.tests}")
    return 1, "\n".join(lines)


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
    workers = max(1, min(len(mutations), int(os.environ.get("MUTATION_WORKERS", WORKERS))))
    outcomes = {0: 0, 1: 0, -1: 0}
    with tempfile.TemporaryDirectory(prefix="mutations-") as tmp:
        slots: queue.Queue[tuple[int, Path]] = queue.Queue()
        for slot in range(workers):
            copy = Path(tmp) / str(slot)
            copy_tree(copy)
            slots.put((slot, copy))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            built: set[int] = set()
            for outcome, report in pool.map(lambda m: check(m, slots, built), mutations):
                outcomes[outcome] += 1
                print(report, flush=True)
    caught, failed, unchecked = outcomes[0], outcomes[1], outcomes[-1]
    print(f"mutations: {caught} passed, {failed} failed, {unchecked} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
