//go:build unix

package cluster

import (
	"os"
	"syscall"
)

// canPause says whether the pause nemesis can run here.
const canPause = true

// pauseProcess stops p (SIGSTOP); resumeProcess lets it run on (SIGCONT).
func pauseProcess(p *os.Process) error  { return p.Signal(syscall.SIGSTOP) }
func resumeProcess(p *os.Process) error { return p.Signal(syscall.SIGCONT) }
