//go:build !unix

package node

import (
	"errors"
	"os"
)

// mapFile reports that files are not mapped here: run files are written
// with write(2).
func mapFile(f *os.File, off int64, size int) ([]byte, error) {
	return nil, errors.New("no shared mappings on this platform")
}

func unmapFile(m []byte) {}
