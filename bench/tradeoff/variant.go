package tradeoff

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Variant is one configuration of a sweep: the node's environment, and
// bench settings of its own.
type Variant struct {
	// Name labels the variant in the table and the plot. It must be
	// unique within a sweep and must not contain a comma.
	Name string `json:"name"`
	// Env holds KEY=VALUE pairs added to the node processes' environment;
	// empty means the node's defaults.
	Env []string `json:"env,omitempty"`
	// Bench holds the bench settings the variant runs with; its zero
	// value means the sweep's.
	Bench BenchSettings `json:"bench,omitzero"`
	// Base names the variant this one was made from by a sweep preset
	// (JitterVariants): the plot joins the variants of one base in a
	// line. Empty otherwise.
	Base string `json:"base,omitempty"`
}

// BenchSettings are the bench options a variant may set. The zero value of
// each field means the sweep's setting (the bench's default where the sweep
// has none). In a variant written as text (ParseVariant) they are the keys
// jitter, node-nice, background-load and node-count; every other key is an
// environment variable.
type BenchSettings struct {
	// Jitter is cluster.Options.Jitter: each server message's extra delay
	// is uniform in [0, Jitter]. Written as a Go duration (5ms).
	Jitter time.Duration `json:"jitter_ns,omitempty"`
	// NodeNice is cluster.Options.NodeNice: the nodes' niceness, at most
	// 19; negative runs them at the bench's priority.
	NodeNice int `json:"node_nice,omitempty"`
	// BackgroundLoad is cluster.Options.BackgroundLoad: the number of busy
	// loops beside the nodes.
	BackgroundLoad int `json:"background_load,omitempty"`
	// NodeCount is the number of nodes.
	NodeCount int `json:"node_count,omitempty"`
}

// Bench setting keys, as ParseVariant reads them and Pairs writes them.
const (
	keyJitter         = "jitter"
	keyNodeNice       = "node-nice"
	keyBackgroundLoad = "background-load"
	keyNodeCount      = "node-count"
)

// pairs writes the settings that are set as key=value, in a fixed order.
func (b BenchSettings) pairs() []string {
	var out []string
	if b.Jitter != 0 {
		out = append(out, keyJitter+"="+b.Jitter.String())
	}
	if b.NodeNice != 0 {
		out = append(out, keyNodeNice+"="+strconv.Itoa(b.NodeNice))
	}
	if b.BackgroundLoad != 0 {
		out = append(out, keyBackgroundLoad+"="+strconv.Itoa(b.BackgroundLoad))
	}
	if b.NodeCount != 0 {
		out = append(out, keyNodeCount+"="+strconv.Itoa(b.NodeCount))
	}
	return out
}

// set reads one bench setting; ok is false when key is not a bench
// setting.
func (b *BenchSettings) set(key, val string) (ok bool, err error) {
	atoi := func(min, max int) (int, error) {
		n, err := strconv.Atoi(val)
		if err != nil || n < min || n > max {
			return 0, fmt.Errorf("%s=%s: want an integer in [%d, %d]", key, val, min, max)
		}
		return n, nil
	}
	switch key {
	case keyJitter:
		d, err := time.ParseDuration(val)
		if err != nil || d < 0 {
			return true, fmt.Errorf("%s=%s: want a duration such as 5ms", key, val)
		}
		b.Jitter = d
	case keyNodeNice:
		b.NodeNice, err = atoi(-1, 19)
	case keyBackgroundLoad:
		b.BackgroundLoad, err = atoi(0, 256)
	case keyNodeCount:
		b.NodeCount, err = atoi(1, 10000)
	default:
		return false, nil
	}
	return true, err
}

// check reports a setting out of range.
func (b BenchSettings) check() error {
	switch {
	case b.Jitter < 0:
		return fmt.Errorf("jitter %v", b.Jitter)
	case b.NodeNice > 19:
		return fmt.Errorf("node nice %d above 19", b.NodeNice)
	case b.BackgroundLoad < 0:
		return fmt.Errorf("background load %d", b.BackgroundLoad)
	case b.NodeCount < 0:
		return fmt.Errorf("node count %d", b.NodeCount)
	}
	return nil
}

// Pairs lists the variant's settings as KEY=VALUE: its bench settings
// first (jitter, node-nice, background-load, node-count, those set), then
// its environment.
func (v Variant) Pairs() []string {
	return append(v.Bench.pairs(), v.Env...)
}

// Settings describes the variant for the table: its pairs separated by
// spaces, or "defaults" when it has none.
func (v Variant) Settings() string {
	if p := v.Pairs(); len(p) > 0 {
		return strings.Join(p, " ")
	}
	return "defaults"
}

// String writes the variant as ParseVariant reads it.
func (v Variant) String() string {
	return v.Name + "=" + strings.Join(v.Pairs(), ",")
}

// DefaultVariants returns the variants a sweep runs unless told otherwise.
// They span the node's frontier from the fewest messages to the lowest
// latency: the four profiles, the exercise's anti-entropy made faster, the
// balanced profile with its hub flushing faster or slower than by default
// (225 ms when this list was written), and the balanced profile without
// phased pushes. Each call returns a new slice.
func DefaultVariants() []Variant {
	return []Variant{
		{Name: "balanced (default)"},
		{Name: "latency", Env: []string{"GOSSIP_PROFILE=latency"}},
		{Name: "messages", Env: []string{"GOSSIP_PROFILE=messages"}},
		{Name: "rounds", Env: []string{"GOSSIP_PROFILE=rounds"}},
		{Name: "rounds K=4 100ms", Env: []string{"GOSSIP_PROFILE=rounds", "GOSSIP_FANOUT=4", "GOSSIP_INTERVAL=100ms"}},
		{Name: "batch 50ms", Env: []string{"GOSSIP_BATCH=50ms"}},
		{Name: "batch 150ms", Env: []string{"GOSSIP_BATCH=150ms"}},
		{Name: "batch 300ms", Env: []string{"GOSSIP_BATCH=300ms"}},
		{Name: "no phase", Env: []string{"GOSSIP_PHASE=false"}},
	}
}

// ParseVariant reads a variant written as NAME=KEY=VALUE,KEY=VALUE,...: the
// name runs to the first '=', the pairs are separated by commas (so neither
// the name nor a value may hold a comma, and the name may not hold an '='),
// and "NAME=" alone is a variant with the node's defaults. The keys jitter
// (a Go duration), node-nice, background-load and node-count are bench
// settings (BenchSettings); every other pair goes to the node's
// environment. Surrounding spaces are trimmed.
func ParseVariant(s string) (Variant, error) {
	name, rest, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Variant{}, fmt.Errorf("variant %q: want NAME=KEY=VALUE,KEY=VALUE,...", s)
	}
	if strings.Contains(name, ",") {
		return Variant{}, fmt.Errorf("variant %q: the name must not contain a comma", s)
	}
	v := Variant{Name: name}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return v, nil
	}
	for _, kv := range strings.Split(rest, ",") {
		kv = strings.TrimSpace(kv)
		if err := checkEnv(kv); err != nil {
			return Variant{}, fmt.Errorf("variant %q: %w", s, err)
		}
		key, val, _ := strings.Cut(kv, "=")
		if ok, err := v.Bench.set(key, val); err != nil {
			return Variant{}, fmt.Errorf("variant %q: %w", s, err)
		} else if ok {
			continue
		}
		v.Env = append(v.Env, kv)
	}
	return v, nil
}

// checkEnv checks one KEY=VALUE pair.
func checkEnv(kv string) error {
	key, _, ok := strings.Cut(kv, "=")
	switch {
	case !ok:
		return fmt.Errorf("%q is not KEY=VALUE", kv)
	case key == "" || strings.ContainsAny(key, " \t"):
		return fmt.Errorf("%q: bad variable name %q", kv, key)
	}
	return nil
}

// Matches reports whether sel names the variant: the whole name, or the
// name without a trailing parenthesis ("balanced" for "balanced
// (default)"), ignoring case and surrounding spaces.
func (v Variant) Matches(sel string) bool {
	sel = strings.TrimSpace(sel)
	if strings.EqualFold(sel, v.Name) {
		return true
	}
	if i := strings.LastIndex(v.Name, " ("); i > 0 && strings.HasSuffix(v.Name, ")") {
		return strings.EqualFold(sel, strings.TrimSpace(v.Name[:i]))
	}
	return false
}

// SelectVariants picks from all the variants named in the comma-separated
// list sel, in the order of sel. An empty sel selects all of them and
// "none" selects none. A name that matches no variant, or a variant named
// twice, is an error.
func SelectVariants(all []Variant, sel string) ([]Variant, error) {
	sel = strings.TrimSpace(sel)
	switch {
	case sel == "":
		return append([]Variant(nil), all...), nil
	case strings.EqualFold(sel, "none"):
		return nil, nil
	}
	var out []Variant
	taken := make(map[int]bool)
	for _, name := range strings.Split(sel, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		found := -1
		for i, v := range all {
			if v.Matches(name) {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, fmt.Errorf("no variant named %q (known: %s)", strings.TrimSpace(name), strings.Join(names(all), ", "))
		}
		if taken[found] {
			return nil, fmt.Errorf("variant %q selected twice", all[found].Name)
		}
		taken[found] = true
		out = append(out, all[found])
	}
	return out, nil
}

func names(vs []Variant) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	return out
}

// checkVariants checks a sweep's variant list.
func checkVariants(vs []Variant) error {
	if len(vs) == 0 {
		return fmt.Errorf("%w: no variants", ErrOptions)
	}
	seen := make(map[string]bool)
	for _, v := range vs {
		key := strings.ToLower(strings.TrimSpace(v.Name))
		switch {
		case key == "":
			return fmt.Errorf("%w: a variant has no name", ErrOptions)
		case strings.Contains(v.Name, ","):
			return fmt.Errorf("%w: variant name %q contains a comma", ErrOptions, v.Name)
		case seen[key]:
			return fmt.Errorf("%w: two variants named %q", ErrOptions, v.Name)
		}
		seen[key] = true
		for _, kv := range v.Env {
			if err := checkEnv(kv); err != nil {
				return fmt.Errorf("%w: variant %q: %w", ErrOptions, v.Name, err)
			}
		}
		if err := v.Bench.check(); err != nil {
			return fmt.Errorf("%w: variant %q: %w", ErrOptions, v.Name, err)
		}
	}
	return nil
}

// slug turns a name into a file name: lower-case letters, digits and
// single dashes.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "variant"
	}
	return b.String()
}

// JitterVariants returns, for each of bases and each jitter level, the base
// variant with Bench.Jitter set to the level: named "jitter <level>" when
// there is one base, "<base> / jitter <level>" otherwise, with Base set to
// the base's name. The variants come base by base, levels in the order
// given. A base's own jitter is replaced.
func JitterVariants(bases []Variant, levels []time.Duration) ([]Variant, error) {
	if len(bases) == 0 || len(levels) == 0 {
		return nil, fmt.Errorf("%w: a jitter sweep needs a variant and a level", ErrOptions)
	}
	var out []Variant
	for _, b := range bases {
		for _, l := range levels {
			if l < 0 {
				return nil, fmt.Errorf("%w: jitter %v", ErrOptions, l)
			}
			v := b
			v.Env = append([]string(nil), b.Env...)
			v.Bench.Jitter = l
			v.Base = b.Name
			v.Name = "jitter " + fmtDuration(l)
			if len(bases) > 1 {
				v.Name = b.Name + " / " + v.Name
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// ParseJitters reads a comma-separated list of jitter levels: plain numbers
// are milliseconds (0,2,5,10,20), anything else a Go duration (500us).
func ParseJitters(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var d time.Duration
		if ms, err := strconv.ParseFloat(part, 64); err == nil {
			d = time.Duration(ms * float64(time.Millisecond))
		} else if d, err = time.ParseDuration(part); err != nil {
			return nil, fmt.Errorf("jitter %q: want milliseconds or a Go duration", part)
		}
		if d < 0 {
			return nil, fmt.Errorf("jitter %q is negative", part)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no jitter level in %q", s)
	}
	return out, nil
}

// fmtDuration writes a level briefly: 0ms, 2ms, 500µs, 1.5ms.
func fmtDuration(d time.Duration) string {
	if d == 0 {
		return "0ms"
	}
	if d%time.Microsecond == 0 && d < time.Millisecond {
		return d.String()
	}
	return strconv.FormatFloat(float64(d)/1e6, 'f', -1, 64) + "ms"
}
