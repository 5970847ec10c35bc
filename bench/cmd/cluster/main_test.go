package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/maelstrom-gossip/node/bench/cluster"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		name string
		in   string
		set  []string
		want []cluster.RatePhase
		err  string
	}{
		{"alone", "5000:60,100:30", nil, []cluster.RatePhase{{Rate: 5000, Duration: time.Minute}, {Rate: 100, Duration: 30 * time.Second}}, ""},
		{"beside other flags", "10:1", []string{"node-count", "latency"}, []cluster.RatePhase{{Rate: 10, Duration: time.Second}}, ""},
		{"with -rate", "10:1", []string{"rate"}, nil, "drop -rate"},
		{"with -time-limit", "10:1", []string{"time-limit"}, nil, "drop -time-limit"},
		{"bad schedule", "10", nil, nil, "-rate-schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]bool{}
			for _, f := range tt.set {
				set[f] = true
			}
			got, err := parseSchedule(tt.in, set)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one about %q", err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := parseSchedule("1:0", nil); !errors.Is(err, cluster.ErrBadRateSchedule) {
		t.Errorf("err = %v, want ErrBadRateSchedule", err)
	}
}

func TestParseConcurrency(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"10", 10, false}, {"2n", 10, false}, {"0", 0, true}, {"xn", 0, true}, {"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseConcurrency(tt.in, 5)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("parseConcurrency(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
