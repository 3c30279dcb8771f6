/**
 * Counters as documented enums (in the manner of Aeron's {@code SystemCounterDescriptor}) and
 * distributions on HdrHistogram. Incrementing a counter or recording a value allocates nothing.
 * Models no kernel mechanism itself; the counters it holds mirror the kernel's (softnet_stat, ethtool -S).
 */
package io.pktsim.core.counter;
