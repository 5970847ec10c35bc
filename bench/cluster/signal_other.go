//go:build !unix

package cluster

import (
	"errors"
	"os"
)

// canPause says whether the pause nemesis can run here: without SIGSTOP it
// cannot.
const canPause = false

func pauseProcess(*os.Process) error  { return errors.ErrUnsupported }
func resumeProcess(*os.Process) error { return errors.ErrUnsupported }
