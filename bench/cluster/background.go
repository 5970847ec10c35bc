package cluster

import (
	"fmt"
	"os/exec"
	"sync"
)

// maxBackgroundLoad bounds Options.BackgroundLoad.
const maxBackgroundLoad = 256

// busyLoop is the command each background load process runs: a shell loop
// of builtins, all user CPU, that never exits by itself.
var busyLoop = []string{"/bin/sh", "-c", "while :; do :; done"}

// backgroundLoad is the set of busy-looping processes of
// Options.BackgroundLoad. stop is safe to call more than once, but the
// set MUST NOT be used from concurrently running goroutines.
type backgroundLoad struct {
	cmds []*exec.Cmd
	once sync.Once
	cpu  float64
}

// startBackgroundLoad starts n busy loops at the bench's own priority. On
// failure it stops those it started.
func startBackgroundLoad(n int) (*backgroundLoad, error) {
	b := &backgroundLoad{}
	for i := range n {
		cmd := exec.Command(busyLoop[0], busyLoop[1:]...)
		cmd.SysProcAttr = backgroundAttr()
		if err := cmd.Start(); err != nil {
			b.stop()
			return nil, fmt.Errorf("start busy loop %d of %d: %w", i+1, n, err)
		}
		b.cmds = append(b.cmds, cmd)
	}
	return b, nil
}

// stop kills every busy loop (SIGKILL), reaps it and returns the CPU time,
// in seconds, that they used in all; later calls return the same figure.
func (b *backgroundLoad) stop() float64 {
	b.once.Do(func() {
		for _, cmd := range b.cmds {
			cmd.Process.Kill()
		}
		for _, cmd := range b.cmds {
			cmd.Wait()
			if ps := cmd.ProcessState; ps != nil {
				b.cpu += (ps.UserTime() + ps.SystemTime()).Seconds()
			}
		}
	})
	return b.cpu
}
