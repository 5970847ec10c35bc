// Package vec holds the loops over int64 slices that a gossip_sync merge
// runs once per value after the digits are parsed: finding where a run of
// consecutive values starts (FirstStep), checking order (Ascending),
// comparing a chunk's values with a set's array of their low 16 bits
// (SameLows), and writing those low bits (PutLows).
//
// On amd64 with AVX2 each runs four or eight values per step in assembly
// (vec_amd64.s); elsewhere, or built with the purego tag, the same loops
// run in Go. The two are tested against each other and fuzzed. Every
// function reads its arguments only for the length of the call and retains
// nothing; all are safe for concurrent use on slices no goroutine writes.
package vec
