package gossip

import (
	"slices"
	"testing"
)

func TestLog(t *testing.T) {
	var l Log
	l.Append(10, FromClient)
	l.Append(20, 1)
	l.Append(30, 2)
	if l.Len() != 3 || l.Base() != 0 {
		t.Fatalf("Len %d Base %d", l.Len(), l.Base())
	}
	if got, ok := l.AppendFrom(nil, 0, 1, 0); !ok || !slices.Equal(got, []int64{10, 30}) {
		t.Fatalf("AppendFrom(0, peer 1) = %v, %v", got, ok)
	}
	if l.Missing(1, 1, 0) != true || l.Missing(2, 2, 0) != false || l.Missing(3, 0, 0) != false || l.Missing(2, 2, 3) != true {
		t.Fatal("Missing")
	}
	l.Trim(2)
	if l.Base() != 2 || l.Len() != 3 {
		t.Fatalf("after Trim(2): Base %d Len %d", l.Base(), l.Len())
	}
	if _, ok := l.AppendFrom(nil, 1, 5, 0); ok {
		t.Fatal("AppendFrom before Base must ask for the whole set")
	}
	if !l.Missing(1, 2, 0) {
		t.Fatal("Missing before Base must be true")
	}
	l.Skip(5)
	if l.Base() != 8 || l.Len() != 8 {
		t.Fatalf("after Skip(5): Base %d Len %d", l.Base(), l.Len())
	}
	l.Append(40, 0)
	if got, ok := l.AppendFrom(nil, 8, 3, 0); !ok || !slices.Equal(got, []int64{40}) {
		t.Fatalf("AppendFrom after Skip = %v, %v", got, ok)
	}
}

func TestLog_Bounded(t *testing.T) {
	var l Log
	for i := range MaxLogEntries + 10 {
		l.Append(int64(i), FromClient)
	}
	if l.Len() != MaxLogEntries+10 || len(l.vals) > MaxLogEntries {
		t.Fatalf("Len %d, %d entries kept", l.Len(), len(l.vals))
	}
	got, ok := l.AppendFrom(nil, l.Len()-2, 7, 0)
	if !ok || !slices.Equal(got, []int64{MaxLogEntries + 8, MaxLogEntries + 9}) {
		t.Fatalf("newest entries %v, %v", got, ok)
	}
}

// TestPeers_AckedUpTo: an acknowledgement vouches for every send up to it,
// lost ones included, because each send carries all the peer lacked.
func TestPeers_AckedUpTo(t *testing.T) {
	p, err := NewPeers("n0", []string{"n0", "n1"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	p.Sent(0, 5, 10, 0)
	p.Sent(0, 9, 14, 0)
	p.Sent(0, 12, 20, 0)
	p.AckedUpTo(0, 9)
	if p.Held(0) != 14 {
		t.Fatalf("Held = %d after ack 9, want 14", p.Held(0))
	}
	p.AckedUpTo(0, 3) // stale
	if p.Held(0) != 14 {
		t.Fatalf("Held = %d after a stale ack", p.Held(0))
	}
	p.AckedUpTo(0, 12)
	if p.Held(0) != 20 {
		t.Fatalf("Held = %d after ack 12, want 20", p.Held(0))
	}
	p.Forget(0, 0)
	if p.Held(0) != 0 {
		t.Fatal("Forget kept what the peer held")
	}
}

// TestPlan_PhasedPushTime: with the hub's flushes arriving lag after each
// grid point, a push aims to reach the hub phaseMargin before the next one.
func TestPlan_PhasedPushTime(t *testing.T) {
	p, _ := NewPeers("n1", []string{"n0", "n1"}, 1)
	var l Log
	const b, lag = int64(200e6), int64(30e6)
	pl := NewPlan(p, &l, Settings{Star: true, Batch: 200e6, Phase: true}, 0, 1)
	base := int64(1000) * b
	for k := range int64(8) {
		pl.Received(0, k, true, false, 0, base+k*b+lag+k%3*1e6) // up to 2 ms late
	}
	if pl.lag < lag || pl.lag > lag+2e6 {
		t.Fatalf("lag %d, want about %d", pl.lag, lag)
	}
	now := base + 20*b + 50e6
	at := pl.pushTime(now)
	if arrive := at + lag; arrive > now-now%b+b-int64(phaseMargin)+2e6 || at < now {
		t.Fatalf("push at %d arrives %d ns before the flush", at, now-now%b+b-(at+lag))
	}
	// Samples that straddle the wrap (arrivals just before a grid point)
	// still give one estimate.
	pl2 := NewPlan(p, &l, Settings{Star: true, Batch: 200e6, Phase: true}, 0, 1)
	for k := range int64(8) {
		pl2.Received(0, k, true, false, 0, base+k*b-1e6+k%3*1e6) // -1, 0, +1 ms around the grid
	}
	if d := wrap(pl2.lag, b); d < -1e6 || d > 1e6 {
		t.Fatalf("lag across the wrap %d", d)
	}
}
