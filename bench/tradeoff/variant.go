package tradeoff

import (
	"fmt"
	"strings"
)

// Variant is one node configuration of a sweep.
type Variant struct {
	// Name labels the variant in the table and the plot. It must be
	// unique within a sweep and must not contain a comma.
	Name string `json:"name"`
	// Env holds KEY=VALUE pairs added to the node processes' environment;
	// empty means the node's defaults.
	Env []string `json:"env,omitempty"`
}

// Settings describes the variant's environment for the table: its pairs
// separated by spaces, or "defaults" when it has none.
func (v Variant) Settings() string {
	if len(v.Env) == 0 {
		return "defaults"
	}
	return strings.Join(v.Env, " ")
}

// DefaultVariants returns the variants a sweep runs unless told otherwise.
// They span the node's frontier from the fewest messages to the lowest
// latency: the four profiles, the seed's anti-entropy made faster, the
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
// and "NAME=" alone is a variant with the node's defaults. Surrounding
// spaces are trimmed.
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
