//go:build !linux

package cluster

import "os/exec"

// prepareNice does nothing on this platform.
func prepareNice(cmd *exec.Cmd) {}

// lowerPriority does nothing on this platform: nodes run at the bench's
// priority.
func lowerPriority(cmd *exec.Cmd, nice int) error { return nil }
