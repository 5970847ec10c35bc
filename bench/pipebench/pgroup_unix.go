//go:build unix

package pipebench

import (
	"os/exec"
	"syscall"
)

// killGroup makes cmd start in a process group of its own and makes its
// cancellation (the timeout) kill the whole group, so that a binary that is
// a script cannot leave a child holding the pipes open after the timeout.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
