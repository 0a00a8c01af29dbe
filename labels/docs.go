package labels

import (
	"fmt"
	"strings"
)

// Reference returns the labels reference of the docs: a Markdown table with
// one row per label, generated into docs-partials/labels/table.mdx by
// `make generate` and included by the post-processor's and the data
// source's pages.
func Reference() string {
	var b strings.Builder
	b.WriteString("<!-- Code generated from the label table in labels/table.go by `make generate`; DO NOT EDIT MANUALLY -->\n\n")
	b.WriteString("| label | value | left out when | `oci` style name | added | in the data source's `labels` |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, l := range table {
		oci := "(the snake name)"
		if l.OCI != "" {
			oci = "`" + l.OCI + "`"
		}
		added := "by default"
		if l.OptIn {
			added = "opt-in: `include_labels`"
		}
		ds := "yes"
		switch l.Kind {
		case Build:
			ds = "no: a fact of the build"
		case Parent:
			ds = "no: known once the builder ran"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", l.Name, cell(l.Doc), cell(l.Omitted), oci, added, ds)
	}
	return b.String()
}

// cell escapes the characters that would end a table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
