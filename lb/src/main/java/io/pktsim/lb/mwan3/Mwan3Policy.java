package io.pktsim.lb.mwan3;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.agrona.collections.Long2LongHashMap;

/**
 * One mwan3 policy ({@code config policy} with its {@code use_member} list) and one rule using it, as the
 * iptables chain {@code mwan3_policy_<name>} that {@code mwan3_set_policy()} (net/mwan3/files/lib/mwan3/
 * mwan3.sh, v2.7.5 to v2.12) builds, and the {@code statistic} match of the kernel (net/netfilter/
 * xt_statistic.c, Linux 6.18).
 *
 * <p>Members are processed in configuration order. Only online members with the lowest metric take part:
 * the first such member gets the fallback rule (appended), each later one a rule inserted at the head of the
 * chain with probability {@code weight * 1000 / running_total} per mille (integer division, so three
 * decimals), which libxt_statistic turns into {@code lround(2^31 * p)}. A new connection walks the chain
 * from the head; each statistic rule draws a fresh 31-bit random number. The per-mille truncation makes the
 * split only approximately proportional to the weights: {@link #probabilityOf(int)} gives the exact shares.
 *
 * <p>Sticky mode ({@code sticky 1}, {@code timeout} seconds, default 600): a new connection whose source
 * address chose an interface within the timeout takes the same one if it is still a member; every new
 * connection refreshes the entry. New connections only; established ones keep their conntrack mark.
 *
 * <p>{@link #choose} allocates nothing, except when a sticky entry is added to the table (amortised).
 */
public final class Mwan3Policy {

    /** Returned by {@link #choose} when no member is online. */
    public static final int NO_INTERFACE = -1;

    private final int count;
    private final int[] weights;
    private final int[] metrics;
    private final boolean[] online;
    private final int[] chainMember;
    private final int[] chainThreshold;
    private final int[] chainPerMille;
    private int chainLength;
    private int fallback = NO_INTERFACE;
    private final SplittableRandom random;
    private final boolean sticky;
    private final long stickyTimeoutNs;
    private final Long2LongHashMap stickyTable = new Long2LongHashMap(-1L);
    private int lastStatisticRules;

    /**
     * Creates the policy.
     *
     * @param memberWeights {@code weight} of each member in {@code use_member} order (1..1000)
     * @param memberMetrics {@code metric} of each member (lower wins)
     * @param interfaceMax the mark mask's interface limit; more members than this is a configuration error
     * @param sticky whether the rule using the policy is sticky
     * @param stickyTimeoutNs the sticky timeout in ns (mwan3's default 600 s)
     * @param seed seed of the random stream that stands in for the kernel's {@code get_random_u32()}
     * @throws IllegalArgumentException for mismatched arrays, a bad weight or too many interfaces
     */
    public Mwan3Policy(final int[] memberWeights, final int[] memberMetrics, final int interfaceMax,
        final boolean sticky, final long stickyTimeoutNs, final long seed) {
        count = memberWeights.length;
        if (count == 0 || memberMetrics.length != count) {
            throw new IllegalArgumentException("need one metric per member and at least one member");
        }
        if (count > interfaceMax) {
            throw new IllegalArgumentException(count + " interfaces exceed the mark mask's limit of " + interfaceMax
                + " (mmx_mask; 0x3F00 allows 60)");
        }
        for (final int w : memberWeights) {
            if (w < 1 || w > 1000) {
                throw new IllegalArgumentException("mwan3 member weight must be 1..1000, not " + w);
            }
        }
        weights = memberWeights.clone();
        metrics = memberMetrics.clone();
        online = new boolean[count];
        Arrays.fill(online, true);
        chainMember = new int[count];
        chainThreshold = new int[count];
        chainPerMille = new int[count];
        random = new SplittableRandom(seed);
        this.sticky = sticky;
        this.stickyTimeoutNs = stickyTimeoutNs;
        rebuild();
    }

    /** {@code mwan3_set_policy()} over the members in order: rebuilds the chain. */
    private void rebuild() {
        int lowest = Integer.MAX_VALUE;
        int total = 0;
        chainLength = 0;
        fallback = NO_INTERFACE;
        for (int i = 0; i < count; i++) {
            if (!online[i]) {
                continue;
            }
            if (metrics[i] < lowest) {
                // A new lowest metric: flush the chain and append this member's fallback rule.
                lowest = metrics[i];
                total = weights[i];
                chainLength = 0;
                fallback = i;
            } else if (metrics[i] == lowest) {
                total += weights[i];
                final int perMille = weights[i] * 1000 / total;
                // -I: insert at the head of the chain.
                System.arraycopy(chainMember, 0, chainMember, 1, chainLength);
                System.arraycopy(chainThreshold, 0, chainThreshold, 1, chainLength);
                System.arraycopy(chainPerMille, 0, chainPerMille, 1, chainLength);
                chainMember[0] = i;
                chainPerMille[0] = perMille;
                chainThreshold[0] = threshold(perMille);
                chainLength++;
            }
        }
    }

    /**
     * libxt_statistic's conversion of a probability written with three decimals:
     * {@code lround(0x80000000 * p)}, at most 2^31 (for "1").
     *
     * @param perMille the probability in thousandths (0..1000)
     * @return the threshold the kernel compares {@code random & 0x7fffffff} with
     */
    static int threshold(final int perMille) {
        final long t = Math.round(2147483648.0 * perMille / 1000.0);
        return (int) Math.min(t, Integer.MAX_VALUE);
    }

    /**
     * Chooses the interface of a new connection.
     *
     * @param sourceIpv4 the connection's source address (sticky key)
     * @param nowNs the current time (sticky timeout)
     * @return the member index, or {@link #NO_INTERFACE}
     */
    public int choose(final int sourceIpv4, final long nowNs) {
        if (sticky) {
            final long entry = stickyTable.get(sourceIpv4 & 0xFFFF_FFFFL);
            if (entry != -1L) {
                final int member = (int) (entry >>> 48);
                final long expiresNs = entry & 0xFFFF_FFFF_FFFFL;
                if (expiresNs > (nowNs & 0xFFFF_FFFF_FFFFL) && member < count && online[member]
                    && isInPolicy(member)) {
                    lastStatisticRules = 0;
                    remember(sourceIpv4, member, nowNs);
                    return member;
                }
            }
        }
        final int chosen = walkChain();
        if (sticky && chosen != NO_INTERFACE) {
            remember(sourceIpv4, chosen, nowNs);
        }
        return chosen;
    }

    private boolean isInPolicy(final int member) {
        if (member == fallback) {
            return true;
        }
        for (int j = 0; j < chainLength; j++) {
            if (chainMember[j] == member) {
                return true;
            }
        }
        return false;
    }

    private void remember(final int sourceIpv4, final int member, final long nowNs) {
        final long expires = (nowNs + stickyTimeoutNs) & 0xFFFF_FFFF_FFFFL;
        stickyTable.put(sourceIpv4 & 0xFFFF_FFFFL, ((long) member << 48) | expires);
    }

    private int walkChain() {
        for (int j = 0; j < chainLength; j++) {
            if ((random.nextInt() & 0x7FFF_FFFF) < chainThreshold[j]) {
                lastStatisticRules = j + 1;
                return chainMember[j];
            }
        }
        lastStatisticRules = chainLength;
        return fallback;
    }

    /**
     * The exact share of new connections a member receives (without sticky), from the chain's quantised
     * probabilities.
     *
     * @param member the member index
     * @return the probability 0..1
     */
    public double probabilityOf(final int member) {
        double remaining = 1;
        for (int j = 0; j < chainLength; j++) {
            final double p = chainThreshold[j] / 2147483648.0;
            if (chainMember[j] == member) {
                return remaining * p;
            }
            remaining *= 1 - p;
        }
        return member == fallback ? remaining : 0;
    }

    /**
     * Sets a member online or offline (mwan3track's verdict); the chain is rebuilt.
     *
     * @param member the member
     * @param isOnline its state
     */
    public void setOnline(final int member, final boolean isOnline) {
        online[member] = isOnline;
        rebuild();
    }

    /** @return the number of statistic rules the last non-sticky choice evaluated */
    public int lastStatisticRules() {
        return lastStatisticRules;
    }

    /** @return the number of statistic rules in the chain (the fallback rule excluded) */
    public int statisticRuleCount() {
        return chainLength;
    }

    /**
     * The per-mille probability written into a chain rule.
     *
     * @param position the rule's position from the head (0-based)
     * @return the probability in thousandths
     */
    public int perMilleAt(final int position) {
        return chainPerMille[position];
    }

    /**
     * The member of a chain rule.
     *
     * @param position the rule's position from the head (0-based)
     * @return the member index
     */
    public int memberAt(final int position) {
        return chainMember[position];
    }

    /** @return the member with the fallback rule, or {@link #NO_INTERFACE} */
    public int fallbackMember() {
        return fallback;
    }
}
