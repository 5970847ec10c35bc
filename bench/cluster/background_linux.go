//go:build linux

package cluster

import "syscall"

// canBackgroundLoad says whether Options.BackgroundLoad can run here.
const canBackgroundLoad = true

// backgroundAttr puts a busy loop in a process group of its own (a
// terminal's Ctrl-C reaches only the bench, which then kills the loops) and
// has the kernel kill it should the bench die without doing so: the
// parent-death signal, which Linux sends when the thread that started the
// loop exits. Go's runtime ends a thread only when a goroutine locked to it
// exits, and the bench locks none.
func backgroundAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
