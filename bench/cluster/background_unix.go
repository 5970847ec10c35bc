//go:build unix && !linux

package cluster

import "syscall"

// canBackgroundLoad says whether Options.BackgroundLoad can run here.
const canBackgroundLoad = true

// backgroundAttr puts a busy loop in a process group of its own, so that a
// terminal's Ctrl-C reaches only the bench, which then kills the loops.
// There is no parent-death signal here: a bench killed with SIGKILL leaves
// them running.
func backgroundAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
