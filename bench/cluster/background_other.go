//go:build !unix

package cluster

import "syscall"

// canBackgroundLoad says whether Options.BackgroundLoad can run here: it
// needs /bin/sh.
const canBackgroundLoad = false

// backgroundAttr is never used on this platform.
func backgroundAttr() *syscall.SysProcAttr { return nil }
