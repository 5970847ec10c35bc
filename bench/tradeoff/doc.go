// Package tradeoff sweeps node settings on the cluster bench and measures
// the trade-off between messages per operation and stable latency.
//
// A sweep runs every Variant (a name, the KEY=VALUE pairs added to the
// node processes' environment, and bench settings of its own: jitter,
// node niceness, background load, node count) Runs times on Gossip Glomers' efficiency
// setting by default: 25 nodes in the bench's grid topology, 100 ms constant
// latency between nodes, 100 requests per second for 20 s, then the bench's
// recovery period. Run i of every variant uses the bench seed i, so every
// variant sees the same workloads. The runs are strictly sequential (one
// cluster at a time) and interleaved: the first run of every variant, then
// the second, and so on, so that a drift of the machine's speed during the
// sweep spreads over all variants rather than favouring some, and an
// interrupted sweep still covers every variant.
//
// For each run the sweep keeps Maelstrom's msgs-per-op (server messages
// divided by client operations), the median, p99 and maximum stable latency
// of jepsen's set-full checker, the verdict, the number of lost values, and
// the node processes' CPU time per operation and busiest node; each variant
// is summarized by the median over its runs of each figure. The result is
// printed as a markdown table (Result.Markdown), with a per-run table in
// which each variant's runs are followed by a row of their medians (one
// variant with Runs 10 gives a "ten seeds" table), saved as results.json
// with every per-run figure, and drawn as tradeoff.png (Result.WritePlot):
// messages per operation on a log scale against latency, with a dashed goal
// box.
//
// A jitter sweep (Options.Sweep "jitter", variants made by JitterVariants)
// runs each base variant at each jitter level: every server message gets an
// extra delay uniform in [0, level] on top of the constant latency. Its
// plot, jitter.png, draws stable latency (median and maximum) and
// msgs-per-op against the level, one line per base variant, every run's
// figures faint behind the medians.
//
// The node processes inherit the bench's environment; so that a variant
// means the same thing whatever the caller's shell exports, a sweep blanks
// every GOSSIP_* variable of its own environment that a variant does not
// set (the node reads an empty variable as unset).
package tradeoff
