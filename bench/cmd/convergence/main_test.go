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
		want    []string // substrings of the output
	}{
		{"small", []string{"-n", "25,100", "-k", "1,2", "-seeds", "20"}, false, nil},
		{"lossy pushpull", []string{"-n", "50", "-k", "1", "-mode", "pushpull", "-loss", "0.3", "-seeds", "10"}, false,
			[]string{"heuristic (loss)"}},
		// n below CheckMinN: 10 seeds are too few for the 10% check.
		{"several losses", []string{"-n", "25,50", "-k", "1,2", "-loss", "0,0.1,0.3", "-seeds", "10"}, false,
			[]string{"theorem", "heuristic (loss)"}},
		{"bad loss", []string{"-loss", "0.1,1"}, true, nil},
		{"no loss", []string{"-loss", ","}, true, nil},
		{"bad mode", []string{"-mode", "pull"}, true, nil},
		{"bad n", []string{"-n", "x"}, true, nil},
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
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("no %q in output:\n%s", w, out.String())
				}
			}
			for _, f := range []string{"convergence.png", "convergence.txt"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
