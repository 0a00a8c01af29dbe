package outputfile

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// writerEnv makes the test binary act as one writer process: its value is
// "path|process number|number of entries to write".
const writerEnv = "ENRICH_TEST_OUTPUT_WRITER"

// TestMain runs the writer processes of TestWriteOutputConcurrentProcesses
// and TestWriteOutputOtherUsersLeftovers, the writer behind a bind mount of
// TestOutputFileCases, and otherwise the tests.
func TestMain(m *testing.M) {
	if spec := os.Getenv(bindMountEnv); spec != "" {
		os.Exit(bindMountChild(spec))
	}
	if spec := os.Getenv(writerEnv); spec != "" {
		parts := strings.Split(spec, "|")
		proc, _ := strconv.Atoi(parts[1])
		each, _ := strconv.Atoi(parts[2])
		for i := 0; i < each; i++ {
			name := fmt.Sprintf("proc-%d-build-%d", proc, i)
			if _, err := writeEntry(context.Background(), parts[0], entry(name, name), nil); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
