#!/usr/bin/env bash
# Install the front-end packages from the npm registry and copy the files the pages need into static/vendor/.
# Idempotent; run after changing package.json. No CDN: the app must work inside an authority network.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
else
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error
fi

KERN=node_modules/@kern-ux/native/dist
HTMX=node_modules/htmx.org/dist
ZIEL=static/vendor

rm -rf "$ZIEL"
mkdir -p "$ZIEL/kern/fonts/fira-sans" "$ZIEL/htmx"
cp "$KERN/kern.min.css" "$ZIEL/kern/kern.min.css"
cp "$KERN/fonts/fira-sans.css" "$ZIEL/kern/fonts/fira-sans.css"
# Only the weights the pages use (regular, semibold, bold); the stylesheet references the others but browsers
# fetch a font file only when text of that weight/style is drawn.
for f in Regular Italic SemiBold Bold; do
  cp "$KERN/fonts/fira-sans/FiraSans-$f.woff2" "$ZIEL/kern/fonts/fira-sans/"
done
# Keep only the @font-face rules whose files were copied.
python3 - "$ZIEL/kern/fonts/fira-sans.css" <<'PY'
import re, sys, pathlib
p = pathlib.Path(sys.argv[1])
blocks = re.findall(r"@font-face\s*\{[^}]*\}", p.read_text())
keep = [b for b in blocks if re.search(r"FiraSans-(Regular|Italic|SemiBold|Bold)\.woff2", b)]
p.write_text("\n\n".join(keep) + "\n")
PY
cp node_modules/@kern-ux/native/LICENSE.md "$ZIEL/kern/LICENSE.md"
cp "$HTMX/htmx.min.js" "$ZIEL/htmx/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$ZIEL/htmx/LICENSE" 2>/dev/null || true
{
  echo "Vendored by scripts/vendor.sh from the npm registry; do not edit by hand."
  node -e 'for (const p of ["@kern-ux/native","htmx.org"]) { const j=require("./node_modules/"+p+"/package.json"); console.log(j.name+" "+j.version); }'
} > "$ZIEL/VERSIONS.txt"
echo "static/vendor aktualisiert:"
cat "$ZIEL/VERSIONS.txt"
