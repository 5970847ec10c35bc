package codec

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestParseInt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
		ok   bool
	}{
		{"zero", "0", 0, true},
		{"minus zero", "-0", 0, true},
		{"one", "1", 1, true},
		{"negative", "-17", -17, true},
		{"above 2^53", "9007199254740993", 9007199254740993, true},
		{"max", "9223372036854775807", math.MaxInt64, true},
		{"min", "-9223372036854775808", math.MinInt64, true},
		{"spaces", " \t42\r\n", 42, true},
		{"max+1", "9223372036854775808", 0, false},
		{"min-1", "-9223372036854775809", 0, false},
		{"20 digits", "12345678901234567890", 0, false},
		{"30 digits", "123456789012345678901234567890", 0, false},
		{"leading zero", "01", 0, false},
		{"fraction", "1.0", 0, false},
		{"exponent", "1e3", 0, false},
		{"capital exponent", "1E3", 0, false},
		{"string", `"1"`, 0, false},
		{"empty", "", 0, false},
		{"minus only", "-", 0, false},
		{"plus", "+1", 0, false},
		{"null", "null", 0, false},
		{"true", "true", 0, false},
		{"array", "[1]", 0, false},
		{"two numbers", "1 2", 0, false},
		{"hex", "0x10", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseInt([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("ParseInt(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrNotInt) {
				t.Fatalf("ParseInt(%q) error %v does not wrap ErrNotInt", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseInt(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendInts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []int64
		errIdx  int // -1: no error; -2: ErrNotIntArray; else the ElemError index
		inRange bool
	}{
		{"empty", "[]", nil, -1, false},
		{"empty with spaces", " [ ] ", nil, -1, false},
		{"python separators", "[10, 20, 30]", []int64{10, 20, 30}, -1, false},
		{"compact", "[1,2,3]", []int64{1, 2, 3}, -1, false},
		{"odd whitespace", "[ 1 ,\n2\t, 3 ]", []int64{1, 2, 3}, -1, false},
		{"duplicates kept", "[5,5,5]", []int64{5, 5, 5}, -1, false},
		{"extremes", "[-9223372036854775808, 9223372036854775807, 0]", []int64{math.MinInt64, math.MaxInt64, 0}, -1, false},
		{"not an array", "5", nil, -2, false},
		{"object", `{"a":1}`, nil, -2, false},
		{"unclosed", "[1, 2", nil, -2, false},
		{"trailing garbage", "[1] x", nil, -2, false},
		{"missing comma", "[1 2]", nil, -2, false},
		{"float element", "[1, 2.5, 3]", nil, 1, false},
		{"string element", `[1, "2"]`, nil, 1, false},
		{"null element", "[null]", nil, 0, false},
		{"nested array", "[1, [2]]", nil, 1, false},
		{"trailing comma", "[1,]", nil, 1, false},
		{"too big", "[1, 2, 9223372036854775808]", nil, 2, true},
		{"too small", "[-9223372036854775809]", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []int64{7}
			got, err := AppendInts(prefix, []byte(tt.in))
			switch {
			case tt.errIdx == -1:
				if err != nil {
					t.Fatalf("AppendInts(%q): %v", tt.in, err)
				}
				if want := append([]int64{7}, tt.want...); !slices.Equal(got, want) {
					t.Fatalf("AppendInts(%q) = %v, want %v", tt.in, got, want)
				}
				return
			case tt.errIdx == -2:
				if !errors.Is(err, ErrNotIntArray) {
					t.Fatalf("AppendInts(%q) error = %v, want ErrNotIntArray", tt.in, err)
				}
			default:
				var e *ElemError
				if !errors.As(err, &e) || e.Index != tt.errIdx || e.Range != tt.inRange {
					t.Fatalf("AppendInts(%q) error = %#v, want element %d (range %v)", tt.in, err, tt.errIdx, tt.inRange)
				}
			}
			if !slices.Equal(got, []int64{7}) {
				t.Fatalf("AppendInts(%q) changed dst on error: %v", tt.in, got)
			}
		})
	}
}

func TestAppendInts_Large(t *testing.T) {
	want := make([]int64, 1_000_000)
	for i := range want {
		want[i] = int64(i)*7919 - 3_000_000
	}
	raw := AppendInts64(nil, want)
	got, err := AppendInts(nil, raw)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("round trip of 1M values failed: err=%v, len=%d", err, len(got))
	}
}

func TestAppendInts64_MatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := []int64{0, -1, 9, -9, 10, -10, 99, 100, 101, 999, 1000, math.MinInt64, math.MaxInt64, math.MinInt64 + 1}
	for range 10000 {
		vals = append(vals, r.Int64()>>r.IntN(63), -(r.Int64() >> r.IntN(63)))
	}
	want := []byte{'['}
	for i, v := range vals {
		if i > 0 {
			want = append(want, ", "...)
		}
		want = strconv.AppendInt(want, v, 10)
	}
	want = append(want, ']')
	if got := AppendInts64(nil, vals); string(got) != string(want) {
		t.Fatal("AppendInts64 differs from strconv.AppendInt")
	}
	if IntsSize(vals) != len(want) {
		t.Fatalf("IntsSize = %d, want %d", IntsSize(vals), len(want))
	}
}

func TestAppendInts64(t *testing.T) {
	tests := []struct {
		in   []int64
		want string
	}{
		{nil, "[]"},
		{[]int64{10, 20, 30}, "[10, 20, 30]"},
		{[]int64{-1, 0, 9, 10, 99, 100}, "[-1, 0, 9, 10, 99, 100]"},
		{[]int64{math.MinInt64, math.MaxInt64}, "[" + strconv.FormatInt(math.MinInt64, 10) + ", " + strconv.FormatInt(math.MaxInt64, 10) + "]"},
	}
	for _, tt := range tests {
		if got := string(AppendInts64(nil, tt.in)); got != tt.want {
			t.Errorf("AppendInts64(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestIntsSize(t *testing.T) {
	cases := [][]int64{nil, {0}, {9, 10, 99, 100, 9999, 10000, 12345}, {-1, -10, -99999}, {math.MinInt64, math.MaxInt64, 1 << 53}}
	for _, vals := range cases {
		if got, want := IntsSize(vals), len(AppendInts64(nil, vals)); got != want {
			t.Errorf("IntsSize(%v) = %d, want %d", vals, got, want)
		}
	}
}

func TestSortedIntsSize(t *testing.T) {
	for _, vals := range [][]int64{nil, {0}, {1, 5, 9}, {-99999, -10, -1, 0, 12345}, {math.MinInt64, 0, math.MaxInt64}, {9, 10, 99, 100, 100000}} {
		exact := len(AppendInts64(nil, vals))
		got := SortedIntsSize(vals)
		if got < exact {
			t.Errorf("SortedIntsSize(%v) = %d, below the exact %d", vals, got, exact)
		}
		same := true
		for _, v := range vals {
			same = same && intLen(v) == intLen(vals[0]) && intLen(v) == intLen(vals[len(vals)-1])
		}
		if same && got != exact {
			t.Errorf("SortedIntsSize(%v) = %d, want the exact %d when all lengths agree", vals, got, exact)
		}
	}
}
