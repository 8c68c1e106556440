#!/usr/bin/env bash
# Unpack pinned front-end packages from the npm registry into static/vendor/, with their
# licences and a manifest of versions and checksums. Users' networks are closed: nothing is
# loaded from a CDN. Run it again after changing a version; commit its output.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=("bootstrap@5.3.9" "htmx.org@2.0.11" "chart.js@4.6.1")
dest=static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$dest" && mkdir -p "$dest"
(cd "$work" && npm pack --silent "${PACKAGES[@]}" >/dev/null)
copy() {  # copy <tarball-glob> <member> <target>
  tar -xzf "$work"/$1 -C "$work" "package/$2" && mkdir -p "$(dirname "$dest/$3")" \
    && mv "$work/package/$2" "$dest/$3" && rm -rf "$work/package"
}
copy 'bootstrap-*.tgz' dist/css/bootstrap.min.css bootstrap/css/bootstrap.min.css
copy 'bootstrap-*.tgz' dist/js/bootstrap.bundle.min.js bootstrap/js/bootstrap.bundle.min.js
copy 'bootstrap-*.tgz' LICENSE bootstrap/LICENSE
copy 'htmx.org-*.tgz' dist/htmx.min.js htmx/htmx.min.js
copy 'htmx.org-*.tgz' LICENSE htmx/LICENSE
copy 'chart.js-*.tgz' dist/chart.umd.min.js chartjs/chart.umd.min.js
copy 'chart.js-*.tgz' LICENSE.md chartjs/LICENSE.md
{
  echo "# Vendored front-end assets: made by scripts/vendor_assets.sh; do not edit by hand."
  printf '%s\n' "${PACKAGES[@]}" | sed 's/^/package: /'
  (cd "$dest" && find . -type f ! -name MANIFEST.txt | sort | xargs sha256sum)
} > "$dest/MANIFEST.txt"
echo "vendored into $dest:"; cat "$dest/MANIFEST.txt"
