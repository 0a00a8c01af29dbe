package outputfile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/packer-enrich/packer-plugin-enrich/internal/outputfile"
)

// Two builds write their entries to one output file; a rebuild replaces
// its own entry, and Write returns the entry it replaced.
func Example() {
	dir, err := os.MkdirTemp("", "outputfile-example")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, "out", "enriched.json")

	// Configure checks the path before any build runs.
	if _, err := outputfile.Resolve(path); err != nil {
		panic(err)
	}
	type build struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	}
	ctx := context.Background()
	for _, b := range []build{
		{"web", map[string]string{"git_commit": "1a2b3c"}},
		{"db", map[string]string{"git_commit": "1a2b3c"}},
		{"web", map[string]string{"git_commit": "4d5e6f"}},
	} {
		replaced, err := outputfile.Write(ctx, path, "amazon-ebs."+b.Name, b, nil)
		if err != nil {
			panic(err)
		}
		if replaced != nil {
			fmt.Printf("replaced %s\n", replaced)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// The files that never count as a change of the work tree.
	for _, f := range outputfile.OwnFiles(path) {
		fmt.Println(filepath.Base(f))
	}
	// What Configure refuses names the option.
	_, err = outputfile.Resolve("out/")
	fmt.Println(err)
	// Output:
	// replaced {"name":"web","labels":{"git_commit":"1a2b3c"}}
	// {
	//   "builds": {
	//     "amazon-ebs.db": {"name":"db","labels":{"git_commit":"1a2b3c"}},
	//     "amazon-ebs.web": {"name":"web","labels":{"git_commit":"4d5e6f"}}
	//   }
	// }
	// enriched.json
	// .enriched.json.enrich-tmp
	// output: out/ ends in a path separator, so it names a directory; name the JSON file to write, such as out/enriched.json
}
