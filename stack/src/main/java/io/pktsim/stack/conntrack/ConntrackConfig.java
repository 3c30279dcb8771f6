package io.pktsim.stack.conntrack;

/**
 * Conntrack knobs with their sysctl names and the Linux 6.18 defaults: the TCP timeouts of
 * {@code tcp_timeouts[]} (net/netfilter/nf_conntrack_proto_tcp.c), the UDP timeouts of {@code udp_timeouts[]}
 * (nf_conntrack_proto_udp.c) and {@code nf_conntrack_max}. {@link #openWrt(int)} applies OpenWrt's
 * {@code sysctl-nf-conntrack.conf}. Built once on the control path.
 */
public final class ConntrackConfig {

    private static final long SEC = 1_000_000_000L;

    /** {@code nf_conntrack_max}: the most entries, confirmed or not. */
    public int nfConntrackMax = 16384;
    /** {@code nf_conntrack_tcp_timeout_syn_sent}: 120 s. */
    public long tcpTimeoutSynSentNs = 120 * SEC;
    /** {@code nf_conntrack_tcp_timeout_syn_recv}: 60 s. */
    public long tcpTimeoutSynRecvNs = 60 * SEC;
    /** {@code nf_conntrack_tcp_timeout_established}: 5 days. */
    public long tcpTimeoutEstablishedNs = 5L * 24 * 3600 * SEC;
    /** {@code nf_conntrack_tcp_timeout_fin_wait}: 120 s. */
    public long tcpTimeoutFinWaitNs = 120 * SEC;
    /** {@code nf_conntrack_tcp_timeout_close_wait}: 60 s. */
    public long tcpTimeoutCloseWaitNs = 60 * SEC;
    /** {@code nf_conntrack_tcp_timeout_last_ack}: 30 s. */
    public long tcpTimeoutLastAckNs = 30 * SEC;
    /** {@code nf_conntrack_tcp_timeout_time_wait}: 120 s. */
    public long tcpTimeoutTimeWaitNs = 120 * SEC;
    /** {@code nf_conntrack_tcp_timeout_close}: 10 s. */
    public long tcpTimeoutCloseNs = 10 * SEC;
    /** {@code nf_conntrack_udp_timeout}: 30 s, for a UDP flow that has seen no reply (or is younger than 2 s). */
    public long udpTimeoutNs = 30 * SEC;
    /** {@code nf_conntrack_udp_timeout_stream}: 120 s, for a replied UDP flow older than 2 s. */
    public long udpTimeoutStreamNs = 120 * SEC;
    /** {@code nf_conntrack_tcp_loose}: pick up mid-stream TCP connections from a bare ACK (default on). */
    public boolean tcpLoose = true;
    /** {@code NF_CT_EVICTION_RANGE}: how many chains (here: occupied probe slots) early_drop looks at. */
    public int evictionRange = 8;
    /** Seed of the tuple hash ({@code nf_conntrack_hash_rnd}); fixed for determinism. */
    public int hashSeed = 0x5EED_C0DE;

    /**
     * The kernel defaults with a table size.
     *
     * @param max {@code nf_conntrack_max}
     * @return a config
     */
    public static ConntrackConfig kernelDefaults(final int max) {
        final ConntrackConfig c = new ConntrackConfig();
        c.nfConntrackMax = max;
        return c;
    }

    /**
     * OpenWrt's overrides (package/kernel/linux/files/sysctl-nf-conntrack.conf): TCP established 7440 s, UDP
     * 60 s / stream 180 s.
     *
     * @param max {@code nf_conntrack_max}
     * @return a config
     */
    public static ConntrackConfig openWrt(final int max) {
        final ConntrackConfig c = kernelDefaults(max);
        c.tcpTimeoutEstablishedNs = 7440 * SEC;
        c.udpTimeoutNs = 60 * SEC;
        c.udpTimeoutStreamNs = 180 * SEC;
        return c;
    }
}
