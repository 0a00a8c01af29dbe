package gitinfo_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/packer-enrich/packer-plugin-enrich/gitinfo"
)

// The facts of a template's repository: one commit tagged v1.0.0 on main,
// and a remote whose URL carries a token.
func ExampleCollect() {
	dir, err := os.MkdirTemp("", "example-")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	template := filepath.Join(dir, "template.pkr.hcl")
	if err := os.WriteFile(template, []byte("source \"null\" \"x\" {}\n"), 0o600); err != nil {
		panic(err)
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "template.pkr.hcl"},
		{"commit", "-q", "-m", "first"},
		{"tag", "v1.0.0"},
		{"remote", "add", "origin", "https://ci:glpat-token@gitlab.example.com/org/images.git"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
			"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			panic(fmt.Sprintf("git %v: %v: %s", args, err, out))
		}
	}
	f, err := gitinfo.Collect(context.Background(), template, gitinfo.Options{
		Dirty: gitinfo.DirtyAll,
		CI:    nil, // no CI run; a caller detects it once with gitinfo.DetectCI
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("branch:", f.Branch)
	fmt.Println("tags:", f.Tags)
	fmt.Println("describe:", f.Describe)
	fmt.Println("dirty:", *f.Dirty)
	fmt.Println("remote:", f.Remote)
	// Output:
	// branch: main
	// tags: [v1.0.0]
	// describe: v1.0.0
	// dirty: false
	// remote: https://gitlab.example.com/org/images.git
}

// What StripCredentials leaves of the URLs a build may record: the remote
// and the CI run's link, without what would let someone else in.
func ExampleStripCredentials() {
	for _, u := range []string{
		"https://ci-bot:glpat-secret@gitlab.example.com/org/images.git",
		"https://ci:12/34secret@gitlab.example.com/org/images.git",
		"deploy:s3cret@git.example.com:org/images.git",
		"git@github.com:org/images.git",
		"https://dev.azure.com/org/proj/_build/results?buildId=42&access_token=abc",
		"https://jenkins.example.com/job/images/12/;jsessionid=0F3A?ticket=ST-1-x",
	} {
		fmt.Println(gitinfo.StripCredentials(u))
	}
	// Output:
	// https://gitlab.example.com/org/images.git
	// https://gitlab.example.com/org/images.git
	// git.example.com:org/images.git
	// git@github.com:org/images.git
	// https://dev.azure.com/org/proj/_build/results?buildId=42
	// https://jenkins.example.com/job/images/12/
}
