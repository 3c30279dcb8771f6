package io.pktsim.stack.gro;

/**
 * The knobs of one GRO instance, with their sysctl, sysfs or ethtool names. Mutable until a {@link GroTable} is
 * built from it; the table copies every value.
 *
 * <p>Defaults are those of the 6.18 test kernel of the rule book: HZ 250, {@code gro_max_size} and
 * {@code gro_ipv4_max_size} 65536, {@code gro_flush_timeout} 0, {@code napi_defer_hard_irqs} 0,
 * {@code gro_normal_batch} 8, {@code rx-gro-list} and {@code rx-udp-gro-forwarding} off, no PPPoE GRO handler
 * (mainline).
 */
public final class GroConfig {

    private boolean groEnabled = true;
    private int hz = 250;
    private int groMaxSizeBytes = 65536;
    private int groIpv4MaxSizeBytes = 65536;
    private long groFlushTimeoutNs;
    private int napiDeferHardIrqs;
    private int groNormalBatch = 8;
    private boolean rxGroList;
    private boolean udpGroForwarding;
    private boolean keepMergedSegments;
    private boolean pppoeGro;
    private GroSocketLookup socketLookup = GroSocketLookup.FORWARD_ALL;

    /** @return whether {@code NETIF_F_GRO} is on for the device */
    public boolean groEnabled() {
        return groEnabled;
    }

    /**
     * @param on {@code ethtool -K dev gro on|off}
     * @return this config
     */
    public GroConfig groEnabled(final boolean on) {
        this.groEnabled = on;
        return this;
    }

    /** @return the kernel's HZ (jiffies per second) */
    public int hz() {
        return hz;
    }

    /**
     * @param value CONFIG_HZ: 100, 250, 300 or 1000 (any value from 1 to 1000000 is accepted)
     * @return this config
     */
    public GroConfig hz(final int value) {
        if (value < 1 || value > 1_000_000) {
            throw new IllegalArgumentException("GroConfig: HZ " + value + " is outside 1..1000000");
        }
        this.hz = value;
        return this;
    }

    /** @return {@code gro_max_size}: the aggregate limit for IPv6 (and others), bytes from the network header */
    public int groMaxSizeBytes() {
        return groMaxSizeBytes;
    }

    /**
     * @param bytes {@code ip link set dev D gro_max_size N}, 1..524280 (above 65536 is BIG TCP)
     * @return this config
     */
    public GroConfig groMaxSizeBytes(final int bytes) {
        this.groMaxSizeBytes = checkSize(bytes);
        return this;
    }

    /** @return {@code gro_ipv4_max_size}: the aggregate limit for IPv4, bytes from the network header */
    public int groIpv4MaxSizeBytes() {
        return groIpv4MaxSizeBytes;
    }

    /**
     * @param bytes {@code ip link set dev D gro_ipv4_max_size N}, 1..524280
     * @return this config
     */
    public GroConfig groIpv4MaxSizeBytes(final int bytes) {
        this.groIpv4MaxSizeBytes = checkSize(bytes);
        return this;
    }

    private static int checkSize(final int bytes) {
        if (bytes < 1 || bytes > 8 * 65535) {
            throw new IllegalArgumentException("GroConfig: gro max size " + bytes + " is outside 1..524280");
        }
        return bytes;
    }

    /** @return {@code gro_flush_timeout} in ns; 0 flushes everything at every poll completion */
    public long groFlushTimeoutNs() {
        return groFlushTimeoutNs;
    }

    /**
     * @param ns {@code /sys/class/net/D/gro_flush_timeout}, ns, at least 0
     * @return this config
     */
    public GroConfig groFlushTimeoutNs(final long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("GroConfig: gro_flush_timeout " + ns + " ns is negative");
        }
        this.groFlushTimeoutNs = ns;
        return this;
    }

    /** @return {@code napi_defer_hard_irqs} */
    public int napiDeferHardIrqs() {
        return napiDeferHardIrqs;
    }

    /**
     * @param count {@code /sys/class/net/D/napi_defer_hard_irqs}, at least 0
     * @return this config
     */
    public GroConfig napiDeferHardIrqs(final int count) {
        if (count < 0) {
            throw new IllegalArgumentException("GroConfig: napi_defer_hard_irqs " + count + " is negative");
        }
        this.napiDeferHardIrqs = count;
        return this;
    }

    /** @return {@code net.core.gro_normal_batch}: segments batched before the list is passed up */
    public int groNormalBatch() {
        return groNormalBatch;
    }

    /**
     * @param segments {@code sysctl net.core.gro_normal_batch}, 1..4096
     * @return this config
     */
    public GroConfig groNormalBatch(final int segments) {
        if (segments < 1 || segments > 4096) {
            throw new IllegalArgumentException("GroConfig: gro_normal_batch " + segments + " is outside 1..4096");
        }
        this.groNormalBatch = segments;
        return this;
    }

    /** @return whether {@code rx-gro-list} ({@code NETIF_F_GRO_FRAGLIST}) is on */
    public boolean rxGroList() {
        return rxGroList;
    }

    /**
     * @param on {@code ethtool -K dev rx-gro-list on|off}: fraglist GRO for TCP flows without a local socket
     *     ({@link #socketLookup(GroSocketLookup)}) and for every UDP datagram (6.18 looks a UDP socket up only for
     *     UDP encapsulation; without this knob or {@link #udpGroForwarding(boolean)} UDP is never merged); with
     *     both on, fraglist GRO takes the UDP datagrams ({@code is_flist})
     * @return this config
     */
    public GroConfig rxGroList(final boolean on) {
        this.rxGroList = on;
        return this;
    }

    /** @return whether {@code rx-udp-gro-forwarding} ({@code NETIF_F_GRO_UDP_FWD}) is on */
    public boolean udpGroForwarding() {
        return udpGroForwarding;
    }

    /**
     * ethtool's {@code rx-udp-gro-forwarding} ({@code NETIF_F_GRO_UDP_FWD}), off by default in Linux: UDP GRO of
     * datagrams without a local socket (the model never finds one) that merges their payload into one
     * {@code SKB_GSO_UDP_L4} packet ({@code udp_gro_receive()} calls {@code udp_gro_receive_segment()} without
     * {@code is_flist}), rather than chaining them as fraglist GRO does. With {@link #rxGroList(boolean)} on too,
     * fraglist GRO takes the datagrams instead ({@code is_flist} is set whenever the device has
     * {@code NETIF_F_GRO_FRAGLIST}).
     *
     * @param on {@code ethtool -K dev rx-udp-gro-forwarding on|off}
     * @return this config
     */
    public GroConfig udpGroForwarding(final boolean on) {
        this.udpGroForwarding = on;
        return this;
    }

    /** @return whether merged segments are chained behind their aggregate instead of freed */
    public boolean keepMergedSegments() {
        return keepMergedSegments;
    }

    /**
     * Model choice, not a kernel knob: chain merged segments behind the aggregate with {@code PacketStore.next}
     * (so their payload bytes stay readable, as the kernel's frags do) instead of freeing their slots. Fraglist
     * aggregates always chain.
     *
     * @param on whether to chain
     * @return this config
     */
    public GroConfig keepMergedSegments(final boolean on) {
        this.keepMergedSegments = on;
        return this;
    }

    /** @return whether GRO has OpenWrt's PPPoE session handler ({@link #pppoeGro(boolean)}) */
    public boolean pppoeGro() {
        return pppoeGro;
    }

    /**
     * Kernel build choice, not a runtime knob: OpenWrt's {@code pppoe_gro_receive} / {@code pppoe_gro_complete}
     * ({@code packet_offload} for {@code ETH_P_PPP_SES}, priority 20; drivers/net/ppp/pppoe.c with
     * target/linux/generic/pending-6.12/650-net-pppoe-implement-GRO-support.patch). Mainline 6.18 has no GRO handler
     * for PPPoE session frames (off, the default: they bypass GRO as {@link GroReason#NO_HANDLER}).
     *
     * @param on whether PPPoE session frames carrying IPv4 or IPv6 go through GRO
     * @return this config
     */
    public GroConfig pppoeGro(final boolean on) {
        this.pppoeGro = on;
        return this;
    }

    /** @return the local-socket lookup of the fraglist heuristic */
    public GroSocketLookup socketLookup() {
        return socketLookup;
    }

    /**
     * @param lookup decides which flows are local (ordinary GRO) when {@code rx-gro-list} is on
     * @return this config
     */
    public GroConfig socketLookup(final GroSocketLookup lookup) {
        if (lookup == null) {
            throw new IllegalArgumentException("GroConfig: socket lookup is null");
        }
        this.socketLookup = lookup;
        return this;
    }
}
