# The two commands a newcomer needs; see README.md.
.PHONY: run test test-fast mutations lint format vendor

run:
	scripts/bootstrap run
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py seed_demo
	.venv/bin/python manage.py runserver 127.0.0.1:8000

test:
	scripts/test

# The quick loop: lint, types and every test not marked `slow` (no PDF, browser or permission
# walk), on SQLite whatever DATABASE_URL or CI say.
test-fast:
	env -u CI -u DATABASE_URL scripts/test -m "not slow"

# Every patch in tests/mutations/ breaks a guarantee; its named tests must fail (CI runs it).
mutations:
	scripts/mutations

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/djlint templates --check

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format . && .venv/bin/djlint templates --reformat

vendor:
	scripts/vendor_assets.sh
