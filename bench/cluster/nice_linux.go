//go:build linux

package cluster

import (
	"os/exec"
	"syscall"
)

// prepareNice puts the node in a process group of its own, so that a
// terminal's Ctrl-C reaches only the bench (which then stops the nodes), and
// so that lowerPriority can renice every thread of the node at once.
func prepareNice(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// lowerPriority raises the niceness of every thread of the started node.
// Linux applies a process's niceness per thread; setting it on the process
// group reaches the threads that exist now, and later threads inherit it.
func lowerPriority(cmd *exec.Cmd, nice int) error {
	if nice <= 0 {
		return nil
	}
	return syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, nice)
}
