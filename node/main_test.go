package node

import (
	"os"
	"testing"

	"github.com/maelstrom-gossip/node/codec"
)

// TestMain compiles sonic's decoders before the tests run, as a node does in
// its first milliseconds (codec.Warm), so that every test decodes the way a
// running node does.
//
// The child process of TestRun_WarmsUpUnderFlood is left uncompiled.
func TestMain(m *testing.M) {
	if os.Getenv(warmChildEnv) == "" {
		codec.Pretouch()
	}
	os.Exit(m.Run())
}
