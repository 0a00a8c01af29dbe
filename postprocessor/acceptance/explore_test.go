package acceptance

import (
	"testing"
)

func TestAccExplore(t *testing.T) {
	requireAcc(t)
	hcp := newHCPServer(t)
	r := standardRepo(t, "https://user:SECRET@example.com/acme/images.git", map[string]string{
		"build.pkr.hcl": hcl(nullSource, "acc", "", `  post-processor "enrich" {}`),
	})
	res := packer(t, r.dir, hcp, nil, "build", "-color=false", "build.pkr.hcl")
	t.Log(res)
	t.Log(hcp.describe())
	u := hcp.DoneOne()
	t.Logf("%+v", u)
	t.Logf("%+v", r.gitLabels("x"))
}
