package io.pktsim.lb.mwan3;

/**
 * The rule evaluations one packet costs under mwan3, for the CPU model: the mangle chain {@code mwan3_hook}
 * (PREROUTING and OUTPUT) and the policy-routing rules, counted as router-facts.md section 9 derives them
 * from mwan3.sh v2.7.5 and v2.12.
 *
 * <p>An established connection's packet: {@code CONNMARK --restore-mark}, the mark is set, so the three
 * "if mark == 0" jumps are checked and skipped, {@code CONNMARK --save-mark}, and the final
 * {@code mwan3_connected} check: {@value #ESTABLISHED_RULES} rule evaluations, 2 CONNMARK operations and 1
 * ipset lookup, independent of the number of interfaces. A new connection's packet additionally walks
 * {@code mwan3_ifaces_in} (one jump per interface into a chain of {@code ifacesInChainRules} rules), the
 * user rules up to the matching one, and the policy chain up to the rule that fires.
 *
 * <p>The FIB rules ({@code ip rule}) are walked linearly by every forwarded packet: the local rule, one
 * {@code iif} rule per interface (pref 1000 + id), then the {@code fwmark} rules (pref 2000 + id) up to the
 * packet's interface id. A packet that arrived on an mwan3 interface stops at its own {@code iif} rule, so a
 * download checks about N/2 rules and an upload about 1.5N (router-facts.md section 9).
 */
public final class Mwan3RuleCost {

    /** Rule evaluations of a packet of an established connection in {@code mwan3_hook}. */
    public static final int ESTABLISHED_RULES = 6;
    /** CONNMARK restore and save per packet. */
    public static final int CONNMARK_OPERATIONS = 2;

    private final int interfaces;
    private final int ifacesInChainRules;

    /**
     * Creates the cost model.
     *
     * @param interfaces the number of mwan3 interfaces N
     * @param ifacesInChainRules rules in each {@code mwan3_iface_in_<if>} chain (2 in v2.7.5, 4 in v2.12)
     */
    public Mwan3RuleCost(final int interfaces, final int ifacesInChainRules) {
        this.interfaces = interfaces;
        this.ifacesInChainRules = ifacesInChainRules;
    }

    /** @return rule evaluations of an established connection's packet in the mangle hook */
    public int establishedRules() {
        return ESTABLISHED_RULES;
    }

    /**
     * Rule evaluations of a new connection's first packet in the mangle hook.
     *
     * @param userRulesEvaluated user rules checked in {@code mwan3_rules} up to the match
     * @param statisticRulesEvaluated statistic rules checked in the policy chain
     *     ({@link Mwan3Policy#lastStatisticRules()})
     * @param fellThroughToFallback whether the fallback rule fired (one more evaluation)
     * @return the count
     */
    public int newConnectionRules(final int userRulesEvaluated, final int statisticRulesEvaluated,
        final boolean fellThroughToFallback) {
        final int ifacesIn = interfaces * (1 + ifacesInChainRules);
        return ESTABLISHED_RULES + ifacesIn + userRulesEvaluated + statisticRulesEvaluated
            + (fellThroughToFallback ? 1 : 0);
    }

    /**
     * FIB rule checks of a forwarded packet from the LAN marked for an interface id: it arrives on no mwan3
     * interface, so every {@code iif} rule fails before the {@code fwmark} rules ({@code fib_rules_lookup()},
     * net/core/fib_rules.c, walks the list in preference order and stops at the first match, Linux 6.18).
     *
     * @param interfaceId the id 1..N of the marked interface (its position among the fwmark rules)
     * @return the rules checked: the local rule, N iif rules, and fwmark rules up to the match
     */
    public int fibRuleChecks(final int interfaceId) {
        return 1 + interfaces + interfaceId;
    }

    /**
     * FIB rule checks of a forwarded packet that arrived on an mwan3 interface (a download through a dial):
     * the {@code iif <dev> lookup <id>} rule at preference 1000 + id matches before any {@code fwmark} rule,
     * and the interface's table holds a copy of the main table's routes, so the walk ends there.
     *
     * @param interfaceId the id 1..N of the interface the packet arrived on
     * @return the rules checked: the local rule and the iif rules up to the match
     */
    public int fibRuleChecksArrivingOn(final int interfaceId) {
        return 1 + interfaceId;
    }
}
