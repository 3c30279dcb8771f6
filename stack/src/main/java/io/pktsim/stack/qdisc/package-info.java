/**
 * Queueing disciplines of a transmit queue: {@code pfifo_fast} (net/sched/sch_generic.c) and {@code fq_codel}
 * (net/sched/sch_fq_codel.c, include/net/codel.h, codel_impl.h), Linux 6.18, with every drop counted by reason.
 *
 * <p>Simplifications: one transmit queue per qdisc (no mq root); no classifiers or {@code tc} filters; the
 * priority of pfifo_fast comes from the IPv4 TOS as {@code ip_forward} sets it; fq_codel hashes packets without
 * a hash with jhash instead of the flow dissector; time is the simulated nanosecond clock (fq_codel converts it
 * to the kernel's 1024 ns {@code codel_time_t}).
 */
package io.pktsim.stack.qdisc;
