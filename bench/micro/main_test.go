package micro_test

import (
	"os"
	"testing"

	"github.com/maelstrom-gossip/node/codec"
)

// TestMain compiles sonic's decoders before the benchmarks run, as a node
// does in its first milliseconds, so that no benchmark times the
// encoding/json path a node takes before.
func TestMain(m *testing.M) {
	codec.Pretouch()
	os.Exit(m.Run())
}
