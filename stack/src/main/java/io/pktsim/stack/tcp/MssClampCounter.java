package io.pktsim.stack.tcp;

import io.pktsim.core.counter.CounterDescriptor;

/** Outcomes of {@link MssClamp} per packet the rule saw ({@code tcpmss_tg4}/{@code tcpmss_tg6}, Linux 6.18). */
public enum MssClampCounter implements CounterDescriptor {
    /** Not a SYN (the rule's {@code --tcp-flags SYN,RST SYN} did not match) or not TCP: untouched. */
    NOT_MATCHED("not_matched", "Packets the rule did not match (not TCP, not a SYN, a fragment)."),
    /** The MSS option was lowered to the path MTU's MSS. */
    CLAMPED("clamped", "SYNs whose MSS option was lowered."),
    /** The MSS option was already at or below the clamp value ("never increase MSS"). */
    NOT_LOWERED("not_lowered", "SYNs whose MSS option was already small enough."),
    /** The SYN had no MSS option and no payload: an option with min(clamp, 536 or 1220) was added. */
    OPTION_ADDED("option_added", "SYNs without an MSS option that got one."),
    /** The SYN had no MSS option but carried payload or a full header: left unmodified. */
    OPTION_NOT_ADDED("option_not_added", "SYNs without an MSS option that could not get one."),
    /** The TCP header was malformed or the MTU too small: the kernel drops the packet ({@code NF_DROP}). */
    DROPPED("dropped", "Packets dropped: malformed TCP header or an invalid path MTU.");

    private final String label;
    private final String description;

    MssClampCounter(final String label, final String description) {
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
