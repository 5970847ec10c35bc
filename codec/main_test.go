package codec

import (
	"os"
	"testing"
)

// TestMain compiles sonic's decoders before the tests run, so that the
// general path is sonic's in every test; TestDecoder_WarmUp covers the
// encoding/json path it takes before.
func TestMain(m *testing.M) {
	Pretouch()
	os.Exit(m.Run())
}
