package cluster

import (
	"fmt"
	"time"
)

// startProgress draws the one-line progress display until the returned
// function is called. In place, it redraws four times a second with a
// carriage return; otherwise it writes a line every five seconds.
func (c *Cluster) startProgress() (stop func()) {
	every := 5 * time.Second
	if c.opts.ProgressInPlace {
		every = 250 * time.Millisecond
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(every)
		defer t.Stop()
		lastSent, lastAt := c.r.stats.serverSent.Load(), c.clk.now()
		for {
			select {
			case <-t.C:
			case <-done:
				if c.opts.ProgressInPlace {
					fmt.Fprint(c.opts.Progress, "\r\033[K")
				}
				return
			}
			now := c.clk.now()
			sent := c.r.stats.serverSent.Load()
			rate := float64(sent-lastSent) / (float64(now-lastAt) / 1e9)
			lastSent, lastAt = sent, now
			line := c.progressLine(now, rate)
			if c.opts.ProgressInPlace {
				fmt.Fprint(c.opts.Progress, "\r\033[K"+line)
			} else {
				fmt.Fprintln(c.opts.Progress, line)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressWidth keeps the line within a standard terminal, so that the
// carriage return redraws it in place.
const progressWidth = 79

func (c *Cluster) progressLine(now int64, rate float64) string {
	phase := "?"
	if p := c.phase.Load(); p != nil {
		phase = *p
	}
	el := float64(now-c.t0.Load()) / 1e9
	clock := fmt.Sprintf("%s %.1fs", phase, el)
	if end := c.phaseEnd.Load(); end > 0 && phase == "workload" {
		clock = fmt.Sprintf("%.1f/%.0fs", el, c.opts.TimeLimit.Seconds())
	} else if end > 0 {
		clock = fmt.Sprintf("%s %.1fs left", phase, float64(end-now)/1e9)
	}
	c.hist.mu.Lock()
	cnt := c.hist.counts
	c.hist.mu.Unlock()
	ops := cnt[Broadcast][Invoke] + cnt[Read][Invoke]
	bad := cnt[Broadcast][Info] + cnt[Broadcast][Fail] + cnt[Read][Info] + cnt[Read][Fail]
	cut := "whole"
	if d := c.cutDesc.Load(); d != nil {
		cut = *d
	}
	if d := c.faultDesc.Load(); d != nil {
		cut += " | " + *d
	}
	line := fmt.Sprintf("[%s] ops %d (%d not ok) | %.0f srv msg/s | lost: ? | net: %s", clock, ops, bad, rate, cut)
	if len(line) > progressWidth {
		line = line[:progressWidth-3] + "..."
	}
	return line
}
