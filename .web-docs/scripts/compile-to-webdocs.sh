#!/usr/bin/env bash
# Compiles the docs packer-sdc rendered (renderdocs) into the layout the
# HashiCorp integrations portal reads, as hashicorp/packer-plugin-scaffolding's
# compile-to-webdocs script does:
#
#   <docs>/README.md                  -> <web-docs>/README.md
#   <docs>/<kind>/<name>.mdx          -> <web-docs>/components/<type>/<name>/README.md
#
# for the kinds builders, provisioners, post-processors and datasources (types
# builder, provisioner, post-processor, data-source); index.mdx pages are not
# shown by the portal and are left out, as is every other page. The portal
# adds a component's title itself, so the front matter, the top "# Title" line
# and the "Type: `name`" line go; links to plugin pages on the old Packer site
# (/packer/plugins/...) are rewritten to the integration's pages.
#
# Every compiled component must have its `component` entry (type and slug) in
# <web-docs>/metadata.hcl, and every entry its page: the script fails when
# they differ.
#
# Usage: compile-to-webdocs.sh <rendered docs dir> <web-docs dir> <organization>
set -euo pipefail

docs=${1:?rendered docs directory}
webdocs=${2:?web-docs directory}
org=${3:?integration organization}

# component_type maps a docs folder to the portal's component type.
component_type() {
  case "$1" in
    builders) echo builder ;;
    provisioners) echo provisioner ;;
    post-processors) echo post-processor ;;
    datasources) echo data-source ;;
    *) return 1 ;;
  esac
}

# strip_header drops the front matter, then the top "# Title" line and the
# "Type: `name`" line with the blank lines around them.
strip_header() {
  awk '
    NR == 1 && /^---[[:space:]]*$/ { fm = 1; next }
    fm { if (/^---[[:space:]]*$/) fm = 0; next }
    !body && /^[[:space:]]*$/ { next }
    !body && !title && /^# / { title = 1; next }
    !body && !typ && /^Type: / { typ = 1; next }
    { body = 1; print }
  ' "$1"
}

# rewrite_links points links to plugin pages of the Packer site at the
# integration's pages:
#   (/packer/plugins/<kind>/<plugin>/<component>#a) -> (/packer/integrations/<org>/<plugin>/latest/components/<type>/<component>#a)
#   (/packer/plugins/<kind>/<plugin>#a)             -> (/packer/integrations/<org>/<plugin>#a)
rewrite_links() {
  local seg='([^/()#[:space:]]+)' anchor='(#[^()[:space:]]*)?'
  local expr=() kind
  for kind in builders provisioners post-processors datasources; do
    expr+=(-e "s%\(/packer/plugins/$kind/$seg/$seg$anchor\)%(/packer/integrations/$org/\1/latest/components/$(component_type "$kind")/\2\3)%g")
  done
  expr+=(-e "s%\(/packer/plugins/(builders|provisioners|post-processors|datasources)/$seg$anchor\)%(/packer/integrations/$org/\2\3)%g")
  sed -E "${expr[@]}"
}

mkdir -p "$webdocs"
rewrite_links < "$docs/README.md" > "$webdocs/README.md"

find "$docs" -mindepth 2 -type f -name '*.mdx' ! -name index.mdx | LC_ALL=C sort |
  while IFS= read -r file; do
    rel=${file#"$docs"/}
    kind=${rel%%/*}
    name=${rel#*/}
    name=${name%.mdx}
    if ! type=$(component_type "$kind") || [[ $name == */* ]]; then
      echo "compile-to-webdocs: $rel: a component page must be <kind>/<name>.mdx, kind one of builders, provisioners, post-processors, datasources" >&2
      exit 1
    fi
    mkdir -p "$webdocs/components/$type/$name"
    strip_header "$file" | rewrite_links > "$webdocs/components/$type/$name/README.md"
    echo "compile-to-webdocs: $rel -> components/$type/$name/README.md"
  done

# The components metadata.hcl declares, as "type/slug" lines, and the ones
# compiled.
declared=$(awk '
  /^[[:space:]]*component[[:space:]]*\{/ { in_c = 1; type = ""; slug = ""; next }
  in_c && /^[[:space:]]*type[[:space:]]*=/ { v = $0; sub(/^[^"]*"/, "", v); sub(/".*$/, "", v); type = v }
  in_c && /^[[:space:]]*slug[[:space:]]*=/ { v = $0; sub(/^[^"]*"/, "", v); sub(/".*$/, "", v); slug = v }
  in_c && /^[[:space:]]*\}/ { print type "/" slug; in_c = 0 }
' "$webdocs/metadata.hcl" | LC_ALL=C sort)
compiled=$(cd "$webdocs/components" 2>/dev/null && find . -mindepth 3 -maxdepth 3 -name README.md | sed 's|^\./||; s|/README\.md$||' | LC_ALL=C sort)
if [[ "$declared" != "$compiled" ]]; then
  echo "compile-to-webdocs: the components of $webdocs/metadata.hcl differ from the pages compiled:" >&2
  diff <(echo "$declared") <(echo "$compiled") | sed -n 's/^< /  declared, no page: /p; s/^> /  page, not declared: /p' >&2
  exit 1
fi
