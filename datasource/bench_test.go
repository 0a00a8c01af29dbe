package datasource

import (
	"fmt"
	"testing"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// BenchmarkExecute measures what a template's data block costs a build:
// Execute on a clean repository of 2,000 committed files in 40 directories,
// with the default dirty check.
func BenchmarkExecute(b *testing.B) {
	r := benchFiles(b)
	r.Git("tag", "v1.0.0")
	d := &Datasource{lookupEnv: testrepo.Env(nil)}
	if err := d.Configure(map[string]interface{}{"git_path": r.Dir}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := d.Execute()
		if err != nil {
			b.Fatal(err)
		}
		if v.GetAttr("dirty").True() || v.GetAttr("tag").AsString() != "v1.0.0" {
			b.Fatalf("unexpected outputs %#v", v)
		}
	}
}

// benchFiles makes the data source benchmarks' repository: 2,000 files in
// 40 directories, committed on main.
func benchFiles(b *testing.B) *testrepo.Repo {
	b.Helper()
	r := testrepo.New(b)
	for i := 0; i < 2000; i++ {
		r.Write(fmt.Sprintf("dir%02d/file%04d.txt", i%40, i), fmt.Sprintf("content %d\n", i))
	}
	r.CommitAll("files")
	return r
}
