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
func TestMain(m *testing.M) {
	if os.Getenv(warmChildEnv) == "" {
		codec.Pretouch()
	}
	os.Exit(m.Run())
}
