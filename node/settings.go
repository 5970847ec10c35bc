package node

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Setting is one setting of the node as a user gives it: a flag of the node
// binary and an environment variable (Maelstrom starts the binary without
// arguments but passes its environment on), read into a Config. The table
// that Settings returns is the only place where a setting is declared: the
// binary's flags, its environment, the profiles, the defaults and the
// README's table of settings all come from it.
type Setting struct {
	// Name is the flag's name; the variable is GOSSIP_ and Name in upper
	// case, with '_' for '-' (see Env).
	Name string
	// Arg names the value's form in help texts: B (a bool), D (a
	// duration), N (a number), NAME, MODE, DIR or FILE.
	Arg string
	// Default is the value when neither the flag nor the variable is
	// given, as text; "" means none.
	Default string
	// Doc says what the setting does, in one sentence or two.
	Doc string
	// set parses a value into c, or says what is wrong with it.
	set func(c *Config, v string) error
	// gossip marks the settings that a profile presets.
	gossip bool
}

// Env returns the environment variable of the setting.
func (s Setting) Env() string {
	return "GOSSIP_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
}

// Set parses v and stores it in c; the error says what is wrong with v.
func (s Setting) Set(c *Config, v string) error { return s.set(c, v) }

// settings is the table of Settings, in the order in which they apply (the
// profile first, so that the others override it) and errors are reported.
var settings = [...]Setting{
	{Name: "profile", Arg: "NAME", Default: "balanced",
		Doc: "a preset of the gossip settings below, which the others then override one by one: " + profileDocs()}, // set: applyProfile, in init
	{Name: "star", gossip: true, Arg: "B", Default: "true",
		Doc: "eager dissemination along a star whose hub is the first node of node_ids; `false` leaves values to the repair rounds",
		set: func(c *Config, v string) error { b, err := strconv.ParseBool(v); c.NoStar = !b; return err }},
	{Name: "batch", gossip: true, Arg: "D", Default: "225ms",
		Doc: "the hub's flush period, on the wall clock's grid; `0` forwards at once",
		set: func(c *Config, v string) (err error) { c.Batch, err = parseDuration(v); return err }},
	{Name: "phase", gossip: true, Arg: "B", Default: "true",
		Doc: "nodes hold new values until the last moment that reaches the hub before its flush (with a batch only)",
		set: func(c *Config, v string) (err error) { c.Phase, err = strconv.ParseBool(v); return err }},
	{Name: "interval", gossip: true, Arg: "D", Default: "1s",
		Doc: "the repair (anti-entropy) period; `0` turns the timer off",
		set: func(c *Config, v string) (err error) { c.Interval, err = parseDuration(v); return err }},
	{Name: "fanout", gossip: true, Arg: "N", Default: "2",
		Doc: "K: random peers per `gossip_round`, and per repair round without a working star (at least 1)",
		set: func(c *Config, v string) (err error) { c.Fanout, err = parsePositive(v); return err }},
	{Name: "ack-delay", gossip: true, Arg: "D", Default: "400ms",
		Doc: "how long an acknowledgement waits, once its peer is quiet, for a message to ride on; at most half the interval",
		set: func(c *Config, v string) (err error) { c.AckDelay, err = parseDuration(v); return err }},
	{Name: "ack", Arg: "MODE", Default: "received",
		Doc: "when `broadcast_ok` leaves: `received`, at once; `replicated`, once a peer acknowledged the value, so that it survives the kill of any one node (about a round trip and a batch later; a node cut off from every peer then acknowledges nothing)",
		set: func(c *Config, v string) (err error) { c.Ack, err = parseAckMode(v); return err }},
	{Name: "data-dir", Arg: "DIR",
		Doc: "persist acknowledged values there (`<id>.log`, fsynced before `broadcast_ok` leaves, and `<id>.snap`); a node restarted with the same folder starts with them",
		set: func(c *Config, v string) error { c.DataDir = v; return nil }},
	{Name: "run-log", Arg: "B", Default: "true",
		Doc: "without `-data-dir`, keep acknowledged values that no peer holds yet in a file of this run under the temporary folder, written before `broadcast_ok` leaves, so that a node killed and restarted by the same harness takes them back; `false` keeps everything in memory",
		set: func(c *Config, v string) (err error) { c.RunLog, err = strconv.ParseBool(v); return err }},
	{Name: "max-line-bytes", Arg: "N", Default: "268435456",
		Doc: "the most of one input line held in memory (a `messages` array of integers is read as it arrives and does not count); a line that needs more is skipped, with one line on stderr",
		set: func(c *Config, v string) (err error) { c.MaxLineBytes, err = parsePositive(v); return err }},
	{Name: "procs", Arg: "N", Default: "1",
		Doc: "how many threads run the node's Go code at once (GOMAXPROCS): 1 suits a cluster of nodes sharing a machine, as under Maelstrom, and costs the least CPU a message; more lets a merge of a huge sync use several cores; `0` means one per core",
		set: func(c *Config, v string) (err error) { c.Procs, err = parseNonNegative(v); return err }},
	{Name: "seed", Arg: "N", Default: "0",
		Doc: "seed of the random peer choice and timer stagger; `0` draws one",
		set: func(c *Config, v string) (err error) { c.Seed, err = strconv.ParseUint(v, 10, 64); return err }},
	{Name: "cpuprofile", Arg: "FILE",
		Doc: "write a CPU profile of the whole run to FILE when the input ends; `%p` in FILE becomes the process id, so that the nodes of a cluster can share one setting",
		set: func(c *Config, v string) error { c.CPUProfile = v; return nil }},
}

func init() {
	// The profile's setting reads the table, so it joins it here, after
	// the table is initialized.
	settings[0].set = applyProfile
}

// Settings returns the table of settings, in the order in which they apply.
// Each call returns a new slice.
func Settings() []Setting { return append([]Setting(nil), settings[:]...) }

// profile is a named preset of settings, given as name=value pairs of the
// table.
type profile struct {
	name, doc string
	set       []string
}

// profiles lists the presets that the profile setting names, the default
// first.
var profiles = [...]profile{
	{"balanced", "a star with 225 ms batches and phased pushes, repair every second", nil},
	{"latency", "a star that forwards at once", []string{"batch=0", "phase=false"}},
	{"messages", "a star with 500 ms batches, repair every 2 s", []string{"batch=500ms", "interval=2s", "ack-delay=1s"}},
	{"rounds", "no star: the exercise's anti-entropy alone, K = 2 every 200 ms", []string{"star=false", "batch=0", "phase=false", "interval=200ms", "ack-delay=0"}},
}

func profileDocs() string {
	var b strings.Builder
	for i, p := range profiles {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "`%s`: %s", p.name, p.doc)
	}
	return b.String()
}

// ErrProfile is wrapped by the error for an unknown profile name.
var ErrProfile = errors.New("node: unknown profile")

// applyProfile sets the gossip settings of c to the defaults and then to
// those of profile name.
func applyProfile(c *Config, name string) error {
	for _, p := range profiles {
		if p.name != name {
			continue
		}
		for _, s := range settings[1:] {
			if !s.gossip {
				continue // a profile leaves the others alone
			}
			if err := s.set(c, s.Default); err != nil {
				panic("BUG: node: default of " + s.Name + ": " + err.Error())
			}
		}
		for _, kv := range p.set {
			k, v, _ := strings.Cut(kv, "=")
			if err := settingNamed(k).set(c, v); err != nil {
				panic("BUG: node: profile " + p.name + ": " + kv + ": " + err.Error())
			}
		}
		return nil
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.name
	}
	return fmt.Errorf("%w %q (known: %s)", ErrProfile, name, strings.Join(names, ", "))
}

// settingNamed returns the setting of the given name; it panics on a name
// that the table does not have (a bug).
func settingNamed(name string) Setting {
	for _, s := range settings {
		if s.Name == name {
			return s
		}
	}
	panic("BUG: node: no setting " + name)
}

// DefaultConfig returns the settings used when nothing is configured: every
// setting's default, which is the balanced profile.
func DefaultConfig() Config {
	var c Config
	for _, s := range settings {
		if s.Default == "" {
			continue
		}
		if err := s.set(&c, s.Default); err != nil {
			panic("BUG: node: default of " + s.Name + ": " + err.Error())
		}
	}
	return c
}

// ProfileConfig returns the default settings with the gossip settings of a
// named profile; the error wraps ErrProfile for an unknown name.
func ProfileConfig(name string) (Config, error) {
	c := DefaultConfig()
	return c, applyProfile(&c, name)
}

// Configure builds a Config from the defaults, then each setting in the
// table's order: its environment variable (getenv), then its flag (flags,
// by name, as given on the command line), which wins. The profile comes
// first, so that the other settings override it. The error names the first
// bad value in that order.
func Configure(getenv func(string) string, flags map[string]string) (Config, error) {
	c := DefaultConfig()
	for _, s := range settings {
		for _, src := range [...]struct{ name, v string }{{s.Env(), getenv(s.Env())}, {"-" + s.Name, flags[s.Name]}} {
			if src.v == "" {
				continue
			}
			if err := s.set(&c, src.v); err != nil {
				return c, fmt.Errorf("%s=%q: %w", src.name, src.v, err)
			}
		}
	}
	return c, nil
}

// SettingsMarkdown returns the table of settings as the README shows it.
func SettingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| flag | variable | default | meaning |\n|---|---|---|---|\n")
	for _, s := range settings {
		def := s.Default
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "| `-%s %s` | `%s` | %s | %s |\n", s.Name, s.Arg, s.Env(), def, s.Doc)
	}
	return b.String()
}

// parseDuration reads a Go duration or a plain number of milliseconds, not
// negative.
func parseDuration(s string) (time.Duration, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 {
			return 0, errors.New("negative")
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		return 0, errors.New("negative")
	}
	return d, err
}

// parseNonNegative reads an int of at least 0.
func parseNonNegative(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err == nil && v < 0 {
		err = errors.New("negative")
	}
	return v, err
}

// parsePositive reads an int of at least 1.
func parsePositive(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err == nil && v < 1 {
		err = errors.New("must be at least 1")
	}
	return v, err
}
