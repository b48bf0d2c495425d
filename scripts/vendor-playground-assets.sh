#!/usr/bin/env bash
# Vendor the playgrounds' browser assets into app/playground/static/vendor/ (checked in).
#
# Repeatable: each package is fetched at an exact version with `npm pack` (npm's own integrity
# check applies), only the dist files the pages load are copied, with each package's licence,
# and MANIFEST.txt records package, version, file and SHA-256. Run it to change a version, then
# commit the result; the server never fetches anything at run time.
#
#   scripts/vendor-playground-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# package@version  file in the package  -> name under vendor/
ASSETS=(
  "@scalar/api-reference@1.76.4   dist/browser/standalone.js        scalar/standalone.js"
  "graphiql@3.9.0                 dist/index.umd.js                 graphiql/graphiql.umd.js"
  "graphiql@3.9.0                 dist/style.css                    graphiql/graphiql.css"
  "@graphiql/plugin-explorer@3.2.6 dist/index.umd.js                graphiql/explorer.umd.js"
  "@graphiql/plugin-explorer@3.2.6 dist/style.css                   graphiql/explorer.css"
  "react@18.3.1                   umd/react.production.min.js       react/react.production.min.js"
  "react-dom@18.3.1               umd/react-dom.production.min.js   react/react-dom.production.min.js"
)

out=app/playground/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$out"
mkdir -p "$out"
manifest="$out/MANIFEST.txt"
echo "# Written by scripts/vendor-playground-assets.sh: package@version  file  sha256" > "$manifest"

declare -A unpacked=()
for line in "${ASSETS[@]}"; do
  read -r spec file target <<<"$line"
  if [[ -z "${unpacked[$spec]:-}" ]]; then
    dir="$work/$(echo "$spec" | tr '/@' '__')"
    mkdir -p "$dir"
    tarball=$(cd "$dir" && npm pack --silent "$spec")
    tar -xzf "$dir/$tarball" -C "$dir"
    unpacked[$spec]="$dir/package"
    # every package's licence goes along with its files
    licence=$(find "$dir/package" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)
    if [[ -n "$licence" ]]; then
      mkdir -p "$out/licenses"
      cp "$licence" "$out/licenses/$(echo "${spec%@*}" | tr '/@' '__').txt"
    fi
  fi
  mkdir -p "$(dirname "$out/$target")"
  cp "${unpacked[$spec]}/$file" "$out/$target"
  sum=$(sha256sum "$out/$target" | cut -d' ' -f1)
  printf '%s  %s  %s\n' "$spec" "$target" "$sum" >> "$manifest"
done
echo "vendored into $out:"
cat "$manifest"
