package io.pktsim.stack.netfilter;

/**
 * How many firewall rules one forwarded packet is evaluated against, from the rule structure OpenWrt's
 * firewall generates for a LAN zone (one device) and a WAN zone of N PPPoE dial devices with {@code masq=1}
 * and {@code mtu_fix=1}, for the CPU model to charge per rule (router-facts.md section 7). The kernel walks
 * iptables chains linearly in {@code ipt_do_table()} (net/ipv4/netfilter/ip_tables.c) and nftables chains in
 * {@code nft_do_chain()} (net/netfilter/nf_tables_core.c), Linux 6.18; the nat table is consulted only for a
 * connection's first packet ({@code nf_nat_inet_fn}).
 *
 * <p><b>fw3</b> (iptables, OpenWrt up to 21.02; firewall3 defaults.c {@code fw3_print_default_head_rules} and
 * zones.c {@code print_interface_rule}, {@code print_zone_rule}, as of 2018 and later): every forwarded packet walks
 * mangle {@code FORWARD}, which holds the {@code -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu}
 * rules of every dial (TCPMSS does not stop the walk), then filter {@code FORWARD}: {@code -j forwarding_rule} (1),
 * the {@code FLOWOFFLOAD} rule when flow offloading is on (1) and {@code --ctstate RELATED,ESTABLISHED -j ACCEPT}
 * (1), which accepts every packet of an established connection. The MSS rules per dial depend on the firewall3
 * version: {@link Flavor#FW3_2019} (firewall3 as shipped until late 2019: OpenWrt 18.06, 19.07.0 and the LEDE
 * trees of that time) has one, {@code -o dev}; {@link Flavor#FW3} (from the 2020 versions on, e.g. 19.07.5 and
 * 21.02) adds {@code -i dev}, two per dial (firewall3 at HEAD moved the {@code -o} rule to mangle
 * {@code POSTROUTING}, which a forwarded packet walks as well). So an established packet evaluates <b>N + 2</b>
 * or <b>2N + 2</b> (+1) rules. The first packet of a connection leaving by the dial at position k (1..N)
 * continues in filter {@code FORWARD} past the ACCEPT (1) to the zone jumps: the LAN device's comes first and
 * matches (1), {@code zone_lan_forward} has 3 rules up to the jump to {@code zone_wan_dest_ACCEPT}, which holds
 * an INVALID-drop and an ACCEPT rule per dial up to dial k (2k); nat {@code PREROUTING}: {@code prerouting_rule}
 * (1), the LAN device's jump (1) into {@code prerouting_lan_rule} (1), and the N dial jumps after it; nat
 * {@code POSTROUTING}: {@code postrouting_rule} (1), the LAN jump (1), the dial jumps up to k, then
 * {@code postrouting_wan_rule} (1) and {@code MASQUERADE} (1): in all <b>N + 3k + 11</b> on top of the
 * established walk, linear in N. A chain that is jumped to and empty costs nothing beyond the jump. (The
 * {@code delegate_*} and {@code mssfix} chains of the first firewall3 versions, 2013-2014, are gone by 2018.)
 *
 * <p><b>fw4</b> (nftables, OpenWrt ≥ 22.03): the dial devices sit in sets ({@code iifname { ... }}), so the
 * counts do not grow with N: mangle_forward 2 (the two maxseg rules), forward: {@code flow add @ft} (if
 * offloading) and the {@code ct state vmap} that accepts established packets: <b>3</b> (+1); a new connection
 * adds the {@code iifname} jump, {@code jump accept_to_wan}, its INVALID-drop and accept, dstnat's LAN jump, and
 * srcnat's {@code oifname} jump plus {@code masquerade}: <b>10</b> (+1). A set lookup counts as one rule.
 *
 * <p>Packets forwarded by a flowtable or the PPE evaluate no rule. Extra per-packet and per-new-connection
 * rules (mwan3's mangle chains from {@code io.pktsim.lb.mwan3.Mwan3RuleCost}, user rules) are added with
 * {@link #withExtraRules}. These counts are derived from the generated rulesets ([DER]); the assumptions are
 * one LAN device, no user rules, no redirects, no {@code auto_helper} chains.
 */
public final class FirewallRuleCost {

    /** Which firewall generated the rules. */
    public enum Flavor {
        /** firewall3, iptables, from 2020 on: two TCPMSS rules per dial ({@code -o dev} and {@code -i dev}). */
        FW3,
        /** firewall3, iptables, as shipped until late 2019: one TCPMSS rule per dial ({@code -o dev}). */
        FW3_2019,
        /** firewall4, nftables. */
        FW4
    }

    private final Flavor flavor;
    private final int dials;
    private final boolean mtuFix;
    private final boolean flowOffload;
    private final int extraPerPacket;
    private final int extraPerNewConnection;

    private FirewallRuleCost(final Flavor flavor, final int dials, final boolean mtuFix, final boolean flowOffload,
        final int extraPerPacket, final int extraPerNewConnection) {
        if (dials < 1) {
            throw new IllegalArgumentException("FirewallRuleCost: " + dials + " dial devices; need at least 1");
        }
        this.flavor = flavor;
        this.dials = dials;
        this.mtuFix = mtuFix;
        this.flowOffload = flowOffload;
        this.extraPerPacket = extraPerPacket;
        this.extraPerNewConnection = extraPerNewConnection;
    }

    /**
     * The fw3 (iptables) preset from 2020 on (OpenWrt 19.07.5, 21.02): two TCPMSS rules per dial.
     *
     * @param dials the number N of dial devices in the WAN zone
     * @param mtuFix whether the zone has {@code mtu_fix=1} (2 TCPMSS rules per dial)
     * @param flowOffload whether {@code flow_offloading=1} (the FLOWOFFLOAD rule)
     * @return the cost model
     */
    public static FirewallRuleCost fw3(final int dials, final boolean mtuFix, final boolean flowOffload) {
        return new FirewallRuleCost(Flavor.FW3, dials, mtuFix, flowOffload, 0, 0);
    }

    /**
     * The fw3 (iptables) preset as shipped until late 2019 (OpenWrt 18.06, the LEDE trees of 2018-2019): one
     * TCPMSS rule per dial.
     *
     * @param dials the number N of dial devices in the WAN zone
     * @param mtuFix whether the zone has {@code mtu_fix=1} (1 TCPMSS rule per dial)
     * @param flowOffload whether {@code flow_offloading=1} (the FLOWOFFLOAD rule)
     * @return the cost model
     */
    public static FirewallRuleCost fw3Of2019(final int dials, final boolean mtuFix, final boolean flowOffload) {
        return new FirewallRuleCost(Flavor.FW3_2019, dials, mtuFix, flowOffload, 0, 0);
    }

    /**
     * The fw4 (nftables) preset.
     *
     * @param dials the number N of dial devices in the WAN zone
     * @param mtuFix whether the zone has {@code mtu_fix=1} (2 maxseg rules)
     * @param flowOffload whether {@code flow_offloading=1} (the {@code flow add @ft} rule)
     * @return the cost model
     */
    public static FirewallRuleCost fw4(final int dials, final boolean mtuFix, final boolean flowOffload) {
        return new FirewallRuleCost(Flavor.FW4, dials, mtuFix, flowOffload, 0, 0);
    }

    /**
     * Adds rules every packet and every new connection's first packet evaluate on top, e.g. mwan3's
     * {@code mwan3_hook} ({@code Mwan3RuleCost.establishedRules()} and {@code newConnectionRules(...)}).
     *
     * @param perPacket rules every forwarded packet evaluates
     * @param perNewConnection further rules a new connection's first packet evaluates
     * @return a new cost model
     */
    public FirewallRuleCost withExtraRules(final int perPacket, final int perNewConnection) {
        return new FirewallRuleCost(flavor, dials, mtuFix, flowOffload, extraPerPacket + perPacket,
            extraPerNewConnection + perNewConnection);
    }

    /** @return the flavor */
    public Flavor flavor() {
        return flavor;
    }

    /** @return the number of dial devices */
    public int dials() {
        return dials;
    }

    /** @return rules evaluated by a packet of an established connection, in either direction */
    public int establishedRules() {
        final int off = flowOffload ? 1 : 0;
        if (flavor != Flavor.FW4) {
            final int mssRules = flavor == Flavor.FW3 ? 2 : 1;
            return (mtuFix ? mssRules * dials : 0) + 1 + off + 1 + extraPerPacket;
        }
        return (mtuFix ? 2 : 0) + off + 1 + extraPerPacket;
    }

    /**
     * Rules evaluated by the first packet of a connection from the LAN leaving by the dial at a position.
     *
     * @param dialPosition the dial's position 1..N in the zone's device list
     * @return the count
     */
    public int newConnectionRules(final int dialPosition) {
        if (dialPosition < 1 || dialPosition > dials) {
            throw new IllegalArgumentException("FirewallRuleCost: dial position " + dialPosition + " is not in 1.."
                + dials);
        }
        final int established = establishedRules();
        if (flavor != Flavor.FW4) {
            final int filter = 1 + 3 + 2 * dialPosition;
            final int natPrerouting = 1 + 1 + 1 + dials;
            final int natPostrouting = 1 + 1 + dialPosition + 1 + 1;
            return established + filter + natPrerouting + natPostrouting + extraPerNewConnection;
        }
        return established + 4 + 1 + 2 + extraPerNewConnection;
    }

    /**
     * Rules evaluated by one forwarded packet on the classic path.
     *
     * @param newConnection whether it is its connection's first packet (ctinfo NEW)
     * @param dialPosition the dial it leaves by (1..N), used for new connections
     * @return the count
     */
    public int rulesPerPacket(final boolean newConnection, final int dialPosition) {
        return newConnection ? newConnectionRules(dialPosition) : establishedRules();
    }
}
