package pipebench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Run is one run of a binary: a whole stream (reads, sync), one block of
// round trips (roundtrip) or one start (startup).
type Run struct {
	// Wall is the run's time: from the first byte written to the exit
	// (reads, sync), the block's total of round trips (roundtrip), or from
	// the spawn to the init_ok line (startup).
	Wall time.Duration `json:"wall_ns"`
	// P50, P90 and P99 are the percentiles of a block's round trips.
	P50 time.Duration `json:"p50_ns,omitempty"`
	P90 time.Duration `json:"p90_ns,omitempty"`
	P99 time.Duration `json:"p99_ns,omitempty"`
	// InBytes and OutBytes are the bytes written to the process and read
	// from it, OutLines the lines read.
	InBytes  int64 `json:"in_bytes"`
	OutBytes int64 `json:"out_bytes"`
	OutLines int   `json:"out_lines"`
	// PeakRSS is the process's peak resident set in bytes (0: unknown),
	// PeakFrom where it came from (PeakProc or PeakRusage).
	PeakRSS  int64  `json:"peak_rss_bytes"`
	PeakFrom string `json:"peak_from,omitempty"`
	// RusageMaxRSS is the waited child's Maxrss in bytes, kept for
	// comparison: it is at least the tool's own peak (see the package doc).
	RusageMaxRSS int64 `json:"rusage_maxrss_bytes,omitempty"`
	// CPU is the process's user plus system time.
	CPU time.Duration `json:"cpu_ns"`
}

// metric is the figure a case compares: the p50 for round trips, else the
// wall time.
func (r Run) metric(kase string) time.Duration {
	if kase == CaseRoundTrip {
		return r.P50
	}
	return r.Wall
}

// Series is the runs of one binary in a case.
type Series struct {
	Binary Binary `json:"binary"`
	// Floor marks the floor (cat), which the ratios divide by.
	Floor bool `json:"floor,omitempty"`
	// Warmup is the untimed first run.
	Warmup *Run `json:"warmup,omitempty"`
	// Runs are the timed runs, in the order they were made; run i of
	// every series belongs to the same round of the alternation.
	Runs []Run `json:"runs"`
}

// Summary condenses a series.
type Summary struct {
	Name string `json:"name"`
	// Median, Min and Max are of the case's figure: the wall time, or
	// for roundtrip each block's p50.
	Median time.Duration `json:"median_ns"`
	Min    time.Duration `json:"min_ns"`
	Max    time.Duration `json:"max_ns"`
	// P50, P90 and P99 are, for roundtrip, the medians over the blocks
	// of each block's percentile.
	P50 time.Duration `json:"p50_ns,omitempty"`
	P90 time.Duration `json:"p90_ns,omitempty"`
	P99 time.Duration `json:"p99_ns,omitempty"`
	// RatioPairs is the median of the per-round ratios to the floor, and
	// RatioMedians the ratio of the medians; both 0 for the floor itself.
	RatioPairs   float64 `json:"ratio_to_floor_pairs,omitempty"`
	RatioMedians float64 `json:"ratio_to_floor_medians,omitempty"`
	// PeakMedian and PeakMax are of the runs' peak RSS, in bytes.
	PeakMedian int64         `json:"peak_rss_median_bytes"`
	PeakMax    int64         `json:"peak_rss_max_bytes"`
	CPUMedian  time.Duration `json:"cpu_median_ns"`
	OutMedian  int64         `json:"out_bytes_median"`
}

// Result is the outcome of one case.
type Result struct {
	Case string `json:"case"`
	// Params are the case's sizes (n, reads, trips, ...).
	Params map[string]int `json:"params"`
	// Notes describe the inputs and the floor, one line each.
	Notes   []string  `json:"notes,omitempty"`
	Series  []Series  `json:"series"`
	Summary []Summary `json:"summary"`
}

// summarize fills r.Summary from r.Series.
func (r *Result) summarize() {
	var floor []time.Duration
	for _, s := range r.Series {
		if s.Floor {
			floor = r.figures(s)
		}
	}
	r.Summary = r.Summary[:0]
	for _, s := range r.Series {
		fig := r.figures(s)
		var peaks, outs []int64
		var cpus, p50s, p90s, p99s []time.Duration
		for _, run := range s.Runs {
			peaks = append(peaks, run.PeakRSS)
			outs = append(outs, run.OutBytes)
			cpus = append(cpus, run.CPU)
			p50s, p90s, p99s = append(p50s, run.P50), append(p90s, run.P90), append(p99s, run.P99)
		}
		sum := Summary{Name: s.Binary.Name, Median: Median(fig), Min: Percentile(fig, 0), Max: Percentile(fig, 100),
			PeakMedian: Median(peaks), PeakMax: Percentile(peaks, 100), CPUMedian: Median(cpus), OutMedian: Median(outs)}
		if r.Case == CaseRoundTrip {
			sum.P50, sum.P90, sum.P99 = Median(p50s), Median(p90s), Median(p99s)
		}
		if !s.Floor && len(floor) > 0 {
			sum.RatioPairs = Median(Ratios(fig, floor))
			sum.RatioMedians = Ratio(sum.Median, Median(floor))
		}
		r.Summary = append(r.Summary, sum)
	}
}

// figures returns the case's figure of each run of s.
func (r *Result) figures(s Series) []time.Duration {
	f := make([]time.Duration, len(s.Runs))
	for i, run := range s.Runs {
		f[i] = run.metric(r.Case)
	}
	return f
}

// WriteTable writes the case as a markdown table, with its notes above.
func (r *Result) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s (%s)\n\n", r.Case, r.paramText())
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "%s\n", n)
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	floor := "cat"
	for _, s := range r.Series {
		if s.Floor {
			floor = s.Binary.Name
		}
	}
	var head []string
	switch r.Case {
	case CaseRoundTrip:
		head = []string{"binary", "p50", "p90", "p99", "every block's p50", "p50 ×" + floor + " (pairs)", "p50 ×" + floor + " (medians)", "peak RSS med", "peak RSS max"}
	case CaseStartup:
		head = []string{"binary", "median", "min", "max", "every run", "×" + floor + " (pairs)", "×" + floor + " (medians)", "peak RSS med", "peak RSS max"}
	default:
		head = []string{"binary", "median wall", "every run", "×" + floor + " (pairs)", "×" + floor + " (medians)", "peak RSS med", "peak RSS max", "CPU med", "out"}
	}
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for i, s := range r.Series {
		sum := r.Summary[i]
		var every []string
		for _, f := range r.figures(s) {
			every = append(every, FormatDuration(f))
		}
		ratioP, ratioM := "-", "-"
		if !s.Floor {
			ratioP, ratioM = fmt.Sprintf("%.2f", sum.RatioPairs), fmt.Sprintf("%.2f", sum.RatioMedians)
		}
		var row []string
		switch r.Case {
		case CaseRoundTrip:
			row = []string{sum.Name, FormatDuration(sum.P50), FormatDuration(sum.P90), FormatDuration(sum.P99),
				strings.Join(every, " "), ratioP, ratioM, FormatBytes(sum.PeakMedian), FormatBytes(sum.PeakMax)}
		case CaseStartup:
			row = []string{sum.Name, FormatDuration(sum.Median), FormatDuration(sum.Min), FormatDuration(sum.Max),
				strings.Join(every, " "), ratioP, ratioM, FormatBytes(sum.PeakMedian), FormatBytes(sum.PeakMax)}
		default:
			row = []string{sum.Name, FormatDuration(sum.Median), strings.Join(every, " "), ratioP, ratioM,
				FormatBytes(sum.PeakMedian), FormatBytes(sum.PeakMax), FormatDuration(sum.CPUMedian), FormatSize(sum.OutMedian)}
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// paramText lists the params in a fixed order.
func (r *Result) paramText() string {
	var parts []string
	for _, k := range []string{"n", "reads", "trips", "set_max", "runs"} {
		if v, ok := r.Params[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

// FormatDuration prints d with three significant digits in s, ms or µs.
func FormatDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d >= 100*time.Microsecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	default:
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	}
}

// FormatSize prints a size of data in decimal units: MB from 1 MB, else kB.
func FormatSize(n int64) string {
	if n >= 1e6 {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1e3)
}

// FormatBytes prints a size in MiB, or "?" for 0 (unknown).
func FormatBytes(n int64) string {
	if n == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
