// Package micro holds the micro benchmarks that compare the node's hot path
// with the baseline node (bench/baseline) in the same run: gossip_sync
// decoding and merging, read_ok encoding, decoding each small message type,
// handling one message, and merging from several goroutines at once.
//
// Every benchmark has two variants named .../ours and .../baseline, so that
// benchstat lines them up:
//
//	go test -run '^$' -bench . -count 6 ./bench/micro/ > new.txt
//	benchstat -col /impl new.txt
//
// The package has no code of its own; the benchmarks are in its test files.
package micro
