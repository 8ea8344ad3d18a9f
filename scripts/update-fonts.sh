#!/usr/bin/env bash
# Refresh the bundled fonts from npm's @fontsource packages (SIL OFL 1.1).
# The files are converted from WOFF2 to TTF once, here: WeasyPrint would
# otherwise decompress every WOFF2 face in Python on each run (about 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=styles/fonts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @fontsource/atkinson-hyperlegible @fontsource/noto-sans >/dev/null \
  && for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done)
ah=$(echo "$work"/fontsource-atkinson-hyperlegible-*/package)
ns=$(echo "$work"/fontsource-noto-sans-*/package)
cp "$ah/LICENSE" "$dest/LICENSE-AtkinsonHyperlegible.txt"
cp "$ns/LICENSE" "$dest/LICENSE-NotoSans.txt"
for subset in latin latin-ext; do for w in 400 700; do for s in normal italic; do
  cp "$ah/files/atkinson-hyperlegible-$subset-$w-$s.woff2" "$work/"; done; done; done
for subset in latin latin-ext greek cyrillic vietnamese; do for w in 400 700; do for s in normal italic; do
  cp "$ns/files/noto-sans-$subset-$w-$s.woff2" "$work/"; done; done; done
.venv/bin/python - "$work" "$dest" <<'PY'
import pathlib, sys
from fontTools.ttLib import TTFont
work, dest = map(pathlib.Path, sys.argv[1:])
for woff2 in sorted(work.glob("*.woff2")):
    font = TTFont(woff2)
    font.flavor = None
    font.save(dest / (woff2.stem + ".ttf"))
PY
echo "Updated $(ls "$dest"/*.ttf | wc -l) fonts in $dest"
