package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
	}{
		{"small", []string{"-n", "25,100", "-k", "1,2", "-seeds", "20"}, false},
		{"lossy pushpull", []string{"-n", "50", "-k", "1", "-mode", "pushpull", "-loss", "0.3", "-seeds", "10"}, false},
		{"bad mode", []string{"-mode", "pull"}, true},
		{"bad n", []string{"-n", "x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var out, errb bytes.Buffer
			err := run(append(tt.args, "-out", dir), &out, &errb)
			if (err != nil) != tt.wantErr {
				t.Fatalf("run: %v, wantErr %v\n%s", err, tt.wantErr, errb.String())
			}
			if tt.wantErr {
				return
			}
			if !strings.Contains(out.String(), "msgs/node") {
				t.Errorf("no table in output:\n%s", out.String())
			}
			for _, f := range []string{"convergence.png", "convergence.txt"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
