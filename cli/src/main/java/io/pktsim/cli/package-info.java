/**
 * The {@code pktsim} command line: picocli commands, scenario loading, reports and pcap taps.
 * Errors at this edge are one line on standard error and an exit code (0 ok, 1 failed run, 2 bad input).
 */
package io.pktsim.cli;
