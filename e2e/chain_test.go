package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// gceSource stands for a googlecompute build: the suite's noimage builder
// answers googlecompute's builder id and the state keys its artifact
// answers, so that googlecompute-export, a reference plugin's
// post-processor, accepts it without a cloud.
const gceSource = `source "noimage" "gce" {
  builder_id  = "packer.googlecompute"
  artifact_id = "web-1700000000"
  state = {
    ImageName = "web-1700000000"
    ProjectId = "acme-images"
    BuildZone = "europe-west1-b"
  }
}`

// exportLine is a line googlecompute-export prints.
var exportLine = regexp.MustCompile(`(?m)^.*\(googlecompute-export\): (.*)$`)

// Rule 2 through real post-processors: googlecompute-export (of the
// googlecompute plugin) after enrich receives the image, project and zone it
// receives right after the builder, and runs to the point where it needs
// Google's API (which the suite's dead proxy refuses), saying the same
// things; without the carried keys it crashed Packer.
func TestAccChainGooglecomputeExport(t *testing.T) {
	requireAcc(t)
	if suite.googlecompute == "" {
		t.Fatalf("the googlecompute plugin is not installed: %v", suite.setupErr)
	}
	t.Parallel()
	chain := func(enrich bool) string {
		first := ""
		if enrich {
			first = `    post-processor "enrich" {}
`
		}
		return fmt.Sprintf(requireEnrich+`
%s

build {
  sources = ["source.noimage.gce"]
  post-processors {
%s    post-processor "googlecompute-export" {
      paths        = ["gs://acme-exports/web.tar.gz"]
      access_token = "not-a-real-token"
    }
  }
}
`, gceSource, first)
	}
	// The export reaches Google's API only through the dead proxy, and
	// never asks a metadata server.
	env := map[string]string{"GCE_METADATA_HOST": "127.0.0.1:9", "GCE_METADATA_IP": "127.0.0.1:9"}
	seen := map[bool]string{}
	for _, enrich := range []bool{false, true} {
		r := standardRepo(t, "", map[string]string{"build.pkr.hcl": chain(enrich)})
		res := packer(t, r.Dir, nil, env, "build", "-color=false", "build.pkr.hcl")
		if strings.Contains(res.all(), "PACKER CRASH") || strings.Contains(res.all(), "interface conversion") {
			t.Fatalf("Packer crashed (enrich %v):\n%s", enrich, res)
		}
		var lines []string
		for _, m := range exportLine.FindAllStringSubmatch(res.Stdout+res.Stderr, -1) {
			lines = append(lines, m[1])
		}
		seen[enrich] = strings.Join(lines, "\n")
		if !strings.Contains(seen[enrich], "Exporting image web-1700000000 to destination: [gs://acme-exports/web.tar.gz]") {
			t.Errorf("googlecompute-export did not get the image (enrich %v):\n%s", enrich, res)
		}
		if enrich {
			mustSay(t, res, "(enrich): ")
		}
	}
	t.Logf("googlecompute-export said:\n%s", seen[false])
	if seen[true] != seen[false] {
		t.Errorf("after enrich googlecompute-export said\n%s\n\nwithout enrich\n%s", seen[true], seen[false])
	}
}

// Rule 4: two enrich post-processors in one chain, with a post-processor
// and a second boundary between them, never conflict over the labels the
// first added, even with on_conflict = "error".
func TestAccTwoEnriches(t *testing.T) {
	requireAcc(t)
	t.Parallel()
	r := standardRepo(t, "", map[string]string{"build.pkr.hcl": requireEnrich + `
source "noimage" "x" {
  publish_image = true
}

build {
  sources = ["source.noimage.x"]
  post-processors {
    post-processor "enrich" {
      output = "out/first.json"
    }
    post-processor "shell-local" {
      inline = ["sleep 1.2"]
    }
    post-processor "enrich" {
      on_conflict = "error"
      output      = "out/second.json"
    }
  }
}
`})
	res := packer(t, r.Dir, nil, nil, "build", "-color=false", "build.pkr.hcl")
	mustSucceed(t, res)
	first := readOutput(t, filepath.Join(r.Dir, "out", "first.json"))["noimage.x"]
	second := readOutput(t, filepath.Join(r.Dir, "out", "second.json"))["noimage.x"]
	if first.Labels["build_time"] == second.Labels["build_time"] {
		t.Fatalf("both enriches ran in one second (%s); the test proves nothing", first.Labels["build_time"])
	}
	if len(second.Images) != 1 || second.Images[0].Labels["build_time"] != second.Labels["build_time"] {
		t.Errorf("the image after the second enrich: %+v", second.Images)
	}
}
