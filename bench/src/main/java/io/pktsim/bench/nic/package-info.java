/**
 * Benchmarks of the NIC model's hot paths: the RX descriptor ring (LMAX Disruptor ring drained through a
 * budgeted EventPoller) feeding a NAPI-sized poll into GRO.
 */
package io.pktsim.bench.nic;
