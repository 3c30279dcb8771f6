package io.pktsim.stack.napi;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * The per-CPU {@code softnet_stat} counters (net/core/net-procfs.c, Linux 6.18; {@code /proc/net/softnet_stat}
 * columns 1, 2, 3, 10 and 9) and what this model adds.
 */
public enum SoftnetCounter implements CounterDescriptor {
    /** Packets received into the stack on this CPU (__netif_receive_skb), column 1. */
    PROCESSED("processed", "packets received into the stack on this CPU (__netif_receive_skb), column 1"),
    /** Packets dropped because the input backlog held more than netdev_max_backlog, column 2. */
    DROPPED("dropped", "packets dropped because the input backlog held more than netdev_max_backlog, column 2"),
    /** Net_rx_action runs ended by the budget or the time limit, column 3. */
    TIME_SQUEEZE("time_squeeze", "net_rx_action runs ended by the budget or the time limit, column 3"),
    /** RPS IPIs received that scheduled this CPU's backlog, column 10. */
    RECEIVED_RPS("received_rps", "RPS IPIs received that scheduled this CPU's backlog, column 10"),
    /** Packets dropped by the RPS flow limit; stays 0: flow_limit_cpu_bitmap is empty by default and not modelled. */
    FLOW_LIMIT_COUNT("flow_limit_count",
        "packets dropped by the RPS flow limit; stays 0: flow_limit_cpu_bitmap is empty by default and not modelled"),
    /** Net_rx_action runs. */
    NET_RX_ACTIONS("net_rx_actions", "net_rx_action runs"),
    /** Napi_poll calls made from net_rx_action. */
    POLLS("polls", "napi_poll calls made from net_rx_action"),
    /** Instances that used their whole weight and went back on the poll list. */
    REPOLLS("repolls", "instances that used their whole weight and went back on the poll list"),
    /** Net_rx_action runs ended by netdev_budget (counted in time_squeeze too). */
    BUDGET_EXHAUSTED("budget_exhausted", "net_rx_action runs ended by netdev_budget (counted in time_squeeze too)"),
    /** Net_rx_action runs ended by netdev_budget_usecs (counted in time_squeeze too). */
    TIME_LIMIT("time_limit", "net_rx_action runs ended by netdev_budget_usecs (counted in time_squeeze too)"),
    /** Packets queued on this CPU's input backlog. */
    BACKLOG_ENQUEUED("backlog_enqueued", "packets queued on this CPU's input backlog"),
    /** RPS IPIs sent from this CPU. */
    IPIS_SENT("ipis_sent", "RPS IPIs sent from this CPU");

    private final String label;
    private final String description;

    SoftnetCounter(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }
}
