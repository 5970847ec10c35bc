package procmem

import (
	"errors"
	"math"
	"os"
	"testing"
)

func TestFit(t *testing.T) {
	// RSS climbs 8 MiB over X in [0, 5), then follows 30 MiB + 0.25 MiB per
	// unit, with a 1 MiB blip at X = 15.
	var points []Point
	for i := range 201 {
		x := float64(i) / 10
		mib := 22 + 8*min(x/5, 1)
		if x >= 5 {
			mib = 30 + 0.25*(x-5)
		}
		rss := int64(mib * MiB)
		if i == 150 {
			rss += MiB
		}
		points = append(points, Point{X: x, RSS: rss})
	}
	tr, err := Fit(points, 10)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Samples != 101 || tr.StartRSS != int64(31.25*MiB) || tr.MinRSS != tr.StartRSS || tr.MaxRSS != int64(33.75*MiB) {
		t.Fatalf("%+v", tr)
	}
	if tr.Spread != tr.MaxRSS-tr.MinRSS {
		t.Fatalf("spread %d", tr.Spread)
	}
	// The blip at the window's midpoint does not tilt the fit.
	if math.Abs(tr.Slope-0.25) > 1e-6 {
		t.Fatalf("slope %v, want 0.25", tr.Slope)
	}
	if got := tr.Intercept + tr.Slope*15; math.Abs(got-(32.5+1.0/101)) > 1e-5 {
		t.Fatalf("fit at 15: %v MiB", got)
	}

	flat := []Point{{X: 10, RSS: 5 * MiB}, {X: 20, RSS: 5 * MiB}}
	if tr, err := Fit(flat, 0); err != nil || tr.Slope != 0 || tr.Spread != 0 || tr.Intercept != 5 {
		t.Fatalf("flat: %+v %v", tr, err)
	}
	for _, w := range [][]Point{nil, flat[:1], {{X: 10}, {X: 10}}} {
		if _, err := Fit(w, 0); !errors.Is(err, ErrFewSamples) {
			t.Fatalf("Fit(%v) = %v, want ErrFewSamples", w, err)
		}
	}
	if _, err := Fit(points, 30); !errors.Is(err, ErrFewSamples) {
		t.Fatalf("window past the end: %v", err)
	}
}

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tnode\nVmPeak:\t 1270000 kB\nVmHWM:\t   34816 kB\nVmRSS:\t   31104 kB\nThreads:\t7\n")
	if v, ok := statusKB(status, "VmRSS:"); !ok || v != 31104<<10 {
		t.Fatalf("VmRSS %d %v", v, ok)
	}
	if v, ok := statusKB(status, "VmHWM:"); !ok || v != 34816<<10 {
		t.Fatalf("VmHWM %d %v", v, ok)
	}
	if _, ok := statusKB(status, "VmSwap:"); ok {
		t.Fatal("VmSwap found")
	}
	if _, ok := statusKB([]byte("VmRSS:\t lots kB\n"), "VmRSS:"); ok {
		t.Fatal("non-number accepted")
	}
}

func TestRead(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	u, ok := Read(os.Getpid())
	if !ok || u.RSS <= 0 || u.HWM < u.RSS {
		t.Fatalf("Read(self) = %+v, %v", u, ok)
	}
	if _, ok := Read(-1); ok {
		t.Fatal("Read(-1) succeeded")
	}
}
