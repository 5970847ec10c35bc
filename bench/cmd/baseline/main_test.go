package main

import (
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		fanout   int
		interval time.Duration
		wantErr  bool
	}{
		{name: "defaults", fanout: 2, interval: 200 * time.Millisecond},
		{name: "fanout", env: map[string]string{"GOSSIP_FANOUT": "3"}, fanout: 3, interval: 200 * time.Millisecond},
		{name: "interval duration", env: map[string]string{"GOSSIP_INTERVAL": "1s"}, fanout: 2, interval: time.Second},
		{name: "interval millis", env: map[string]string{"GOSSIP_INTERVAL": "150"}, fanout: 2, interval: 150 * time.Millisecond},
		{name: "interval off", env: map[string]string{"GOSSIP_INTERVAL": "0"}, fanout: 2, interval: 0},
		{name: "fanout zero", env: map[string]string{"GOSSIP_FANOUT": "0"}, wantErr: true},
		{name: "fanout not a number", env: map[string]string{"GOSSIP_FANOUT": "two"}, wantErr: true},
		{name: "interval negative", env: map[string]string{"GOSSIP_INTERVAL": "-5"}, wantErr: true},
		{name: "interval negative duration", env: map[string]string{"GOSSIP_INTERVAL": "-1s"}, wantErr: true},
		{name: "interval garbage", env: map[string]string{"GOSSIP_INTERVAL": "soon"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config(func(k string) string { return tt.env[k] })
			if tt.wantErr {
				if err == nil {
					t.Fatalf("config = %+v, want an error", cfg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Fanout != tt.fanout || cfg.Interval != tt.interval {
				t.Errorf("config = fanout %d interval %v, want %d %v", cfg.Fanout, cfg.Interval, tt.fanout, tt.interval)
			}
		})
	}
}
