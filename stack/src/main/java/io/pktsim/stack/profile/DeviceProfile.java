package io.pktsim.stack.profile;

import io.pktsim.stack.napi.NapiKnobs;

/**
 * A device profile: the CPU (cores, hardware threads per core, clock, SMT contention, HZ), the NIC driver's ring
 * sizes and interrupt coalescing defaults, the NAPI knobs and the {@link CostTable}. Profiles are data (YAML under
 * the CLI's {@code profiles/}, loaded strictly there); this is their model. Setters validate and chain while
 * the profile is built; a profile is not changed once a simulation uses it.
 */
public final class DeviceProfile {
    private String name = "unnamed";
    private String description = "";
    private int cores = 1;
    private int threadsPerCore = 1;
    private long clockHz = 1_000_000_000L;
    private int smtThroughputPermille = 1000;
    private int hz = 100;
    private String driverName = "generic";
    private int rxRingSlots = 256;
    private int txRingSlots = 256;
    private int rxUsecs = 0;
    private int rxFrames = 1;
    private boolean adaptiveRx = false;
    private boolean sharedIrq = false;
    private boolean separateTxNapi = false;
    private int rxQueues = 1;
    private int napiWeight = 64;
    private int netdevBudget = 300;
    private long netdevBudgetUsecs = 0L;
    private int devWeight = 64;
    private int netdevMaxBacklog = 1000;
    private long groFlushTimeoutNs = 0L;
    private int groNormalBatch = 8;
    private boolean pppoeGro = false;
    private boolean groList = false;
    private boolean udpGroForwarding = false;
    private boolean dsa = false;
    private boolean wanOnOwnGmac = false;
    private int napiDeferHardIrqs = 0;
    private boolean threadedNapi = false;
    private long rpsCpus = 0L;
    private int napiCpu = 0;
    private int txNapiCpu = -1;
    private CostTable costs = new CostTable().freeze();

    /** @return the profile's name, e.g. {@code mt7621} */
    public String name() {
        return name;
    }

    /**
     * @param value the profile's name, e.g. {@code mt7621}
     * @return this
     */
    public DeviceProfile name(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("DeviceProfile: name is null");
        }
        this.name = value;
        return this;
    }

    /** @return one line for people */
    public String description() {
        return description;
    }

    /**
     * @param value one line for people
     * @return this
     */
    public DeviceProfile description(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("DeviceProfile: description is null");
        }
        this.description = value;
        return this;
    }

    /** @return physical cores */
    public int cores() {
        return cores;
    }

    /**
     * @param value physical cores
     * @return this
     */
    public DeviceProfile cores(final int value) {
        if (value < 1 || value > 64) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": cores " + value + " is outside "
                + 1 + ".." + 64);
        }
        this.cores = value;
        return this;
    }

    /** @return hardware threads per core (2 on an MT7621: two VPEs sharing a pipeline) */
    public int threadsPerCore() {
        return threadsPerCore;
    }

    /**
     * @param value hardware threads per core (2 on an MT7621: two VPEs sharing a pipeline)
     * @return this
     */
    public DeviceProfile threadsPerCore(final int value) {
        if (value < 1 || value > 2) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": threadsPerCore " + value + " is outside "
                + 1 + ".." + 2);
        }
        this.threadsPerCore = value;
        return this;
    }

    /** @return the clock, in Hz */
    public long clockHz() {
        return clockHz;
    }

    /**
     * @param value the clock, in Hz
     * @return this
     */
    public DeviceProfile clockHz(final long value) {
        if (value < 1_000_000L || value > 9_000_000_000L) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": clockHz " + value + " is outside "
                + 1_000_000L + ".." + 9_000_000_000L);
        }
        this.clockHz = value;
        return this;
    }

    /**
     * @return a core's throughput with both threads busy relative to one, in permille
     *     (router-facts.md section 13: 1.0 to 1.5, to be calibrated)
     */
    public int smtThroughputPermille() {
        return smtThroughputPermille;
    }

    /**
     * @param value a core's throughput with both threads busy relative to one, in permille
     *     (router-facts.md section 13: 1.0 to 1.5, to be calibrated)
     * @return this
     */
    public DeviceProfile smtThroughputPermille(final int value) {
        if (value < 1000 || value > 2000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": smtThroughputPermille " + value
                + " is outside "
                + 1000 + ".." + 2000);
        }
        this.smtThroughputPermille = value;
        return this;
    }

    /** @return the kernel's HZ (OpenWrt 100) */
    public int hz() {
        return hz;
    }

    /**
     * @param value the kernel's HZ (OpenWrt 100)
     * @return this
     */
    public DeviceProfile hz(final int value) {
        if (value < 1 || value > 10000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": hz " + value + " is outside "
                + 1 + ".." + 10000);
        }
        this.hz = value;
        return this;
    }

    /** @return the NIC driver, e.g. {@code mtk_eth_soc} */
    public String driverName() {
        return driverName;
    }

    /**
     * @param value the NIC driver, e.g. {@code mtk_eth_soc}
     * @return this
     */
    public DeviceProfile driverName(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("DeviceProfile: driverName is null");
        }
        this.driverName = value;
        return this;
    }

    /** @return RX descriptor ring size, slots (a power of two) */
    public int rxRingSlots() {
        return rxRingSlots;
    }

    /**
     * @param value RX descriptor ring size, slots (a power of two)
     * @return this
     */
    public DeviceProfile rxRingSlots(final int value) {
        if (value < 2 || value > 65536) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": rxRingSlots " + value + " is outside "
                + 2 + ".." + 65536);
        }
        this.rxRingSlots = value;
        return this;
    }

    /** @return TX descriptor ring size, slots (a power of two) */
    public int txRingSlots() {
        return txRingSlots;
    }

    /**
     * @param value TX descriptor ring size, slots (a power of two)
     * @return this
     */
    public DeviceProfile txRingSlots(final int value) {
        if (value < 2 || value > 65536) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": txRingSlots " + value + " is outside "
                + 2 + ".." + 65536);
        }
        this.txRingSlots = value;
        return this;
    }

    /** @return ethtool {@code rx-usecs}: RX interrupt delay, microseconds (0: none) */
    public int rxUsecs() {
        return rxUsecs;
    }

    /**
     * @param value ethtool {@code rx-usecs}: RX interrupt delay, microseconds (0: none)
     * @return this
     */
    public DeviceProfile rxUsecs(final int value) {
        if (value < 0 || value > 100000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": rxUsecs " + value + " is outside "
                + 0 + ".." + 100000);
        }
        this.rxUsecs = value;
        return this;
    }

    /** @return ethtool {@code rx-frames}: frames that raise the RX interrupt (1: every frame) */
    public int rxFrames() {
        return rxFrames;
    }

    /**
     * @param value ethtool {@code rx-frames}: frames that raise the RX interrupt (1: every frame)
     * @return this
     */
    public DeviceProfile rxFrames(final int value) {
        if (value < 0 || value > 65536) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": rxFrames " + value + " is outside "
                + 0 + ".." + 65536);
        }
        this.rxFrames = value;
        return this;
    }

    /** @return ethtool {@code adaptive-rx} (DIM) */
    public boolean adaptiveRx() {
        return adaptiveRx;
    }

    /**
     * @param value ethtool {@code adaptive-rx} (DIM)
     * @return this
     */
    public DeviceProfile adaptiveRx(final boolean value) {
        this.adaptiveRx = value;
        return this;
    }

    /** @return one interrupt line for RX and TX of all queues (MT7621's frame engine) */
    public boolean sharedIrq() {
        return sharedIrq;
    }

    /**
     * @param value one interrupt line for RX and TX of all queues (MT7621's frame engine)
     * @return this
     */
    public DeviceProfile sharedIrq(final boolean value) {
        this.sharedIrq = value;
        return this;
    }

    /** @return a separate TX completion NAPI instance (mtk_eth_soc's tx_napi) */
    public boolean separateTxNapi() {
        return separateTxNapi;
    }

    /**
     * @param value a separate TX completion NAPI instance (mtk_eth_soc's tx_napi)
     * @return this
     */
    public DeviceProfile separateTxNapi(final boolean value) {
        this.separateTxNapi = value;
        return this;
    }

    /** The most RX queues a profile may ask for (mlx5's {@code MLX5E_MAX_NUM_CHANNELS}, en.h, 6.18). */
    public static final int MAX_RX_QUEUES = 256;

    /**
     * @return RX queues (ethtool {@code combined} channels): each has its own ring, interrupt vector, NAPI instance,
     *     coalescing and GRO state, and the NIC spreads flows over them by RSS; 1 for a single-ring driver
     */
    public int rxQueues() {
        return rxQueues;
    }

    /**
     * @param value RX queues (ethtool {@code combined} channels), 1..{@link #MAX_RX_QUEUES}; the profile loader
     *     also caps it at the profile's CPU count (one completion vector per online CPU)
     * @return this
     */
    public DeviceProfile rxQueues(final int value) {
        if (value < 1 || value > MAX_RX_QUEUES) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": rxQueues " + value + " is outside "
                + 1 + ".." + MAX_RX_QUEUES);
        }
        this.rxQueues = value;
        return this;
    }

    /** @return the driver's NAPI weight */
    public int napiWeight() {
        return napiWeight;
    }

    /**
     * @param value the driver's NAPI weight
     * @return this
     */
    public DeviceProfile napiWeight(final int value) {
        if (value < 1 || value > 65536) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": napiWeight " + value + " is outside "
                + 1 + ".." + 65536);
        }
        this.napiWeight = value;
        return this;
    }

    /** @return {@code net.core.netdev_budget} */
    public int netdevBudget() {
        return netdevBudget;
    }

    /**
     * @param value {@code net.core.netdev_budget}
     * @return this
     */
    public DeviceProfile netdevBudget(final int value) {
        if (value < 1 || value > 1000000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": netdevBudget " + value + " is outside "
                + 1 + ".." + 1000000);
        }
        this.netdevBudget = value;
        return this;
    }

    /** @return {@code net.core.netdev_budget_usecs}, microseconds; 0 means the default of two jiffies */
    public long netdevBudgetUsecs() {
        return netdevBudgetUsecs;
    }

    /**
     * @param value {@code net.core.netdev_budget_usecs}, microseconds; 0 means the default of two jiffies
     * @return this
     */
    public DeviceProfile netdevBudgetUsecs(final long value) {
        if (value < 0L || value > 100000000L) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": netdevBudgetUsecs " + value + " is outside "
                + 0L + ".." + 100000000L);
        }
        this.netdevBudgetUsecs = value;
        return this;
    }

    /** @return {@code net.core.dev_weight} */
    public int devWeight() {
        return devWeight;
    }

    /**
     * @param value {@code net.core.dev_weight}
     * @return this
     */
    public DeviceProfile devWeight(final int value) {
        if (value < 1 || value > 65536) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": devWeight " + value + " is outside "
                + 1 + ".." + 65536);
        }
        this.devWeight = value;
        return this;
    }

    /** @return {@code net.core.netdev_max_backlog} */
    public int netdevMaxBacklog() {
        return netdevMaxBacklog;
    }

    /**
     * @param value {@code net.core.netdev_max_backlog}
     * @return this
     */
    public DeviceProfile netdevMaxBacklog(final int value) {
        if (value < 1 || value > 10000000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": netdevMaxBacklog " + value + " is outside "
                + 1 + ".." + 10000000);
        }
        this.netdevMaxBacklog = value;
        return this;
    }

    /** @return sysfs {@code gro_flush_timeout}, ns */
    public long groFlushTimeoutNs() {
        return groFlushTimeoutNs;
    }

    /**
     * @param value sysfs {@code gro_flush_timeout}, ns
     * @return this
     */
    public DeviceProfile groFlushTimeoutNs(final long value) {
        if (value < 0L || value > 1_000_000_000L) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": groFlushTimeoutNs " + value + " is outside "
                + 0L + ".." + 1_000_000_000L);
        }
        this.groFlushTimeoutNs = value;
        return this;
    }

    /**
     * @return {@code net.core.gro_normal_batch}: the segments a NAPI instance gathers in its {@code rx_list} before it
     *     passes the list up ({@code gro_normal_one}, include/net/gro.h; default 8, {@code net_hotdata}, 6.18)
     */
    public int groNormalBatch() {
        return groNormalBatch;
    }

    /**
     * @param value {@code sysctl net.core.gro_normal_batch}, 1..4096 (the kernel's minimum is 1)
     * @return this
     */
    public DeviceProfile groNormalBatch(final int value) {
        if (value < 1 || value > 4096) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": groNormalBatch " + value + " is outside "
                + 1 + ".." + 4096);
        }
        this.groNormalBatch = value;
        return this;
    }

    /**
     * @return whether GRO has a handler for PPPoE session frames ({@code ETH_P_PPP_SES}): OpenWrt's
     *     {@code 650-net-pppoe-implement-GRO-support.patch} (Felix Fietkau, target/linux/generic/pending-6.12), not in
     *     mainline 6.18, whose GRO passes PPPoE session frames up one by one; default false
     */
    public boolean pppoeGro() {
        return pppoeGro;
    }

    /**
     * @param value true for a kernel with OpenWrt's PPPoE GRO handler ({@code pppoe_gro_receive})
     * @return this
     */
    public DeviceProfile pppoeGro(final boolean value) {
        this.pppoeGro = value;
        return this;
    }

    /**
     * @return whether the receiving devices have fraglist GRO on ({@code NETIF_F_GRO_FRAGLIST}, {@code ethtool -K
     *     DEV rx-gro-list on}): 6.18's {@code tcp4_check_fraglist_gro} / {@code tcp6_check_fraglist_gro} then chain
     *     a forwarded flow's segments as a frag list, which GSO splits back ({@code skb_segment_list}). Off in
     *     mainline 6.18 ({@code NETIF_F_SOFT_FEATURES_OFF}); on by default in OpenWrt
     *     ({@code 600-net-enable-fraglist-GRO-by-default.patch}, target/linux/generic/hack-6.6 and hack-6.12);
     *     default false
     */
    public boolean groList() {
        return groList;
    }

    /**
     * @param value true for fraglist GRO on every receiving device
     * @return this
     */
    public DeviceProfile groList(final boolean value) {
        this.groList = value;
        return this;
    }

    /**
     * @return whether the receiving devices have UDP GRO for forwarding on ({@code NETIF_F_GRO_UDP_FWD}, {@code
     *     ethtool -K DEV rx-udp-gro-forwarding on}): 6.18's {@code udp_gro_receive_segment} then merges a forwarded
     *     UDP flow's datagrams ({@code skb_gro_receive}) into one {@code SKB_GSO_UDP_L4} packet, which UDP GSO cuts
     *     again where a device lacks {@code NETIF_F_GSO_UDP_L4}. Off by default in Linux and OpenWrt; with
     *     {@link #groList()} on too, fraglist GRO takes the datagrams; default false
     */
    public boolean udpGroForwarding() {
        return udpGroForwarding;
    }

    /**
     * @param value true for UDP GRO for forwarding on every receiving device
     * @return this
     */
    public DeviceProfile udpGroForwarding(final boolean value) {
        this.udpGroForwarding = value;
        return this;
    }

    /**
     * @return whether the switch is driven by DSA (net/dsa, OpenWrt since 21.02 on the MT7621): every switch port a
     *     DSA user port ({@code lan1}..{@code lan4}, {@code wan}) of the conduit eth0, rather than swconfig's VLAN
     *     devices {@code eth0.N}; default false (swconfig)
     */
    public boolean dsa() {
        return dsa;
    }

    /**
     * @param value true for a switch under DSA
     * @return this
     */
    public DeviceProfile dsa(final boolean value) {
        this.dsa = value;
        return this;
    }

    /**
     * @return under DSA, whether the WAN port (line 0) is not behind the switch but on the SoC's second GMAC, as
     *     OpenWrt's mt7621_phicomm_k2p.dts wires it (gmac1 labelled {@code wan}, the switch's PHY 4): its frames
     *     reach the CPU untagged, without a tagger; default false
     */
    public boolean wanOnOwnGmac() {
        return wanOnOwnGmac;
    }

    /**
     * @param value true when line 0 is on its own GMAC under DSA
     * @return this
     */
    public DeviceProfile wanOnOwnGmac(final boolean value) {
        this.wanOnOwnGmac = value;
        return this;
    }

    /** @return sysfs {@code napi_defer_hard_irqs} */
    public int napiDeferHardIrqs() {
        return napiDeferHardIrqs;
    }

    /**
     * @param value sysfs {@code napi_defer_hard_irqs}
     * @return this
     */
    public DeviceProfile napiDeferHardIrqs(final int value) {
        if (value < 0 || value > 1000000) {
            throw new IllegalArgumentException("DeviceProfile " + name + ": napiDeferHardIrqs " + value + " is outside "
                + 0 + ".." + 1000000);
        }
        this.napiDeferHardIrqs = value;
        return this;
    }

    /** @return sysfs {@code threaded}: NAPI polls in kthreads */
    public boolean threadedNapi() {
        return threadedNapi;
    }

    /**
     * @param value sysfs {@code threaded}: NAPI polls in kthreads
     * @return this
     */
    public DeviceProfile threadedNapi(final boolean value) {
        this.threadedNapi = value;
        return this;
    }

    /**
     * @return the {@code rps_cpus} mask of the receive queue (bit i: CPU i may process the queue's packets), 0 for
     *     RPS off (the kernel default: protocol processing stays on the CPU that polled the packet).
     *     {@code get_rps_cpu()} (net/core/dev.c, 6.18) picks {@code map->cpus[reciprocal_scale(hash, map->len)]}.
     *     OpenWrt's packet steering writes it: mode 1 one CPU chosen by load weights, mode 2 all CPUs
     *     ({@code packet-steering.uc}, netifd)
     */
    public long rpsCpus() {
        return rpsCpus;
    }

    /**
     * @param mask the {@code rps_cpus} mask, 0 for off
     * @return this
     */
    public DeviceProfile rpsCpus(final long mask) {
        this.rpsCpus = mask;
        return this;
    }

    /** @return whether RPS is on ({@code rps_cpus} not 0) */
    public boolean rps() {
        return rpsCpus != 0L;
    }

    /**
     * @return the CPU that takes the NIC's interrupt and runs its (RX) NAPI poll: the IRQ's {@code smp_affinity} and,
     *     with threaded NAPI, the CPU the {@code napi/<dev>-N} thread is pinned to (OpenWrt's packet steering pins it)
     */
    public int napiCpu() {
        return napiCpu;
    }

    /**
     * @param cpu the CPU of the NIC's interrupt and RX NAPI poll
     * @return this
     */
    public DeviceProfile napiCpu(final int cpu) {
        this.napiCpu = cpu;
        return this;
    }

    /**
     * @return the CPU of the separate TX NAPI ({@link #separateTxNapi()}), -1 for "the CPU after {@link #napiCpu()}"
     */
    public int txNapiCpu() {
        return txNapiCpu;
    }

    /**
     * @param cpu the CPU of the TX NAPI poll, -1 for the CPU after the RX one
     * @return this
     */
    public DeviceProfile txNapiCpu(final int cpu) {
        this.txNapiCpu = cpu;
        return this;
    }

    /** @return the cost table */
    public CostTable costs() {
        return costs;
    }

    /**
     * @param table the cost table (frozen by this call)
     * @return this
     */
    public DeviceProfile costs(final CostTable table) {
        this.costs = table.freeze();
        return this;
    }

    /** @return the hardware threads (logical CPUs) */
    public int threadCount() {
        return cores * threadsPerCore;
    }

    /** @return the effective {@code netdev_budget_usecs}: the set value, or two jiffies at the profile's HZ */
    public long effectiveNetdevBudgetUsecs() {
        return netdevBudgetUsecs != 0 ? netdevBudgetUsecs : NapiKnobs.defaultNetdevBudgetUsecs(hz);
    }

    /** @return new NAPI knobs from this profile */
    public NapiKnobs napiKnobs() {
        return new NapiKnobs(hz).netdevBudget(netdevBudget).netdevBudgetUsecs(effectiveNetdevBudgetUsecs())
            .devWeight(devWeight).netdevMaxBacklog(netdevMaxBacklog);
    }

    @Override
    public String toString() {
        return "DeviceProfile[" + name + ": " + cores + "x" + threadsPerCore + " @ " + clockHz + " Hz, HZ " + hz
            + ", " + driverName + "]";
    }
}
