#!/usr/bin/env bash
# Copy Liberation Serif 2.1 (Times New Roman metrics, full Vietnamese coverage, OFL-1.1) from
# Debian's fonts-liberation2 into static/fonts/liberation-serif/, with its licence and a manifest
# of the package version and checksums, so documents never depend on system fonts. Run it again
# after a package upgrade; commit its output. Needs the package: apt-get install fonts-liberation2.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGE=fonts-liberation2
src=/usr/share/fonts/truetype/liberation2
copyright=/usr/share/doc/$PACKAGE/copyright
dest=static/fonts/liberation-serif
FACES=(LiberationSerif-Regular.ttf LiberationSerif-Bold.ttf LiberationSerif-Italic.ttf
  LiberationSerif-BoldItalic.ttf)

version=$(dpkg-query -W -f='${Version}' "$PACKAGE" 2>/dev/null) \
  || { echo "$PACKAGE is not installed: apt-get install -y $PACKAGE" >&2; exit 1; }
case "$version" in
  2.1.*) ;;
  *) echo "$PACKAGE $version is not 2.1.x; check the fonts before vendoring" >&2; exit 1 ;;
esac

rm -rf "$dest" && mkdir -p "$dest"
for face in "${FACES[@]}"; do
  install -m 0644 "$src/$face" "$dest/$face"
done
# The fonts' stanza of the Debian copyright file ("Files: *", up to the next "Files:"), unfolded
# from its DEP-5 layout: one leading space dropped, " ." lines made blank.
awk '/^Files: /{on = ($2 == "*")} on && !/^Files: /' "$copyright" \
  | sed -e 's/^ \.$//' -e 's/^ //' > "$dest/LICENSE"
grep -q 'SIL OPEN FONT LICENSE Version 1.1' "$dest/LICENSE" \
  || { echo "no OFL text found in $copyright" >&2; exit 1; }
{
  echo "# Vendored fonts: made by scripts/vendor_fonts.sh; do not edit by hand."
  echo "package: $PACKAGE $version (Debian)"
  echo "licence: SIL Open Font License 1.1 (LICENSE, from $copyright)"
  (cd "$dest" && find . -type f ! -name MANIFEST.txt | sort | xargs sha256sum)
} > "$dest/MANIFEST.txt"
echo "vendored into $dest:"; cat "$dest/MANIFEST.txt"
