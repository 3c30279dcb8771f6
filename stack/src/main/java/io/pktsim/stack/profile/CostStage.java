package io.pktsim.stack.profile;

/**
 * The stages a cost table prices, each with its name in profiles, CPU reports and traces. Costs are cycles of
 * the profile's clock (VPE-cycles on an MT7621) per event, per packet and per byte.
 */
public enum CostStage {
    /** Hard interrupt entry, the driver's handler, {@code napi_schedule}, exit (per interrupt). */
    HARD_IRQ("hard_irq", "interrupt entry, the driver's handler and napi_schedule"),
    /** {@code net_rx_action()} per run. */
    NET_RX_ACTION("net_rx_action", "net_rx_action entry and exit, per run"),
    /** {@code napi_poll()} fixed overhead per poll. */
    NAPI_POLL("napi_poll", "napi_poll fixed overhead, per poll"),
    /** Driver RX: descriptor, DMA unmap (cache invalidate on non-coherent SoCs), build_skb, refill. */
    DRIVER_RX("driver_rx", "driver RX: descriptor, DMA unmap, build_skb, refill"),
    /** GRO receive per packet ({@code napi_gro_receive}). */
    GRO("gro", "napi_gro_receive, per packet"),
    /** {@code __netif_receive_skb} and {@code ip_rcv} with its checks, up to the PREROUTING hook. */
    NETIF_RECEIVE("netif_receive", "__netif_receive_skb and ip_rcv up to PREROUTING"),
    /** The iptables raw table dropping the packet (the XDP paper's "raw drop" row). */
    RAW_DROP("raw_drop", "iptables raw PREROUTING drop"),
    /** FIB lookup ({@code ip_route_input}) with a single route. */
    FIB("fib", "ip_route_input FIB lookup, single route"),
    /** {@code ip_forward}, {@code ip_output}, neighbour output, {@code dev_queue_xmit} and the qdisc bypass. */
    FORWARD("forward", "ip_forward, ip_output, neighbour and dev_queue_xmit"),
    /** Driver TX: descriptor, DMA map (cache flush on non-coherent SoCs), doorbell. */
    DRIVER_TX("driver_tx", "driver TX: descriptor, DMA map, doorbell"),
    /** TX completion: DMA unmap and freeing the skb, per packet (the TX NAPI's poll). */
    TX_COMPLETION("tx_completion", "TX completion: DMA unmap and skb free"),
    /** An RPS IPI taken by its target CPU. */
    IPI("ipi", "an RPS IPI taken by the target CPU"),
    /** A {@code gro_flush_timeout} hrtimer expiry. */
    HRTIMER("hrtimer", "a gro_flush_timeout hrtimer expiry"),
    /** {@code process_backlog()} per packet dequeued. */
    BACKLOG("backlog", "process_backlog, per packet"),
    /** {@code vlan_do_receive} / {@code vlan_dev_hard_start_xmit}: 802.1Q pop or push and the upper device. */
    VLAN("vlan", "802.1Q VLAN device receive or transmit, per packet"),
    /**
     * A DSA user port's tagger: on receive {@code dsa_switch_rcv} (net/dsa/tag.c, 6.18) with the tagger's
     * {@code rcv} ({@code mtk_tag_rcv}, net/dsa/tag_mtk.c: the 4-byte MTK tag stripped, the user port found by its
     * source port) and {@code gro_cells_receive}; on transmit {@code dsa_user_xmit} (net/dsa/user.c) with the
     * tagger's {@code xmit} ({@code mtk_tag_xmit}: the tag pushed) before the conduit's qdisc.
     */
    DSA("dsa", "DSA tagger: user port receive (tag strip, gro_cells) or transmit (tag push), per packet"),
    /** {@code macvlan_handle_frame} (MAC hash demux, another receive pass) / {@code macvlan_start_xmit}. */
    MACVLAN("macvlan", "macvlan demux or transmit, per packet"),
    /**
     * The LAN bridge ({@code br-lan}): on receive the port's rx_handler {@code br_handle_frame} and
     * {@code br_handle_frame_finish} (FDB lookup and learning, net/bridge/br_input.c) handing the frame up with
     * {@code br_pass_frame_up} (another receive pass, on the bridge device); on transmit {@code br_dev_xmit} (FDB
     * lookup, net/bridge/br_device.c) and {@code br_forward} to the port.
     */
    BRIDGE("bridge", "LAN bridge: port receive and pass up to br-lan, or br_dev_xmit to the port, per packet"),
    /**
     * The PPP layer of a PPPoE dial: {@code pppoe_rcv}, {@code ppp_input} and its {@code netif_rx} re-queue /
     * {@code ppp_start_xmit} under {@code ppp->wlock} and {@code pppoe_xmit}.
     */
    PPPOE("pppoe", "PPPoE session decap or encap and the ppp unit, per packet"),
    /** {@code nf_conntrack_in} for a packet of a known connection. */
    CONNTRACK("conntrack", "conntrack lookup of an existing connection, per packet"),
    /** {@code nf_conntrack_in} creating and confirming a new connection. */
    CONNTRACK_NEW("conntrack_new", "conntrack create and confirm, per new connection"),
    /** {@code nf_nat_packet}: address/port rewrite with incremental checksums. */
    NAT("nat", "NAT mangle and checksum update, per packet"),
    /** One netfilter rule evaluated (iptables linear traversal or an nftables expression chain). */
    NF_RULE("nf_rule", "one netfilter rule evaluated, per rule"),
    /** One {@code fib_rules_lookup} rule checked (policy routing; mwan3 adds rules per interface). */
    FIB_RULE("fib_rule", "one policy-routing rule checked, per rule"),
    /**
     * Software GSO ({@code skb_segment}, net/core/skbuff.c, 6.18) of a GRO aggregate at a device that cannot send
     * it whole: a ppp device, which in 6.18 has neither scatter-gather nor checksum offload, so each segment is a new
     * linear skb whose payload is copied and checksummed ({@code skb_copy_and_csum_bits}); per segment and per byte.
     */
    GSO("gso", "software GSO of an aggregate (skb_segment), per segment and per byte copied"),
    /**
     * Fraglist GSO ({@code skb_segment_list}, net/core/skbuff.c, with {@code __tcp4_gso_segment_list} /
     * {@code __tcp6_gso_segment_list}, 6.18) of a fraglist GRO aggregate at the first device without
     * {@code NETIF_F_GSO_FRAGLIST}: each chained skb gets the head's skb fields and headers back (a NATed address or
     * port rewritten with its checksum), nothing copied or checksummed; per segment.
     */
    GSO_LIST("gso_list", "fraglist GSO of an aggregate (skb_segment_list), per segment"),
    /** Root qdisc enqueue plus dequeue ({@code __dev_xmit_skb}). */
    QDISC("qdisc", "qdisc enqueue and dequeue, per packet"),
    /** {@code nf_flow_offload_ip_hook}/{@code _ipv6_hook}: flowtable lookup, NAT, TTL and transmit. */
    FLOWTABLE("flowtable", "software flow offload fast path, per packet");

    private final String label;
    private final String description;

    CostStage(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    /** @return the name in profiles and reports, snake_case */
    public String label() {
        return label;
    }

    /** @return what the stage covers */
    public String description() {
        return description;
    }

    /**
     * Registers every stage under its label.
     *
     * @param stages the CPU stage registry
     * @return the CPU stage id of each cost stage, indexed by ordinal
     */
    public static int[] registerAll(final io.pktsim.core.cpu.CpuStages stages) {
        final CostStage[] all = values();
        final int[] ids = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            ids[i] = stages.register(all[i].label);
        }
        return ids;
    }

    /**
     * @param label a stage name
     * @return the stage, or null if none has that name
     */
    public static CostStage byLabel(final String label) {
        for (final CostStage s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        return null;
    }
}
