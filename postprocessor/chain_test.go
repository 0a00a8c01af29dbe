package postprocessor

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// readerPostProcessor stands for a post-processor chained after enrich: it
// reads one state key of its input artifact inside PostProcess, as
// docker-push, googlecompute-export, vagrant and vsphere-template do.
type readerPostProcessor struct {
	key  string
	read interface{}
}

func (*readerPostProcessor) ConfigSpec() hcldec.ObjectSpec  { return nil }
func (*readerPostProcessor) Configure(...interface{}) error { return nil }
func (r *readerPostProcessor) PostProcess(_ context.Context, _ packersdk.Ui, a packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	r.read = a.State(r.key)
	return a, true, false, nil
}

// carriedValues are values of the carried state keys as their builders
// (or the post-processor before enrich) answer them.
var carriedValues = map[string]interface{}{
	"docker_tags":                   []string{"acme/web:1.0", "acme/web:latest"},
	"ImageName":                     "web-1700000000",
	"ProjectId":                     "acme-images",
	"BuildZone":                     "europe-west1-b",
	"diskType":                      "qcow2",
	"diskName":                      "web.qcow2",
	"domainType":                    "kvm",
	"artifact.conf.format":          "ovf",
	"artifact.conf.keep_registered": true,
	"artifact.conf.skip_export":     false,
	"atlas.artifact.metadata":       map[string]string{"region.us-east-1": "ami-1"},
	"my.custom.key":                 map[string]interface{}{"n": 3, "list": []string{"a"}},
}

// Rule 2, per carried key, through the SDK's real RPC server and client: a
// post-processor after enrich reads what it reads when it follows the
// builder directly.
func TestChainCarriesStateKeysOverRPC(t *testing.T) {
	r := testrepo.New(t)
	if len(carriedValues) != len(carriedStateKeys)+1 {
		t.Fatalf("carriedValues has %d keys, carriedStateKeys %d: give every carried key a value", len(carriedValues), len(carriedStateKeys))
	}
	for key, value := range carriedValues {
		t.Run(key, func(t *testing.T) {
			source := func() *packersdk.MockArtifact {
				return &packersdk.MockArtifact{
					BuilderIdValue: "packer.googlecompute",
					IdValue:        "web-1700000000",
					FilesValue:     []string{},
					StateValues: map[string]interface{}{
						image.ArtifactStateURI: twoRegions(),
						key:                    value,
					},
				}
			}
			ui, _ := testUI()

			// Without enrich: builder -> reader.
			direct := &readerPostProcessor{key: key}
			if _, _, _, err := servePostProcessor(t, direct).PostProcess(context.Background(), ui, source()); err != nil {
				t.Fatal(err)
			}
			if direct.read == nil {
				t.Fatalf("the reader got nothing for %q even without enrich", key)
			}

			// With enrich: builder -> enrich -> reader, each a plugin.
			enrich := servePostProcessor(t, &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)})
			if err := enrich.Configure(map[string]interface{}{"git_path": r.Dir, "carry_state_keys": []string{"my.custom.key"}}, packerVars()); err != nil {
				t.Fatal(err)
			}
			enriched, _, _, err := enrich.PostProcess(context.Background(), ui, source())
			if err != nil {
				t.Fatal(err)
			}
			after := &readerPostProcessor{key: key}
			if _, _, _, err := servePostProcessor(t, after).PostProcess(context.Background(), ui, enriched); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after.read, direct.read) {
				t.Errorf("after enrich the reader got %#v for %q, without enrich %#v", after.read, key, direct.read)
			}
		})
	}
}
