/**
 * JMH benchmarks of sim-core's hot paths: the event loop ("hold" at 1K and 1M pending events) and the
 * packet store (alloc/free, header reads and writes through the views). Results: bench/README.md.
 */
package io.pktsim.bench.core;
