package postprocessor

import (
	"encoding/json"
	"os"
	"testing"
)

// readOutput reads the entries of the output file at path.
func readOutput(t *testing.T, path string) map[string]OutputBuild {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Builds map[string]OutputBuild `json:"builds"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not valid JSON: %v\n%s", path, err, data)
	}
	return doc.Builds
}

func TestOutputBuildKey(t *testing.T) {
	cases := []struct {
		e    OutputBuild
		want string
	}{
		{OutputBuild{Name: "ubuntu", BuilderType: "amazon-ebs"}, "amazon-ebs.ubuntu"},
		{OutputBuild{Name: "ubuntu", BuilderType: "file"}, "file.ubuntu"},
		{OutputBuild{Name: "null", BuilderType: "null"}, "null"},
		{OutputBuild{Name: "web"}, "web"},
		{OutputBuild{}, "build"},
	}
	for _, tc := range cases {
		if got := tc.e.Key(); got != tc.want {
			t.Errorf("%+v.Key() = %q, want %q", tc.e, got, tc.want)
		}
	}
}
