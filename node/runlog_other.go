//go:build !linux

package node

import "os"

// appendFile appends b to f, a regular file opened with O_APPEND.
func appendFile(f *os.File, b []byte) error {
	_, err := f.Write(b)
	return err
}
