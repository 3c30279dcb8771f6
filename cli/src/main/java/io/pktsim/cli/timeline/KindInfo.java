package io.pktsim.cli.timeline;

import java.util.Map;

/**
 * What each kind of trace event means (docs/results.md, "pcap taps and the decision trace"), and the colour
 * family the timeline draws it in.
 */
final class KindInfo {

    private static final Map<String, String> MEANING = Map.ofEntries(
        Map.entry("napi_irq", "the RX interrupt fires (coalescing timer or frame count): NAPI is scheduled and the "
            + "interrupt masked"),
        Map.entry("napi_poll", "one poll of the queue's NAPI: 'done' frames taken (at most the weight, 64), "
            + "'budget_left' of netdev_budget (300) in this net_rx_action run"),
        Map.entry("napi_complete", "the poll found the ring empty: napi_complete_done(), the interrupt is enabled "
            + "again"),
        Map.entry("napi_irq_deferred", "napi_complete_done() returned false (napi_defer_hard_irqs with "
            + "gro_flush_timeout): the interrupt stays masked and the NAPI hrtimer polls next; 'defer_left' "
            + "deferrals left"),
        Map.entry("napi_timer_armed", "the NAPI hrtimer is started for gro_flush_timeout ('timeout_ns'), with "
            + "'gro_held' packets left in GRO"),
        Map.entry("napi_watchdog", "the NAPI hrtimer expires (napi_watchdog): it schedules a poll unless the NAPI is "
            + "already scheduled"),
        Map.entry("time_squeeze", "a net_rx_action run ended on its budget or time limit (softnet_stat's third "
            + "column); a run polls each NAPI once, so only a poll or backlog call that spends the budget or outlasts "
            + "the limit counts one"),
        Map.entry("rx_hash", "a polled frame: the driver's skb->hash, the PPE entry, and the CPU whose RPS backlog "
            + "takes it"),
        Map.entry("netif_receive_skb", "a packet (a GRO aggregate) goes up the protocol path on 'cpu': "
            + "'backlog' packets waited before it in that CPU's RPS backlog, 'fast' 1 if the flowtable forwarded it, "
            + "'latency_ns' from the hand-over to the end of its work"),
        Map.entry("gro_merge", "a TCP segment (with fraglist GRO also a UDP datagram) joins the packet GRO holds "
            + "for its flow"),
        Map.entry("gro_flush", "a held packet leaves GRO; reason 1 no continuation, 2 full, 3 oldest of 8 in its "
            + "bucket, 4 end of poll, 5 header differs, 6 short segment or PSH/URG/RST/SYN/FIN; fraglist GRO: "
            + "7 flag word differs, 8 64 segments (UDP: 1 a longer datagram, 6 a shorter one chained)"),
        Map.entry("gso", "an aggregate leaves: 'how' 0 whole by TSO, 1 cut by skb_segment at a ppp device (payloads "
            + "copied) or, a UDP aggregate of rx-udp-gro-forwarding, by __udp_gso_segment at eth0 or a DSA port, 2 "
            + "split by skb_segment_list (fraglist GRO); 'ifindex' the device that does it"),
        Map.entry("gro_list", "the poll's rx_list goes up the stack (gro_normal_list): at gro_normal_batch (8) "
            + "segments and at the end of the poll"),
        Map.entry("dim_rx", "net_dim changes the RX interrupt moderation (profile, microseconds, frames)"),
        Map.entry("dial_ecmp", "ECMP picks a new connection's dial from its 31-bit multipath hash"),
        Map.entry("dial_mwan3", "mwan3 picks a dial, walking its statistic rules"),
        Map.entry("dial_round_robin", "per-packet balancing picks the next dial"),
        Map.entry("dial_default_route", "no balancing: the default route's dial"),
        Map.entry("conntrack_new", "a new connection is confirmed and masqueraded (its NAT source port)"),
        Map.entry("flow_offload", "the software flowtable takes a connection"),
        Map.entry("ppe_bind", "the PPE binds one direction of a connection"),
        Map.entry("tcp_syn_retransmit", "a LAN host sends its SYN again"),
        Map.entry("tcp_connect_timeout", "a connect fails: no SYN-ACK after the last SYN"),
        Map.entry("tcp_write_timeout", "a sender gives up after tcp_retries2's time of timeouts (ETIMEDOUT)"),
        Map.entry("tcp_synack_retransmit", "a server sends its SYN-ACK again"),
        Map.entry("tcp_request_retransmit", "a LAN host sends its download request again"),
        Map.entry("tcp_rto", "a data retransmission timeout; the next waits twice as long"),
        Map.entry("tcp_hystart", "HyStart ends a CUBIC sender's slow start (1 the ACK train, 2 the delay)"),
        Map.entry("tcp_txhash_rethink", "a host draws a new sk_txhash (and an IPv6 flow label) after a timeout"),
        Map.entry("app_connect_timeout", "an application gives up on a connection still opening (its connect timeout)"),
        Map.entry("app_close", "an application ends a connection (a reset, its idle or connect timeout, ETIMEDOUT)"),
        Map.entry("app_reconnect", "the application opens a new connection in its place"),
        Map.entry("app_give_up", "the application gives the connection up: its last try (aria2's --max-tries, "
            + "libtorrent's max_failcount); none in its place"),
        Map.entry("qdisc_drop", "the egress qdisc drops a packet (1 over the limit, 2 over memory, 3 CoDel)"),
        Map.entry("irq", "a hard interrupt on a line"),
        Map.entry("irq_enable", "the line's interrupt is enabled again"),
        Map.entry("napi_schedule", "NAPI is scheduled on a CPU"),
        Map.entry("net_rx_action", "the NET_RX softirq runs: budget, time limit, NAPI instances"),
        Map.entry("napi_repoll", "a poll used its whole weight: the instance goes to the end of the list"),
        Map.entry("napi_complete_done", "a poll did less than its weight: NAPI completes"),
        Map.entry("backlog_drop", "the RPS backlog is full (netdev_max_backlog): the packet is dropped"),
        Map.entry("rps_ipi", "an inter-processor interrupt wakes the CPU whose backlog got packets"),
        Map.entry("ksoftirqd_wake", "softirq work is left after the restarts: ksoftirqd takes it"),
        Map.entry("softirq_restart", "__do_softirq runs again for pending work"),
        Map.entry("ct_table_full", "conntrack is full: a new connection is dropped"),
        Map.entry("ct_masq_cleanup", "a dial went down: masquerade removes its connections"),
        Map.entry("ft_add", "the flowtable adds a flow"),
        Map.entry("ft_teardown", "the flowtable tears a flow down"),
        Map.entry("rx_ring_land", "a frame lands in an RX ring slot (the NIC's DMA)"),
        Map.entry("irq_held_coalescing", "the NIC holds its interrupt back: coalescing waits for more frames or its "
            + "timer"),
        Map.entry("irq_held_masked", "no interrupt: the RX source is masked while NAPI polls"),
        Map.entry("irq_raise", "the NIC raises its interrupt line"),
        Map.entry("coalesce_timer", "the coalescing timer expires with frames waiting"),
        Map.entry("gro_receive", "GRO takes a frame: merged into a held packet, held as a new one, or passed up"),
        Map.entry("gro_complete", "GRO passes a packet up the stack (its segments, and why now)"));

    private KindInfo() {
    }

    /** @return what the kind means, or "" for a kind not described */
    static String meaning(final String kind) {
        if (kind.startsWith("drop_")) {
            return "a packet is dropped: " + kind.substring(5).replace('_', ' ');
        }
        return MEANING.getOrDefault(kind, "");
    }

    private static final String[][] PALETTES = {
        {"#d62728", "#ff6f61", "#a50f15", "#fb6a4a"},
        {"#1f77b4", "#6baed6", "#08519c", "#9ecae1", "#3182bd", "#17becf"},
        {"#2ca02c", "#98df8a", "#006d2c", "#74c476"},
        {"#9467bd", "#c5b0d5", "#54278f", "#807dba"},
        {"#ff7f0e", "#ffbb78", "#d94801", "#fd8d3c", "#8c564b", "#c49c94"},
        {"#7f7f7f", "#bcbd22", "#e377c2", "#8c6d31"},
    };

    /** @return the colour family: 0 drops, 1 NAPI and IRQs, 2 RX and GRO, 3 dials and conntrack, 4 TCP, 5 other */
    static int family(final String kind) {
        if (kind.startsWith("drop_") || kind.endsWith("_drop") || "time_squeeze".equals(kind)
            || "ct_table_full".equals(kind)) {
            return 0;
        }
        if (kind.startsWith("napi") || kind.startsWith("irq") || "net_rx_action".equals(kind)
            || "dim_rx".equals(kind) || "rps_ipi".equals(kind) || kind.startsWith("softirq")
            || kind.startsWith("ksoftirqd")) {
            return 1;
        }
        if (kind.startsWith("gro") || "rx_hash".equals(kind) || "rx_ring_land".equals(kind)
            || "coalesce_timer".equals(kind)) {
            return 2;
        }
        if (kind.startsWith("dial") || kind.startsWith("conntrack") || kind.startsWith("ct_")
            || kind.startsWith("ft_") || "flow_offload".equals(kind) || kind.startsWith("ppe")) {
            return 3;
        }
        if (kind.startsWith("tcp") || kind.startsWith("app")) {
            return 4;
        }
        return 5;
    }

    /** @return the colour (CSS hex) of the {@code index}-th kind of a family */
    static String colour(final int family, final int index) {
        final String[] p = PALETTES[family];
        return p[index % p.length];
    }
}
