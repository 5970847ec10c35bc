// Package vec holds the loops over int64 slices that a gossip_sync merge
// runs once per value after the digits are parsed: checking order
// (Ascending), cutting a sorted batch into its 2^16-value chunks while
// checking its order (Segments), and writing or comparing a chunk's array
// of low 16 bits (PutLows, SameLows). Prefetch asks for an array ahead of
// its use.
//
// On amd64 with AVX2 each runs four to sixteen values per step in assembly
// (vec_amd64.s); elsewhere, or built with the purego tag, the same loops
// run in Go. The two are tested against each other and fuzzed. Every
// function reads its arguments only for the length of the call and retains
// nothing; all are safe for concurrent use on slices no goroutine writes.
package vec
