package tradeoff

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// schedWarnMs is the bench scheduling error (p99) above which the notes
// warn that latencies are less accurate.
const schedWarnMs = 10

// Markdown renders the sweep as a markdown table, one row per variant,
// followed by notes (setting, goal, runs that were not valid or did not run)
// and the command that reproduces it. With perRun, a second table gives
// every run's figures, each variant's runs followed by a row of their
// medians when it has more than one (the "ten seeds" table of one variant
// run with -runs 10).
func (r *Result) Markdown(perRun bool) string {
	var b strings.Builder
	rows := [][]string{{"variant", "settings", "msgs/op", "median ms", "max ms", "valid", "lost", "goal"}}
	for i := range r.Variants {
		s := &r.Variants[i]
		msgs, med, mx, goal := "-", "-", "-", "-"
		if s.Ran > 0 {
			msgs = fmt.Sprintf("%.2f", s.MsgsPerOp)
			goal = "no"
			if s.MeetsGoal(r.Goal) {
				goal = "yes"
			}
		}
		if s.LatencyRuns > 0 {
			med, mx = fmtMs(s.MedianMs), fmtMs(s.MaxMs)
		}
		rows = append(rows, []string{s.Name, codeSpan(s.Settings()), msgs, med, mx,
			fmt.Sprintf("%d/%d", s.ValidRuns, len(s.Runs)), strconv.Itoa(s.LostTotal), goal})
	}
	writeTable(&b, rows, []bool{false, false, true, true, true, true, true, false})

	c := r.Config
	b.WriteString("\n")
	fmt.Fprintf(&b, "Medians over %s per variant (%s, the same for every variant): %d nodes, %s topology, %s ms constant latency, %s req/s, %s s workload, %s s recovery.\n",
		plural(c.Runs, "run"), seedRange(c.Seeds), c.NodeCount, c.Topology, fmtNum(c.Latency), fmtNum(c.Rate), fmtNum(c.TimeLimit), fmtNum(c.Recovery))
	fmt.Fprintf(&b, "Goal: msgs/op <= %s, median <= %s ms, max <= %s ms, every run valid.\n",
		fmtNum(r.Goal.MsgsPerOp), fmtNum(r.Goal.MedianMs), fmtNum(r.Goal.MaxMs))
	if r.Sweep == SweepJitter {
		b.WriteString("Jitter sweep: every server message also waits an extra delay drawn uniformly from [0, jitter], per message, on top of the constant latency; the seeds give the same workload at every level.\n")
	}
	if r.Interrupted {
		b.WriteString("The sweep was interrupted: the figures cover the runs that completed.\n")
	}
	if len(c.ClearedEnv) > 0 {
		fmt.Fprintf(&b, "Blanked for the nodes (set in the bench's environment): %s.\n", strings.Join(c.ClearedEnv, ", "))
	}
	var notes []string
	slow := 0
	for _, s := range r.Variants {
		for _, run := range s.Runs {
			switch {
			case !run.Ran:
				notes = append(notes, fmt.Sprintf("%s, seed %d: did not run: %s", s.Name, run.Seed, run.Error))
			case !run.Valid:
				notes = append(notes, fmt.Sprintf("%s, seed %d: not valid: %s", s.Name, run.Seed, strings.Join(run.Reasons, "; ")))
			case run.Error != "":
				notes = append(notes, fmt.Sprintf("%s, seed %d: %s", s.Name, run.Seed, run.Error))
			}
			if run.Ran && run.SchedP99Ms > schedWarnMs {
				slow++
			}
		}
	}
	if slow > 0 {
		fmt.Fprintf(&b, "Warning: in %s the bench's p99 scheduling error exceeded %d ms (machine too busy): latencies there are less accurate.\n", plural(slow, "run"), schedWarnMs)
	}
	if len(notes) > 0 {
		b.WriteString("\nRuns that were not valid or did not run:\n\n")
		for _, n := range notes {
			b.WriteString("- " + n + "\n")
		}
	}

	if perRun {
		b.WriteString("\nPer run:\n\n")
		rows := [][]string{{"variant", "seed", "msgs/op", "median ms", "p99 ms", "max ms", "valid", "lost", "ops", "CPU µs/op", "sched p99 ms", "elapsed s"}}
		medians := false
		for _, s := range r.Variants {
			for _, run := range s.Runs {
				if !run.Ran {
					rows = append(rows, []string{s.Name, strconv.FormatInt(run.Seed, 10), "-", "-", "-", "-", "did not run", "-", "-", "-", "-", fmt.Sprintf("%.1f", run.Elapsed)})
					continue
				}
				med, p99, mx := "-", "-", "-"
				if run.hasLatency() {
					med, p99, mx = fmtMs(run.MedianMs), fmtMs(run.P99Ms), fmtMs(run.MaxMs)
				}
				valid := "yes"
				if !run.Valid {
					valid = "no"
				}
				rows = append(rows, []string{s.Name, strconv.FormatInt(run.Seed, 10), fmt.Sprintf("%.2f", run.MsgsPerOp),
					med, p99, mx, valid, strconv.Itoa(run.LostCount), strconv.Itoa(run.Ops), fmt.Sprintf("%.0f", run.NodeCPUPerOp),
					fmt.Sprintf("%.2f", run.SchedP99Ms), fmt.Sprintf("%.1f", run.Elapsed)})
			}
			if len(s.Runs) > 1 && s.Ran > 0 {
				medians = true
				med, p99, mx := "-", "-", "-"
				if s.LatencyRuns > 0 {
					med, p99, mx = fmtMs(s.MedianMs), fmtMs(s.P99Ms), fmtMs(s.MaxMs)
				}
				rows = append(rows, []string{"median", runSeeds(s.Runs), fmt.Sprintf("%.2f", s.MsgsPerOp), med, p99, mx,
					fmt.Sprintf("%d/%d", s.ValidRuns, len(s.Runs)), strconv.Itoa(s.LostTotal), "", fmt.Sprintf("%.0f", s.NodeCPUPerOp), "", ""})
			}
		}
		writeTable(&b, rows, []bool{false, true, true, true, true, true, false, true, true, true, true, true})
		if medians {
			b.WriteString("\nA median row, after a variant's runs, gives the medians over them, the valid runs out of all, and the values lost in all. CPU µs/op is the node processes' CPU time per client operation.\n")
		}
	}

	if r.Command != "" {
		b.WriteString("\nReproduce with:\n\n```sh\n" + r.Command + "\n```\n")
	}
	return b.String()
}

// writeTable writes a markdown table with padded columns; right marks the
// columns aligned right. The first row is the header.
func writeTable(b *strings.Builder, rows [][]string, right []bool) {
	width := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			width[i] = max(width[i], utf8.RuneCountInString(escapeCell(cell)), 3)
		}
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i, cell := range cells {
			cell = escapeCell(cell)
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if right[i] {
				b.WriteString(" " + pad + cell + " |")
			} else {
				b.WriteString(" " + cell + pad + " |")
			}
		}
		b.WriteString("\n")
	}
	line(rows[0])
	b.WriteString("|")
	for i, w := range width {
		if right[i] {
			b.WriteString(" " + strings.Repeat("-", w-1) + ": |")
		} else {
			b.WriteString(" " + strings.Repeat("-", w) + " |")
		}
	}
	b.WriteString("\n")
	for _, row := range rows[1:] {
		line(row)
	}
}

// escapeCell keeps a cell from ending early.
func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// codeSpan renders s as inline code, unless it holds a backquote.
func codeSpan(s string) string {
	if s == "defaults" || strings.Contains(s, "`") {
		return s
	}
	return "`" + s + "`"
}

// fmtMs prints a latency: whole milliseconds, or one decimal for a median
// of an even number of runs.
func fmtMs(ms float64) string {
	if ms == math.Trunc(ms) {
		return strconv.FormatFloat(ms, 'f', 0, 64)
	}
	return strconv.FormatFloat(ms, 'f', 1, 64)
}

// fmtNum prints a setting with no trailing zeros.
func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// runSeeds writes the seeds of runs as a range (1-10), or a list when they
// are not consecutive.
func runSeeds(runs []RunResult) string {
	seeds := make([]int64, len(runs))
	consecutive := true
	for i, r := range runs {
		seeds[i] = r.Seed
		consecutive = consecutive && (i == 0 || r.Seed == seeds[i-1]+1)
	}
	if consecutive && len(seeds) > 1 {
		return fmt.Sprintf("%d-%d", seeds[0], seeds[len(seeds)-1])
	}
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = strconv.FormatInt(s, 10)
	}
	return strings.Join(parts, " ")
}

func seedRange(seeds []int64) string {
	switch len(seeds) {
	case 0:
		return "no bench seed"
	case 1:
		return "bench seed " + strconv.FormatInt(seeds[0], 10)
	}
	return fmt.Sprintf("bench seeds %d-%d", seeds[0], seeds[len(seeds)-1])
}

// WriteJSON writes the result as indented JSON to path.
func (r *Result) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteFiles writes table.md (with the per-run table), the plot
// (tradeoff.png, or jitter.png for a jitter sweep) and results.json into
// dir, and lists them in r.Files.
func (r *Result) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var errs []error
	r.Files = nil
	if err := os.WriteFile(filepath.Join(dir, "table.md"), []byte(r.Markdown(true)), 0o644); err != nil {
		errs = append(errs, err)
	} else {
		r.Files = append(r.Files, "table.md")
	}
	if err := r.WritePlot(filepath.Join(dir, r.PlotName())); err != nil {
		errs = append(errs, fmt.Errorf("plot: %w", err))
	} else {
		r.Files = append(r.Files, r.PlotName())
	}
	r.Files = append(r.Files, "results.json")
	if r.hasRunDirs() {
		r.Files = append(r.Files, "runs"+string(filepath.Separator))
	}
	if err := r.WriteJSON(filepath.Join(dir, "results.json")); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// PlotName is the file name WriteFiles gives the plot: jitter.png for a
// jitter sweep, tradeoff.png otherwise.
func (r *Result) PlotName() string {
	if r.Sweep == SweepJitter {
		return "jitter.png"
	}
	return "tradeoff.png"
}

func (r *Result) hasRunDirs() bool {
	for _, s := range r.Variants {
		for _, run := range s.Runs {
			if run.Dir != "" {
				return true
			}
		}
	}
	return false
}
