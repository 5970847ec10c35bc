package node

import (
	"os"
	"testing"

	"github.com/maelstrom-gossip/node/codec"
)

// TestMain compiles sonic's decoders before the tests run, so that the lines
// that are not plain take sonic's path, as in a node that has seen many of
// them (codec.Warm).
//
// The child process of TestRun_WarmsUpUnderFlood is left uncompiled.
//
// The temporary folder, where nodes with peers keep their run logs
// (Config.RunLog, on in DefaultConfig), is one of the test binary's own.
func TestMain(m *testing.M) {
	if os.Getenv(warmChildEnv) == "" {
		codec.Pretouch()
	}
	tmp, err := os.MkdirTemp("", "node-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMPDIR", tmp)
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}
