package io.pktsim.nic.ppe;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Counters of a {@link PpeFlowTable}: what the MT7621 PPE and its driver (drivers/net/ethernet/mediatek/mtk_ppe.c,
 * Linux 6.18) did with each packet and each offered flow.
 */
public enum PpeCounter implements CounterDescriptor {
    /** A packet was forwarded by the PPE without the CPU (a bound entry). */
    HW_FORWARDED("hw_forwarded", "Packets forwarded by hardware (no CPU)."),
    /** A packet went to the CPU (no bound entry). */
    TO_CPU("to_cpu", "Packets sent to the CPU because their flow is not bound."),
    /** A search miss created an unbound entry ({@code SEARCH_MISS_ACTION_FORWARD_BUILD}). */
    LEARNED("learned", "Unbound entries the PPE created for new flows."),
    /** A search miss found both ways of its bucket taken: nothing was learned. */
    COLLISION("collision", "New flows not learned because both ways of their bucket were taken."),
    /** A packet reached the bind rate: its descriptor carries {@code HIT_UNBIND_RATE_REACHED}. */
    RATE_REACHED("rate_reached", "Packets delivered to the CPU with HIT_UNBIND_RATE_REACHED."),
    /** The driver's check of a hash was skipped: checked less than HZ/10 ago. */
    CHECK_RATE_LIMITED("check_rate_limited", "Driver checks skipped by the per-hash HZ/10 limit."),
    /** The driver checked a hash and found no offloaded flow for it (e.g. its egress is a macvlan). */
    CHECK_NO_FLOW("check_no_flow", "Driver checks that found no offloaded flow to bind."),
    /** The driver committed an offloaded flow to hardware: the entry is bound. */
    BOUND("bound", "Flows bound in hardware."),
    /** A bound entry aged out (idle past its protocol's bind age) and is unbound again. */
    AGED_BOUND("aged_bound", "Bound entries unbound by ageing."),
    /** An unbound entry aged out and was invalidated. */
    AGED_UNBOUND("aged_unbound", "Unbound entries invalidated by ageing."),
    /** Offload refused: the egress is not a port of this frame engine (a macvlan has no forward path). */
    REFUSED_EGRESS("refused_egress", "Offloads refused: the egress device is not a GMAC or DSA port."),
    /** Offload refused: IPv6 with NAT (the PPE only routes IPv6). */
    REFUSED_IPV6_NAT("refused_ipv6_nat", "Offloads refused: IPv6 NAT is not supported."),
    /** Offload refused: more encapsulation than the entry holds (more than one VLAN push). */
    REFUSED_ENCAP("refused_encap", "Offloads refused: more VLAN tags than the entry can push."),
    /** Offload refused: the driver's flow list is full (the model's bound). */
    REFUSED_FULL("refused_full", "Offloads refused: no free software flow entry.");

    private final String label;
    private final String description;

    PpeCounter(final String label, final String description) {
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
