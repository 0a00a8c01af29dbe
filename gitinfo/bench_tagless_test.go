package gitinfo

import (
	"context"
	"testing"
	"time"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// BenchmarkCollectTagless measures Collect on the tagless long history as
// BenchmarkCollect does, and `git describe --tags --always` alone
// (describe-ms/op): the walk Collect no longer waits for.
func BenchmarkCollectTagless(b *testing.B) {
	repo := testrepo.Generated(b, testrepo.Tagless69k)
	ctx := context.Background()
	f, err := Collect(ctx, repo, Options{})
	if err != nil || f.Dirty == nil || *f.Dirty || f.Describe != f.ShortCommit || len(f.Unknown) > 0 {
		b.Fatalf("unexpected facts %+v: %v", f, err)
	}
	b.Run("collect", func(b *testing.B) { measureCollect(b, repo, Options{}) })
	b.Run("describe-alone", func(b *testing.B) {
		r := &runner{bin: benchGit, dir: repo, env: gitEnv()}
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			out, err := r.run(ctx, "describe", "--tags", "--always", "HEAD")
			if err != nil || string(out) != f.ShortCommit+"\n" {
				b.Fatalf("git describe: %q, %v; want %s", out, err, f.ShortCommit)
			}
			ds = append(ds, time.Since(start))
		}
		b.ReportMetric(float64(median(ds).Microseconds())/1000, "describe-ms/op")
	})
}
