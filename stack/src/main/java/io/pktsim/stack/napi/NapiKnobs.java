package io.pktsim.stack.napi;

/**
 * The NAPI and softnet knobs, with the kernel's defaults (net/core/dev.c and net/core/hotdata.c, Linux 6.18;
 * {@code Documentation/admin-guide/sysctl/net.rst}). Mutable while the model is built, read when it runs.
 */
public final class NapiKnobs {

    /** {@code net.core.netdev_budget}: packets per {@code net_rx_action()} run, shared by all instances. */
    public static final int NETDEV_BUDGET = 300;
    /** {@code NAPI_POLL_WEIGHT}: the default driver weight. */
    public static final int NAPI_POLL_WEIGHT = 64;
    /** {@code net.core.dev_weight} ({@code weight_p}): the backlog NAPI's quota. */
    public static final int DEV_WEIGHT = 64;
    /** {@code net.core.netdev_max_backlog}: the per-CPU input backlog limit. */
    public static final int NETDEV_MAX_BACKLOG = 1000;
    /** {@code netdev_budget_usecs} is {@code 2 * USEC_PER_SEC / HZ}: two jiffies. */
    public static final int NETDEV_BUDGET_JIFFIES = 2;

    private final int hz;
    private int netdevBudget = NETDEV_BUDGET;
    private long netdevBudgetUsecs;
    private int devWeight = DEV_WEIGHT;
    private int netdevMaxBacklog = NETDEV_MAX_BACKLOG;
    private long ipiLatencyNs = 1_000L;

    /**
     * Knobs at their defaults for a kernel HZ.
     *
     * @param hz the kernel's HZ (OpenWrt 100; x86 distributions 250 or 1000)
     */
    public NapiKnobs(final int hz) {
        if (hz < 1 || hz > 10_000) {
            throw new IllegalArgumentException("NapiKnobs: HZ " + hz + " is outside 1..10000");
        }
        this.hz = hz;
        this.netdevBudgetUsecs = defaultNetdevBudgetUsecs(hz);
    }

    /**
     * The default {@code netdev_budget_usecs}: {@code 2 * USEC_PER_SEC / HZ}.
     *
     * @param hz the kernel's HZ
     * @return microseconds (20000 at HZ=100, 8000 at 250, 2000 at 1000)
     */
    public static long defaultNetdevBudgetUsecs(final int hz) {
        return NETDEV_BUDGET_JIFFIES * 1_000_000L / hz;
    }

    /**
     * {@code usecs_to_jiffies()}: rounded up.
     *
     * @param usecs microseconds
     * @param hz the kernel's HZ
     * @return jiffies
     */
    public static long usecsToJiffies(final long usecs, final int hz) {
        return (usecs * hz + 999_999L) / 1_000_000L;
    }

    /** @return the kernel's HZ */
    public int hz() {
        return hz;
    }

    /** @return {@code netdev_budget}, packets */
    public int netdevBudget() {
        return netdevBudget;
    }

    /**
     * @param packets {@code netdev_budget}, at least 1
     * @return this
     */
    public NapiKnobs netdevBudget(final int packets) {
        this.netdevBudget = positive(packets, "netdevBudget");
        return this;
    }

    /** @return {@code netdev_budget_usecs}, microseconds */
    public long netdevBudgetUsecs() {
        return netdevBudgetUsecs;
    }

    /**
     * @param usecs {@code netdev_budget_usecs}, at least 1
     * @return this
     */
    public NapiKnobs netdevBudgetUsecs(final long usecs) {
        if (usecs < 1) {
            throw new IllegalArgumentException("NapiKnobs: netdevBudgetUsecs " + usecs + " must be at least 1");
        }
        this.netdevBudgetUsecs = usecs;
        return this;
    }

    /** @return {@code dev_weight}, the backlog quota, packets */
    public int devWeight() {
        return devWeight;
    }

    /**
     * @param packets {@code dev_weight}, at least 1
     * @return this
     */
    public NapiKnobs devWeight(final int packets) {
        this.devWeight = positive(packets, "devWeight");
        return this;
    }

    /** @return {@code netdev_max_backlog}, packets */
    public int netdevMaxBacklog() {
        return netdevMaxBacklog;
    }

    /**
     * @param packets {@code netdev_max_backlog}, at least 1
     * @return this
     */
    public NapiKnobs netdevMaxBacklog(final int packets) {
        this.netdevMaxBacklog = positive(packets, "netdevMaxBacklog");
        return this;
    }

    /** @return the delay of an RPS IPI from the sending CPU to its target, ns */
    public long ipiLatencyNs() {
        return ipiLatencyNs;
    }

    /**
     * @param ns the IPI delay, at least 0
     * @return this
     */
    public NapiKnobs ipiLatencyNs(final long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("NapiKnobs: ipiLatencyNs " + ns + " is negative");
        }
        this.ipiLatencyNs = ns;
        return this;
    }

    private static int positive(final int v, final String what) {
        if (v < 1) {
            throw new IllegalArgumentException("NapiKnobs: " + what + " " + v + " must be at least 1");
        }
        return v;
    }
}
