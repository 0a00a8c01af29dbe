package postprocessor

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/hashicorp/packer-plugin-sdk/rpc"

	"github.com/packer-enrich/packer-plugin-enrich/internal/testrepo"
)

// servePostProcessor serves pp over the SDK's RPC, as a plugin process does,
// and returns the client Packer core would use.
func servePostProcessor(t *testing.T, pp packersdk.PostProcessor) packersdk.PostProcessor {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	clientConn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	serverConn, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	server, err := rpc.NewServer(serverConn)
	if err != nil {
		t.Fatal(err)
	}
	if err := server.RegisterPostProcessor(pp); err != nil {
		t.Fatal(err)
	}
	go server.Serve()
	client, err := rpc.NewClient(clientConn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = client.Close()
		_ = server.Close()
	})
	return client.PostProcessor()
}

// builderArtifact is an artifact as a builder serves it: its images are
// *image.Image values, which reach the post-processor through msgpack.
func builderArtifact() *packersdk.MockArtifact {
	return &packersdk.MockArtifact{
		BuilderIdValue: "mitchellh.amazonebs",
		IdValue:        "us-east-1:ami-1,eu-west-1:ami-2",
		FilesValue:     []string{"manifest.txt"},
		StringValue:    "AMIs were created",
		StateValues: map[string]interface{}{
			image.ArtifactStateURI: twoRegions(),
			"generated_data":       map[string]interface{}{"SourceAMI": "ami-src", "Password": "hunter2"},
		},
	}
}

// Through the SDK's real RPC server and client, the artifact Packer core gets
// back still answers with the labels after PostProcess has returned and the
// plugin side has closed its connection to the source artifact.
func TestPostProcessOverRPC(t *testing.T) {
	r := testrepo.New(t)
	pp := &PostProcessor{now: func() time.Time { return fixedTime }, lookupEnv: testrepo.Env(nil)}
	client := servePostProcessor(t, pp)
	if err := client.Configure(map[string]interface{}{
		"git_path":              r.Dir,
		"generated_data_labels": []string{"SourceAMI"},
		"labels":                map[string]string{"ami": "{{ build `SourceAMI` }}"},
	}, packerVars(), placeholders("SourceAMI")); err != nil {
		t.Fatalf("Configure over RPC: %v", err)
	}
	ui, _ := testUI()
	source := builderArtifact()
	got, keep, force, err := client.PostProcess(context.Background(), ui, source)
	if err != nil {
		t.Fatalf("PostProcess over RPC: %v", err)
	}
	if !keep || !force {
		t.Errorf("keep=%v force=%v over RPC, want both true", keep, force)
	}

	// Read the result as Packer core does, after the call has returned.
	if got.Id() != source.Id() || got.BuilderId() != source.BuilderId() || got.String() != source.String() {
		t.Errorf("result answers %q %q %q, want the source's", got.Id(), got.BuilderId(), got.String())
	}
	images, err := decodeImages(got.State(image.ArtifactStateURI))
	if err != nil || len(images) != 2 {
		t.Fatalf("images over RPC: %v %v", images, err)
	}
	commit := r.Git("rev-parse", "HEAD")
	for _, img := range images {
		if img.Labels["git_commit"] != commit || img.Labels["ami"] != "ami-src" || img.Labels["source_ami"] != "ami-src" || img.Labels["os"] != "ubuntu" {
			t.Errorf("image %s labels over RPC: %v", img.ImageID, img.Labels)
		}
		if img.SourceImageID != "ami-src" {
			t.Errorf("image %s lost SourceImageID over RPC", img.ImageID)
		}
	}
	gd := stringKeyed(got.State("generated_data"))
	if gd["git_commit"] != commit || gd["SourceAMI"] != "ami-src" {
		t.Errorf("generated_data over RPC: %v", gd)
	}
	if source.DestroyCalled {
		t.Error("the source artifact was destroyed")
	}
}

// lazyWrapper is the mistake the Artifact avoids: it asks its source when it
// is asked, after PostProcess has returned.
type lazyWrapper struct{ packersdk.Artifact }

type lazyPostProcessor struct{}

func (lazyPostProcessor) ConfigSpec() hcldec.ObjectSpec  { return nil }
func (lazyPostProcessor) Configure(...interface{}) error { return nil }
func (lazyPostProcessor) PostProcess(_ context.Context, _ packersdk.Ui, a packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	return lazyWrapper{a}, true, true, nil
}

// This is why PostProcess reads everything before it returns: the SDK closes
// the plugin's connection to the source artifact as soon as PostProcess
// returns another artifact, and a wrapper that asks the source later gets
// nothing. If this test fails, the SDK changed.
func TestLazyWrapperLosesTheSourceOverRPC(t *testing.T) {
	client := servePostProcessor(t, lazyPostProcessor{})
	ui, _ := testUI()
	got, _, _, err := client.PostProcess(context.Background(), ui, builderArtifact())
	if err != nil {
		t.Fatal(err)
	}
	if id, state := got.Id(), got.State(image.ArtifactStateURI); id != "" || state != nil {
		t.Skipf("the SDK now keeps the source open (Id %q, State %v): reading eagerly is no longer required", id, state)
	}
}
