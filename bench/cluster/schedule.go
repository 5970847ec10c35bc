package cluster

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxRatePhases bounds the length of a rate schedule.
const maxRatePhases = 1000

// RatePhase is one phase of Options.RateSchedule: Rate client requests per
// second, over all clients, for Duration.
type RatePhase struct {
	Rate     float64       `json:"rate"`
	Duration time.Duration `json:"duration"`
}

// ParseRateSchedule reads a rate schedule written as rate:seconds pairs
// separated by commas, such as "5000:60,100:30" (5000 requests per second
// for 60 s, then 100 per second for 30 s). Rates are requests per second
// (0 is a quiet phase); the duration is seconds, possibly fractional, or a
// Go duration such as 1m30s. Spaces around the parts are ignored. Errors
// wrap ErrBadRateSchedule; an empty s is one too.
func ParseRateSchedule(s string) ([]RatePhase, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty", ErrBadRateSchedule)
	}
	var out []RatePhase
	for i, part := range strings.Split(s, ",") {
		rs, ds, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("%w: phase %d %q is not rate:seconds", ErrBadRateSchedule, i+1, part)
		}
		rate, err := strconv.ParseFloat(strings.TrimSpace(rs), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: phase %d: rate %q is not a number", ErrBadRateSchedule, i+1, rs)
		}
		ds = strings.TrimSpace(ds)
		var d time.Duration
		if sec, err := strconv.ParseFloat(ds, 64); err == nil {
			if math.IsNaN(sec) || math.IsInf(sec, 0) || sec > float64(math.MaxInt64/int64(time.Second)) {
				return nil, fmt.Errorf("%w: phase %d: %q seconds", ErrBadRateSchedule, i+1, ds)
			}
			d = time.Duration(math.Round(sec * float64(time.Second)))
		} else if d, err = time.ParseDuration(ds); err != nil {
			return nil, fmt.Errorf("%w: phase %d: duration %q is neither seconds nor a Go duration", ErrBadRateSchedule, i+1, ds)
		}
		out = append(out, RatePhase{Rate: rate, Duration: d})
	}
	if err := checkPhases(out); err != nil {
		return nil, err
	}
	return out, nil
}

// FormatRateSchedule writes a schedule in the form ParseRateSchedule
// reads, durations in seconds.
func FormatRateSchedule(phases []RatePhase) string {
	parts := make([]string, len(phases))
	for i, p := range phases {
		parts[i] = strconv.FormatFloat(p.Rate, 'g', -1, 64) + ":" + strconv.FormatFloat(p.Duration.Seconds(), 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// checkPhases checks every phase of a schedule: a finite rate of at least
// zero, a positive duration, and some phase with a positive rate.
func checkPhases(phases []RatePhase) error {
	if len(phases) > maxRatePhases {
		return fmt.Errorf("%w: %d phases, at most %d", ErrBadRateSchedule, len(phases), maxRatePhases)
	}
	busy := false
	var total time.Duration
	for i, p := range phases {
		switch {
		case math.IsNaN(p.Rate) || math.IsInf(p.Rate, 0) || p.Rate < 0:
			return fmt.Errorf("%w: phase %d: rate %v", ErrBadRateSchedule, i+1, p.Rate)
		case p.Duration <= 0:
			return fmt.Errorf("%w: phase %d: duration %v is not positive", ErrBadRateSchedule, i+1, p.Duration)
		case total+p.Duration < total:
			return fmt.Errorf("%w: the phases last too long", ErrBadRateSchedule)
		}
		total += p.Duration
		busy = busy || p.Rate > 0
	}
	if !busy {
		return fmt.Errorf("%w: every phase has rate 0", ErrBadRateSchedule)
	}
	return nil
}

// scheduleTotals returns a schedule's length and its time-weighted mean
// rate.
func scheduleTotals(phases []RatePhase) (total time.Duration, mean float64) {
	var reqs float64
	for _, p := range phases {
		total += p.Duration
		reqs += p.Rate * p.Duration.Seconds()
	}
	if total > 0 {
		mean = reqs / total.Seconds()
	}
	return total, mean
}

// checkSchedule checks Options.RateSchedule before fill: valid phases, and
// no Rate or TimeLimit beside them unless they equal what the schedule
// implies (so that filled Options pass again).
func (o *Options) checkSchedule() error {
	if len(o.RateSchedule) == 0 {
		return nil
	}
	if err := checkPhases(o.RateSchedule); err != nil {
		return err
	}
	total, mean := scheduleTotals(o.RateSchedule)
	if o.TimeLimit != 0 && o.TimeLimit != total {
		return fmt.Errorf("%w: give either a rate schedule or a time limit (%v), not both", ErrBadRateSchedule, o.TimeLimit)
	}
	if o.Rate != 0 && o.Rate != mean {
		return fmt.Errorf("%w: give either a rate schedule or a rate (%v), not both", ErrBadRateSchedule, o.Rate)
	}
	return nil
}

// ratePlan is the workload's request rate over time: phase i runs until
// ends[i] at rates[i] requests per second, the first from the workload's
// start. Times are clock ns. A ratePlan is immutable.
type ratePlan struct {
	ends  []int64
	rates []float64
}

// newRatePlan lays the schedule out from t0; with no schedule the plan is
// one phase at rate until t0+limit.
func newRatePlan(t0 int64, sched []RatePhase, rate float64, limit time.Duration) ratePlan {
	if len(sched) == 0 {
		return ratePlan{ends: []int64{t0 + int64(limit)}, rates: []float64{rate}}
	}
	p := ratePlan{ends: make([]int64, len(sched)), rates: make([]float64, len(sched))}
	t := t0
	for i, ph := range sched {
		t += int64(ph.Duration)
		p.ends[i], p.rates[i] = t, ph.Rate
	}
	return p
}

// phaseAt returns the index of the phase that holds t: the first whose end
// is after t, or the last phase for times past the end.
func (p ratePlan) phaseAt(t int64) int {
	for i, end := range p.ends {
		if t < end {
			return i
		}
	}
	return len(p.ends) - 1
}

// advance returns the time at which w mean gaps have passed since t, each
// phase's gap being the inverse of its rate: within one phase that is
// t + w/rate, and a span that crosses boundaries is stretched to each
// phase's rate in turn (phases at rate 0 pass with no gap at all). The
// generator draws w uniformly from [0, 2), so a single phase gives
// Maelstrom's stagger exactly. advance(t, 0) skips quiet phases. The last
// phase extends past its end.
func (p ratePlan) advance(t int64, w float64) int64 {
	last := len(p.ends) - 1
	for i := p.phaseAt(t); i <= last; i++ {
		r := p.rates[i]
		if r <= 0 {
			t = max(t, p.ends[i])
			continue
		}
		gap := float64(time.Second) / r
		if d := t + int64(w*gap); d <= p.ends[i] || i == last {
			return d
		}
		w -= float64(p.ends[i]-t) / gap
		t = p.ends[i]
	}
	return t
}
