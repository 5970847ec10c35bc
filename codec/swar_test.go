package codec

import (
	"strconv"
	"testing"
)

func TestFastIntAgreesWithScanInt(t *testing.T) {
	var inputs []string
	for _, n := range []int64{0, 1, 9, 10, 99, 12345678, 99999999, 100000000, 123456789012345, 999999999999999, 1000000000000000, 9999999999999999, 10000000000000000, 999999999999999999, 1000000000000000000, 9223372036854775807} {
		s := strconv.FormatInt(n, 10)
		inputs = append(inputs, s, "-"+s, "0"+s, s+".5", s+"e3", s+"E3", s+"x")
	}
	// Around the int64 range and past 19 digits: the fast path must take
	// the ones in range and only those.
	edges := map[string]bool{
		"9223372036854775807": true, "-9223372036854775808": true,
		"9223372036854775808": false, "-9223372036854775809": false,
		"9999999999999999999": false, "-9999999999999999999": false,
		"10000000000000000000": false, "1000000000000000000": true,
		"-1000000000000000000": true,
		"99999999999999999999": false, "-99999999999999999999": false, // would wrap
	}
	for in, want := range edges {
		raw := []byte(in + ", 1, 2, 3, 4, 5, 6, 7]")
		v, j, ok := fastInt(raw, 0)
		w, k, wok := scanInt(raw, 0)
		if ok != want || ok && (v != w || j != k || !wok) {
			t.Errorf("%q: fastInt = %d,%d,%v; scanInt = %d,%d,%v; fast path wanted: %v", in, v, j, ok, w, k, wok, want)
		}
		inputs = append(inputs, in)
	}
	for _, in := range inputs {
		raw := []byte(in + ", 1, 2, 3, 4, 5, 6, 7]")
		v, j, ok := fastInt(raw, 0)
		if !ok {
			continue
		}
		w, k, wok := scanInt(raw, 0)
		if !wok || v != w || j != k {
			t.Errorf("%q: fastInt = %d,%d; scanInt = %d,%d,%v", in, v, j, w, k, wok)
		}
	}
	// Every length of a run of digits before every kind of end.
	for n := 1; n <= 20; n++ {
		digits := "12345678901234567890"[:n]
		for _, end := range []string{",", "]", " ", ".", "e", "-"} {
			raw := []byte(digits + end + "                ")
			v, j, ok := fastInt(raw, 0)
			w, k, wok := scanInt(raw, 0)
			if ok && (v != w || j != k || !wok) {
				t.Errorf("%q: fastInt = %d,%d; scanInt = %d,%d,%v", raw, v, j, w, k, wok)
			}
			if ok != (n <= 19 && end != "." && end != "e") {
				t.Errorf("%q: fast path taken = %v", raw, ok)
			}
		}
	}
}
