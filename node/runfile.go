package node

import (
	"encoding/binary"
	"os"
	"sync/atomic"
	"unsafe"
)

// runFileSize is the size a run file starts with, in bytes (4,096 records);
// it doubles whenever it is full.
const runFileSize = 64 << 10

// runFile is the storage of a run log: records of runRecord bytes from the
// start of a file, up to the first record whose key is 0 (the file's zero
// tail, or its end).
//
// Where the file can be mapped (mapFile), its records are written as stores
// into the shared mapping: a record is in the page cache, and survives the
// kill of the process, once the stores are done, with no system call. The
// file is grown by writing zeros, not by truncation, so that its blocks are
// allocated then and a full disk is an error, not a SIGBUS on a store.
// Elsewhere records are appended with write(2).
//
// A runFile belongs to its run log; it MUST NOT be used concurrently.
type runFile struct {
	f   *os.File
	m   []byte // the mapping of the whole file; nil when records are written with write(2)
	end int    // bytes of records
}

// createRunFile creates the file at path, which must not exist.
func createRunFile(path string) (*runFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	rf := &runFile{f: f}
	if err := rf.grow(runFileSize); err != nil {
		// Not mappable here: append instead, from an empty file.
		if err := f.Truncate(0); err != nil {
			f.Close()
			os.Remove(path)
			return nil, err
		}
	}
	return rf, nil
}

// grow extends the file with zeros to size bytes and maps it whole.
func (rf *runFile) grow(size int) error {
	old := len(rf.m)
	if _, err := rf.f.WriteAt(make([]byte, size-old), int64(old)); err != nil {
		return err
	}
	m, err := mapFile(rf.f, size)
	if err != nil {
		return err
	}
	if rf.m != nil {
		unmapFile(rf.m)
	}
	rf.m = m
	return nil
}

// append writes records b (whole records) after the others. In a mapping,
// each record's value is stored before its key, and the key with an atomic
// store that no earlier store moves past: a kill in between leaves a key of
// 0, the end of the records, never a record with a wrong value.
func (rf *runFile) append(b []byte) error {
	if rf.m == nil {
		if _, err := rf.f.WriteAt(b, int64(rf.end)); err != nil {
			return err
		}
		rf.end += len(b)
		return nil
	}
	if need := rf.end + len(b); need > len(rf.m) {
		size := 2 * len(rf.m)
		for size < need {
			size *= 2
		}
		if err := rf.grow(size); err != nil {
			return err
		}
	}
	for i := 0; i < len(b); i += runRecord {
		r := rf.m[rf.end : rf.end+runRecord]
		copy(r[8:], b[i+8:i+runRecord])
		// The key's bytes as the file has them (little-endian), in the
		// machine's order for the store.
		key := binary.NativeEndian.Uint64(b[i : i+8])
		atomic.StoreUint64((*uint64)(unsafe.Pointer(&r[0])), key)
		rf.end += runRecord
	}
	return nil
}

// records returns how many records the file holds.
func (rf *runFile) records() int { return rf.end / runRecord }

// close unmaps and closes the file.
func (rf *runFile) close() {
	if rf.m != nil {
		unmapFile(rf.m)
		rf.m = nil
	}
	rf.f.Close()
}
