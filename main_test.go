package main

import (
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		fanout   int
		interval time.Duration
		seed     uint64
		wantErr  bool
	}{
		{name: "defaults", fanout: 2, interval: 200 * time.Millisecond},
		{name: "flags", args: []string{"-fanout", "3", "-interval", "50ms", "-seed", "9"}, fanout: 3, interval: 50 * time.Millisecond, seed: 9},
		{name: "environment", env: map[string]string{"GOSSIP_FANOUT": "4", "GOSSIP_INTERVAL": "1s"}, fanout: 4, interval: time.Second},
		{name: "plain milliseconds", env: map[string]string{"GOSSIP_INTERVAL": "150"}, fanout: 2, interval: 150 * time.Millisecond},
		{name: "flag beats environment", args: []string{"-fanout", "1"}, env: map[string]string{"GOSSIP_FANOUT": "4"}, fanout: 1, interval: 200 * time.Millisecond},
		{name: "timer off", args: []string{"-interval", "0"}, fanout: 2, interval: 0},
		{name: "bad fanout", args: []string{"-fanout", "0"}, wantErr: true},
		{name: "bad env fanout", env: map[string]string{"GOSSIP_FANOUT": "two"}, wantErr: true},
		{name: "negative interval", args: []string{"-interval", "-5ms"}, wantErr: true},
		{name: "bad interval", env: map[string]string{"GOSSIP_INTERVAL": "soon"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config(tt.args, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("config error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if cfg.Fanout != tt.fanout || cfg.Interval != tt.interval || cfg.Seed != tt.seed {
				t.Fatalf("config = %+v", cfg)
			}
		})
	}
}
