package io.pktsim.lb.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import java.util.Objects;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.FlowKeyExtractor;
import io.pktsim.core.hash.Toeplitz;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.core.trace.JsonLinesTraceSink;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.core.trace.TraceNames;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.Ipv6MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.lb.ecmp.NexthopChooser;
import io.pktsim.lb.mwan3.Mwan3MarkMask;
import io.pktsim.lb.mwan3.Mwan3Policy;
import io.pktsim.lb.mwan3.Mwan3RuleCost;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeCounter;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.nic.irq.Dim;
import io.pktsim.stack.conntrack.ConntrackConfig;
import io.pktsim.stack.conntrack.ConntrackCounter;
import io.pktsim.stack.conntrack.ConntrackTable;
import io.pktsim.stack.conntrack.NatMangle;
import io.pktsim.stack.endpoint.HandshakeTimers;
import io.pktsim.stack.endpoint.TcpConfig;
import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.stack.flowtable.FlowTable;
import io.pktsim.stack.flowtable.PpeHardwareOffload;
import io.pktsim.stack.napi.NapiKnobs;
import io.pktsim.stack.netdev.MacvlanDevice;
import io.pktsim.stack.netdev.MacvlanPort;
import io.pktsim.stack.netdev.NetDevice;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;
import io.pktsim.stack.netdev.PppoeSessions;
import io.pktsim.stack.netdev.RxHandler;
import io.pktsim.stack.netdev.VlanDevice;
import io.pktsim.stack.netdev.VlanGroup;
import io.pktsim.stack.netfilter.FirewallRuleCost;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.qdisc.FqCodel;
import io.pktsim.stack.qdisc.FqCodelConfig;
import io.pktsim.stack.qdisc.PfifoFast;
import io.pktsim.stack.qdisc.Qdisc;
import io.pktsim.stack.qdisc.QdiscCounter;
import io.pktsim.stack.tcp.MssClamp;
import io.pktsim.stack.tcp.MssClampCounter;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Runs one {@link RouterConfig} to {@link RouterResults}. One simulation, one thread; not reusable.
 *
 * <p>Packets are {@link PacketStore} frames with real header bytes (built by {@link PacketBuilder} as they cross the
 * MT7530's CPU port: Ethernet, the 802.1Q tag of the LAN or of the WAN line, the dial's PPPoE session on the WAN
 * side, IPv4 or IPv6, TCP with MSS/window-scale/timestamp options or UDP; the payload is counted in the lengths,
 * not stored). Link and port sizes are read from the frames. A frame occupies the store from the router's point of
 * view: a server's frame on an unshaped line is written when it reaches the router (from the template and time of
 * its send, its slot reserved meanwhile; {@code sendLazy}), and a frame leaves the store when it leaves the router's
 * port (the endpoint's event carries only the packet word).
 *
 * <p>The model, per packet: a server's segment crosses the ISP (RTT/2, the access server's per-dial shaper, the
 * dorm line), the MT7530 and the CPU port into the frame engine's RX ring (drop when full); the shared frame-engine
 * interrupt (coalesced by {@code rxFrames}/{@code rxUsecs}) schedules the RX NAPI, whose poll ({@code weight},
 * {@code netdev_budget}, time squeeze) charges {@code driver_rx} and {@code gro} on the NAPI CPU; RPS (OpenWrt's
 * packet steering on SMP) hands the packet by flow hash to a CPU of the profile's {@code rps_cpus} map and its
 * backlog ({@code netdev_max_backlog}). There the frame walks the real devices of {@code stack.netdev}:
 * {@link VlanGroup}/{@link VlanDevice} pop the tag, a WAN
 * frame passes the line's {@link MacvlanPort} and {@link PppoeSessions} (or {@code eth_type_trans}); the
 * {@link FlowTable}'s ingress hook forwards an offloaded flow's packet (NAT, TTL, output device); otherwise
 * {@link ConntrackTable#in} tracks it (NEW/ESTABLISHED, table limit, early drop), a new connection is masqueraded
 * to its dial's address ({@link ConntrackTable#masquerade}, port remapped on a clash) and confirmed,
 * {@link NatMangle} rewrites addresses, ports and checksums, the TTL is decremented, {@link MssClamp} clamps the MSS
 * option of SYNs to the path MTU (OpenWrt's {@code mtu_fix}) and {@link FlowTable#offloadEval} takes the connection
 * into the flowtable (TCP established and assured, UDP confirmed); then the egress devices push PPPoE
 * ({@link PppoeDevice}), pass the dial's macvlan and tag the frame ({@link VlanDevice#transmit}); when the CPU is
 * done with it, the frame is enqueued at that time into eth0's qdisc ({@link FqCodel}, OpenWrt's default, or
 * {@link PfifoFast}), which the
 * 2 Gbit/s CPU port drains one frame at a time (PPE-forwarded frames skip the qdisc). Under DSA
 * ({@link DeviceProfile#dsa}) the same tag-demuxed devices stand for the switch's user ports ({@code lan1},
 * {@code wan}, {@code lan2}..): a frame from a DSA port costs no GRO in the ring's poll ({@code ETH_P_XDSA} has no
 * GRO handler), then, on its protocol CPU, the conduit's pass, the tagger ({@code dsa}), the port's
 * {@code gro_cells} poll and GRO and the port's own pass ({@link #cellReceive}); a frame sent to one pays the
 * tagger; a K2P's line 0 ({@code wan}, its own GMAC) pays neither tagger nor VLAN. The CPU cost of
 * each stage comes from the profile's cost table (slow path: FIB with the policy rules, conntrack, NAT, every
 * netfilter rule the fw3/fw4 preset evaluates ({@link FirewallRuleCost}), mwan3's mangle rules, {@code ip_forward});
 * TX completion runs on the TX NAPI CPU. The dial of a new connection comes from {@code lb}: ECMP
 * ({@code fib_multipath_hash()} over the connection's real addresses, ports and flow label, through
 * {@link EcmpSelector}, or, under policy 1, the first packet's L4 {@code skb->hash >> 1} when the driver gave it
 * one: the PPE's below), mwan3 ({@link Mwan3Policy}, kept in the conntrack mark) or per-packet round robin (a flow in
 * the flowtable keeps the flow's output device). The flowtable bypasses the device stack's costs when the whole
 * path can be walked ({@code dev_fill_forward_path}, net/core/dev.c; macvlan has no {@code ndo_fill_forward_path},
 * so macvlan dials keep their device layers). A redial takes the dial's device down ({@link NetDeviceTable}: the
 * PPPoE session leaves {@link PppoeSessions}, conntrack drops the connections masqueraded through it, the flowtable
 * its flows and the PPE their entries) and brings it back with a new session id and address. What the endpoints
 * do about it ({@link #lostNat}, {@link #onApp}, {@link #retry}, {@link #reconnect}; docs/workloads.md, "Redials
 * and reconnections"): a broken connection's host meets its server's reset at its next packet, or its
 * application's idle timeout ends it; the application then opens a new connection in a spare flow slot, unless it
 * reached its limit on failed tries (aria2's {@code --max-tries}, libtorrent's {@code max_failcount}). Under ECMP the
 * rebalanced route strands connections of other dials ({@code wrong_dial}) until it leads home again, and a
 * software flowtable's flows are torn down by the route change and offloaded again a second later
 * ({@link #ftNeigh}, {@link #strandedOffload}).
 *
 * <p>The driver's {@code skb->hash}. On an MT7621 (driver {@code mtk_eth_soc}) the frame engine parses every frame
 * whatever the offload: {@code mtk_open()} starts the PPE and points the GDMAs at it whenever the SoC has one
 * ({@code offload_version}), so every TCP/UDP frame learns or finds its entry in {@link PpeFlowTable}, and
 * {@code mtk_poll_rx()} (drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18) gives it the L4 hash
 * {@code jhash_1word(entry, 0)} ({@link PpeFlowTable#skbHash}). Three readers use it: RPS ({@code get_rps_cpu()}),
 * ECMP policy 1 ({@link #pickDial}) and fq_codel ({@code skb_get_hash()}). A frame without an entry (a bucket
 * whose two ways are taken) gets the stack's own hash: {@code flowHash} per flow for RPS, the qdisc's header hash.
 * Other SoCs' frames carry no driver hash. Simplification: the dial is chosen with the hash of a connection's first
 * packet and chosen again only when the routes change; on a real K2P a connection whose PPE entry moves to the
 * bucket's other way (its entry aged out after 3 s idle while another flow took its way) would be routed by the new
 * hash.
 *
 * <p>The PPE (offload {@code ppe}) is {@link PpeFlowTable}, as Linux 6.18 drives it, per direction. When the
 * flowtable takes a flow, {@code nf_flow_offload_add} queues {@code flow_offload_work_add}, which builds one rule per
 * direction ({@code nf_flow_offload_rule_alloc}) and offers the original, then the reply direction to the driver
 * ({@code flow_offload_rule_add} → {@code flow_offload_tuple_add}, net/netfilter/nf_flow_table_offload.c; the reply
 * direction because {@code nft_flow_offload_eval} sets {@code NF_FLOW_HW_BIDIRECTIONAL}); the work
 * fails only if no direction was accepted, so one direction can be in hardware while the other stays in software.
 * The driver ({@code mtk_flow_offload_replace}, drivers/net/ethernet/mediatek/mtk_ppe_offload.c) accepts a direction
 * whose egress is a GMAC or a DSA port on it and refuses any other with -EOPNOTSUPP
 * ({@code mtk_flow_set_output_device}). A dial on a macvlan is such another: macvlan (drivers/net/macvlan.c) has no
 * {@code ndo_fill_forward_path}, so the forward path that {@code nft_dev_fill_forward_path} walks with
 * {@code dev_fill_forward_path} (net/core/dev.c; net/netfilter/nft_flow_offload.c) from the PPPoE device ends on
 * the macvlan, and the upload direction is refused, while the download direction (egress eth0.1) binds like a
 * direct dial's. This engine offers both directions through {@link PpeHardwareOffload} from
 * {@link FlowTable#offloadEval} ({@code offloadReplace}; destroyed when the flowtable tears the flow down); every
 * frame that reaches the frame engine enters {@link PpeFlowTable#receive} with the tuple it carries (a bound entry
 * forwards it: no interrupt, no CPU, no qdisc); a descriptor flagged {@code HIT_UNBIND_RATE_REACHED} makes the RX
 * poll call {@link PpeFlowTable#checkSkb} ({@code mtk_ppe_check_skb}, at most once per hash every HZ/10), which binds
 * the direction if it was offloaded; {@link PpeFlowTable#age} runs once a second. The table is
 * {@link PpeConfig#mt7621()}'s (7744 usable entries) unless another {@link PpeConfig} is given (e.g.
 * {@link PpeConfig#legacy4k()}, 4096 entries bound at offload).
 *
 * <p>Several RX queues (the profile's {@code rxQueues} above 1: mlx5, the x86 profile's 4). An mlx5 NIC has one
 * channel per CPU by default ({@code mlx5e_build_nic_params()}: {@code min(MLX5E_MAX_NUM_CHANNELS / 2, max_nch)},
 * {@code max_nch} bounded by the completion vectors, one per online CPU; drivers/net/ethernet/mellanox/mlx5/core/
 * en_main.c, eq.c, pci_irq.c, 6.18), each an RX queue with its ring, its MSI-X completion vector affine to CPU q
 * ({@code mlx5_cpumask_default_spread()}, eq.c) and its NAPI. The NIC steers a frame by the low bits of its Toeplitz
 * hash through the RSS indirection table ({@link #rqtSize}, {@link #rxQueueOf}); a frame it does not hash (PPPoE)
 * goes to queue 0. Queue q's interrupt, coalescing, NAPI poll (with its own GRO) and TX completions run on CPU q;
 * a CPU owns at most one queue, so {@code netdev_budget} per {@code net_rx_action} run is its queue's. The state
 * of one queue lives in the engine's fields; {@link #selectQueue} swaps it with the {@link RxQueue} records when an
 * event of another queue comes, so one queue costs nothing. With several queues the qdisc is never eager (several
 * CPUs feed it).
 *
 * <p>Endpoints (still the engine's own, per-flow primitive arrays): TCP with slow start, NewReno congestion avoidance
 * or CUBIC's window curve ({@code bictcp_update}: W(t) = C (t - K)^3 + Wmax, C 0.4, beta 0.7, the TCP-friendly
 * floor, HyStart's ACK-train and delay exits), fast retransmit with SACK-based recovery (RFC 6675 holes, NewReno
 * partial ACKs), RTO with go-back-N, delayed ACK every second segment with a 40 ms timer, a 4096-segment receive
 * window with out-of-order buffering; {@code stack.endpoint}'s {@code TcpEndpoint}/{@code Cubic} are the
 * unit-tested models these endpoints follow (slow start, CUBIC's window, HyStart's detectors). The handshake follows
 * 6.18's timers
 * ({@link HandshakeTimers}): the host's SYN again at 1, 2, 3, 4, 5, 7, ... s and the connect failing at 131 s,
 * the server's SYN-ACK again at 1, 3, 7, 15, 31 s, a download's request (the {@code HSACK}) again after the first
 * RTO the handshake's RTT gives, which is also the data sender's RTO until its first data sample (see
 * {@link #onHostTimer}, {@link #onSynAckTimer}); every host timeout draws a new {@code sk_txhash}, so an IPv6
 * connection gets a new flow label, which label-hashing ECMP policies can route out of another dial than its NAT's
 * ({@link #rethinkTxhash}). UDP CBR, Poisson and on/off.
 * Their frames carry real sequence and ACK numbers, but the endpoints read their segment index from the frame's
 * {@code aux} metadata, not from the header.
 *
 * <p>Simplifications: what is still modelled in this class's own code, not by the stack's units: the TCP and UDP
 * endpoints (above; not {@code stack.endpoint.TcpEndpoint} nor {@code stack.workload}); around the PPE (which is
 * {@link PpeFlowTable}): the flowtable's hardware offload happens at once, not in a work item, the driver's bind
 * check and bound packets cost no CPU, ageing runs once a second, and a bound packet of a connection the servers
 * consider broken is dropped; the NIC ring, interrupt coalescing (on an MT7621 with {@code adaptiveRx}, 6.18's
 * {@code net_dim} through {@link Dim}), NAPI polling, GRO ({@code dev_gro_receive}'s buckets and
 * {@code tcp_gro_receive}'s tests, see {@link #groReceive}; PPPoE session frames only with OpenWrt's handler
 * ({@code pppoeGro}), UDP only with fraglist GRO or UDP GRO for forwarding ({@code groList},
 * {@code udpGroForwarding}, {@link #groReceiveUdp}); in the ring's
 * poll, not in a DSA user port's {@code gro_cells}; what GRO passes up goes in {@code gro_normal_batch} lists,
 * {@link #groNormalOne}), RPS backlogs and CPU time (FIFO servers solved analytically, which allows a
 * bounded reordering error when work is offered out of time order; not {@code nic.port.NicPort},
 * {@code stack.napi.Softnet}, {@code core.cpu.HardwareThread}; {@code net_rx_action}'s runs, their
 * {@code time_squeeze} and {@code handle_softirqs}' hand-off to {@code ksoftirqd} are counted on that work, see
 * {@link #backlogPolled} and {@link #rxSoftirqPass}, not scheduled); links and the switch (FIFO servers, the CPU port's
 * with a 10 ms tail-drop limit that only frames the PPE sends can reach); a host's packet after a redial took its
 * connection's NAT (picked up again by conntrack, masqueraded out of a live dial) and the server's reset of it,
 * which the engine turns into a delay, not frames;
 * conntrack and flowtable timeouts and their garbage collection are not run (runs are seconds long);
 * the pcap taps (see {@link PcapTaps}) see the packets at the router's devices (a GRO aggregate whole), not the wire;
 * per-packet round robin sends a connection's packets out of other dials with the first dial's masquerade, and
 * the servers answer through the dial that carried the last packet.
 *
 * <p>Events: an event is what happens at a time the engine cannot yet act on when it learns it (a frame's arrival
 * at the router, at a host or a server; the coalescing timer; a poll; a sender's tick; the TCP timers; the CPU
 * port's completion while frames wait in the qdisc; housekeeping). What can be computed when it is known is done
 * without an event, at its own time (issue #7): the port's completion while the qdisc is empty (the dequeue it
 * owes is made by the next enqueue), the end-of-poll check of a poll that emptied the ring (settled by the next
 * arrival), the RX poll after the hard IRQ when nothing is due before it ({@link #dueBefore}), a UDP datagram's
 * arrival at a LAN host (only counters; {@link #deliverableNow}), and, when one CPU forwards every packet and no
 * PPE sends on the port, the qdisc enqueue and the completions before it ({@link #eagerQdisc}), and, when every
 * flow is a UDP CBR download on unshaped lines, the servers' sends: one {@code udp_ticks} event runs the ticks due
 * and, once every flow has started and while no redial is scheduled, those of the next millisecond ahead of the
 * clock ({@link #onUdpTicks}); the delayed-ACK
 * timer keeps one event per expiry, re-checked when it fires, rather than one per arming. These give the
 * trajectory the events gave, except the order of events at the same nanosecond; the work is done ahead of the
 * loop's clock, so {@link #advanceTo} may have done work up to a few milliseconds past its time (never past the
 * warm-up's end before it, nor past the run's end), and with the eager qdisc a flow's last upstream dial, which
 * counts the bytes it receives, is set when its frame leaves the CPU port rather than when the loop reaches that
 * time (the same unless its dial changes between two packets: round robin, or a moved route).
 */
public final class RouterSimulation {
    /** Drop reasons, in result order. */
    enum Drop {
        RING_FULL("rx_ring_full"), BACKLOG_FULL("backlog_full"), QDISC("qdisc"), SWITCH_CPU_PORT("switch_cpu_port"),
        ISP_LINE_DOWN("isp_line_down"), SWITCH_LINE_UP("switch_line_up"), SHAPER_DOWN("shaper_down"),
        SHAPER_UP("shaper_up"), LAN_DOWN("lan_port_down"), LAN_UP("lan_port_up"), CONNTRACK_FULL("conntrack_full"),
        NAT_BROKEN("nat_broken"), NO_ROUTE("no_route"), RECEIVE_WINDOW("receive_window"),
        NO_BUFFER("no_buffer"), WRONG_DIAL("wrong_dial");

        final String label;

        Drop(final String label) {
            this.label = label;
        }
    }

    // Packet word: bits 0-19 flow, 20-23 kind, 24-55 sequence (segments) or ack number.
    private static final int KIND_DATA = 0;
    private static final int KIND_ACK = 1;
    private static final int KIND_SYN = 2;
    private static final int KIND_SYNACK = 3;
    private static final int KIND_HSACK = 4;
    /**
     * A pure ACK against the flow's data direction: a download's server acknowledging a request that came again, an
     * upload's host answering a SYN-ACK that came again ({@link #onHostTimer}, {@link #onServer}).
     */
    private static final int KIND_ACK_REV = 5;
    private static final long FLOW_MASK = (1L << 20) - 1;
    private static final int MAX_FLOWS = 1 << 20;

    private static final int RWND_SEGMENTS = 4096;
    private static final int RWND_WORDS = RWND_SEGMENTS / 64;
    private static final TcpConfig LINUX_TCP = new TcpConfig();
    /** TCP_DELACK_MIN, HZ/25 = 40 ms (include/net/tcp.h, 6.18), as stack.endpoint uses it. */
    private static final long DELACK_NS = LINUX_TCP.delAckNs();
    /** TCP_RTO_MIN, HZ/5 = 200 ms (include/net/tcp.h, 6.18), as stack.endpoint uses it. */
    private static final long RTO_MIN_NS = LINUX_TCP.rtoMinNs();
    /** The MT7530's forwarding latency: an assumption (a few microseconds; no published figure found). */
    private static final long SWITCH_LATENCY_NS = 2_000L;
    /** The SoC's two GMACs towards the MT7530, 1 Gbit/s each (mt7621.dtsi; router-facts.md section 4). */
    private static final long CPU_PORT_BPS = 2_000_000_000L;
    /**
     * How often the model runs the PPE's ageing scan ({@link PpeFlowTable#age}); the hardware ages entries by their
     * timestamps continuously, so an entry may outlive its idle limit by up to this much (an assumption).
     */
    private static final long PPE_AGE_SCAN_NS = 1_000_000_000L;
    private static final int PROGRESS_STEPS = 200;
    /** eth0's interface index: the first device the constructor registers. */
    private static final int ETH0_IFINDEX = 1;

    // Frames: addresses and sizes of the modelled network.
    private static final long ETH0_MAC = 0x0200_0000_00E0L;
    private static final long HOST_MAC_BASE = 0x0200_0001_0000L;
    private static final long DIAL_MAC_BASE = 0x0200_0000_1000L;
    private static final long BRAS_MAC_BASE = 0x00E0_FC00_0000L;
    private static final int LAN_VID = 1;
    private static final int WAN_VID_BASE = 2;
    private static final int SESSION_BASE = 0x1000;
    private static final int DIAL_ADDRESS_BASE = 0x6440_0001;
    /** The LAN hosts' IPv6 prefix (2001:db8:1::/64), high 64 bits. */
    static final long HOST6_HI = 0x2001_0db8_0001_0000L;
    /** The servers' IPv6 prefix (2606:2800::/64), high 64 bits. */
    static final long SERVER6_HI = 0x2606_2800_0000_0000L;
    private static final long DIAL6_HI = 0x2001_0db8_ff00_0000L;
    private static final int SERVER_PORT = 443;
    private static final int STORE_SLOTS = 1 << 18;
    /** The driver of the SoCs with a PPE (the MT7621's frame engine; {@code mt7621_data.offload_version} 1). */
    private static final String MTK_ETH_SOC = "mtk_eth_soc";
    /** The x86 profile's NIC: its RX completion carries the RSS (Toeplitz) hash and its type. */
    private static final String MLX5_CORE = "mlx5_core";
    /** In an RX ring entry (handle, FOE entry + 1 from bit 32): the descriptor says HIT_UNBIND_RATE_REACHED. */
    private static final long RING_RATE_REACHED = 1L << 62;
    private static final int SLOT_DATA_BYTES = 160;
    private static final int SLOT_HEADROOM = 32;
    private static final int TCP_WINDOW = 65535;
    private static final int WSCALE = 7;
    private static final int PPPOE_HEADER = 8;
    /** The PPP protocols after a PPPoE session header ({@code PPP_IP}, {@code PPP_IPV6}: linux/ppp_defs.h). */
    private static final int PPP_IP = 0x0021;
    private static final int PPP_IPV6 = 0x0057;
    private static final int VLAN_TAG = 4;
    private static final int LAN_MTU = 1500;
    private static final int TCP_TIMESTAMP_OPTION = 12;

    private final RouterConfig config;
    private final DeviceProfile profile;
    private final CostTable costs;

    // Per-packet constants of the profile and the configuration, read once at construction rather than through
    // their records and the cost table on every packet (the hot path's loads; the values are the same).
    /** Cycles per packet of each stage that {@link #forward}, {@link #slowPath} and {@link #onNapi} charge. */
    private final long cBacklog;
    private final long cNetifReceive;
    private final long cFlowtable;
    private final long cVlan;
    private final long cDsa;
    private final long cMacvlan;
    private final long cBridge;
    private final long cPppoe;
    private final long cQdisc;
    private final long cGso;
    private final long cGsoList;
    private final long cGsoPerByteMilli;
    private final long cDriverTx;
    private final long cDriverTxPerByteMilli;
    private final long cTxCompletion;
    private final long cFib;
    private final long cFibRule;
    private final long cNfRule;
    private final long cConntrackNew;
    private final long cConntrack;
    private final long cNat;
    private final long cForward;
    private final long cGro;
    private final long cDriverRx;
    private final long cDriverRxPerByteMilli;
    /** Cycles per event: the hard IRQ, a NAPI poll, an IPI. */
    private final long cHardIrq;
    private final long cNapiPoll;
    private final long cIpi;
    /** Cycles of a NAPI hrtimer's expiry ({@code napi_watchdog}, in the timer interrupt). */
    private final long cHrtimer;
    /** Dials per WAN line (a dial's line is {@code d / dialsPerLine}). */
    private final int dialsPerLine;
    /** Per dial: its line, {@code d / dialsPerLine} (read per packet; no division). */
    private final int[] lineOfDial;
    /** The run's end and the warm-up's end, ns. */
    private final long totalNs;
    private final long warmupNs;
    /** The balancing mode is per-packet round robin, or ECMP. */
    private final boolean perPacketBalancing;
    private final boolean ecmpBalancing;
    /** The profile's interrupt coalescing, NAPI weight, budgets and backlog limit. */
    /**
     * The RX interrupt's frame count and time: the PDMA delay interrupt's (from the profile, or DIM's profile:
     * {@link #applyDim}), or the active mlx5 queue's CQ moderation (the profile's, or its DIM's:
     * {@link #mlx5HandleRxDim}).
     */
    private int rxFrames;
    private int rxUsecs;
    /**
     * The RX {@code net_dim} with {@code adaptiveRx}, or null (the profile's {@code rxUsecs}/{@code rxFrames} stay):
     * mtk_eth_soc's (5.13+: {@code mtk_poll_rx()} samples after every poll, {@code mtk_dim_rx()} writes the profile
     * to the PDMA delay register), or the active queue's mlx5 one ({@code rq->dim}, CQE table; sampled when the
     * poll completes: {@link #dimAtCompletion}).
     */
    private Dim rxDim;
    /**
     * mlx5's RX DIM: {@code mlx5e_napi_poll()} (en_txrx.c, 6.18) feeds {@code net_dim} only after
     * {@code napi_complete_done()} succeeded ({@code mlx5e_handle_rx_dim()}, before re-arming the CQ), and
     * {@code mlx5e_rx_dim_work()} writes the profile's {@code usec} and {@code pkts} as they are.
     */
    private boolean dimAtCompletion;
    /**
     * mlx5's RX CQ in "start from CQE" period mode ({@code rx_moder_use_cqe_mode}): the moderation timer restarts at
     * every completion, so the interrupt comes {@code rxUsecs} after the last one (or at {@code rxFrames}).
     */
    private final boolean cqePeriod;
    /**
     * Where the NAPI polls run, for the CPU figures: a kernel thread ({@code napi/<dev>-<id>}) with the profile's
     * {@code threaded} (sysfs {@code threaded}; OpenWrt sets it for mtk_eth), else the NET_RX softirq
     * ({@code net_rx_action}, net/core/dev.c).
     */
    private final int napiContext;
    /** Several queues or one: the time of the last frame counted towards the pending interrupt (CQE mode). */
    private long lastCqeNs;
    /**
     * mlx5's RSS hash, or null: {@code mlx5e_skb_set_hash()} (drivers/net/ethernet/mellanox/mlx5/core/en_rx.c,
     * 6.18) sets the Toeplitz hash of the CQE with type L4 for
     * TCP/UDP over IPv4/IPv6 (addresses and ports), L3 for other IP, none for anything else (a PPPoE session frame).
     */
    private final Toeplitz rss;
    /** {@code eth->rx_events}, {@code rx_packets}, {@code rx_bytes}: DIM's running counters (never reset). */
    private long rxEvents;
    private long rxPacketsTotal;
    private long rxBytesTotal;
    private int kDim;
    private final int napiWeight;
    /**
     * {@code gro_flush_timeout} (ns) and {@code napi_defer_hard_irqs} of the RX NAPI ({@link #napiCompleteDone}).
     * A timeout of 0 (every preset) leaves {@code napi_complete_done} nothing to defer, whatever the defer count:
     * the engine then completes a poll as it always did ({@link #settleNapi}, {@link #completeNapi}).
     */
    private final long groFlushTimeoutNs;
    private final int napiDeferHardIrqs;
    /** A jiffy, ns ({@code 1 s / HZ}): the unit of a held GRO packet's age ({@code NAPI_GRO_CB(skb)->age}). */
    private final long jiffyNs;
    /** {@code HZ >= 1000}: a full poll flushes only GRO's packets held before the current jiffy. */
    private final boolean hzAtLeast1000;
    /**
     * {@code net.core.gro_normal_batch}: the segments the poll's {@code rx_list} gathers before it goes up
     * ({@link #groNormalOne}).
     */
    private final int groNormalBatch;
    private final int netdevBudget;
    /** {@code usecs_to_jiffies(netdev_budget_usecs)}: a {@code net_rx_action} run's time limit, jiffies. */
    private final long budgetJiffies;
    private final int netdevMaxBacklog;
    /** RPS is on: every packet goes through a backlog (see {@link #forward}). */
    private final boolean viaBacklog;
    private final EventLoop loop = new EventLoop(1 << 16);
    private final CpuSet cpu;
    private final RandomStream random;
    /** The new {@code sk_txhash} values of the hosts' TCP timeouts ({@link #rethinkTxhash}). */
    private final RandomStream txRehash;

    // Frames and the router's devices (stack.netdev).
    private final PacketStore store = new PacketStore(STORE_SLOTS, SLOT_DATA_BYTES, SLOT_HEADROOM);
    private final PacketBuilder builder = new PacketBuilder(store);
    private final Ipv4View ipv4View = new Ipv4View();
    private final TcpView tcpView = new TcpView();
    private final MssClamp mssClamp = new MssClamp();
    /** eth0's root qdisc: fq_codel (OpenWrt's default) or pfifo_fast with txqueuelen 1000, as the config says. */
    private final Qdisc qdisc;
    /**
     * Per packet handle: fq_codel's flow hash of a frame on its way to the qdisc as conntrack kept it for its
     * connection and direction ({@link ConntrackTable#qdiscFlowHash}), or {@link Qdisc#NO_FLOW_HASH} (the qdisc
     * computes it: a flowtable or PPE frame, or one conntrack did not read in place).
     */
    private final long[] qdiscFlowHash = new long[STORE_SLOTS];
    /** {@link #forward}'s flow hash for {@link #egress} of its frame's segments. */
    private long egressFlowHash = Qdisc.NO_FLOW_HASH;
    /**
     * The CPU port's transmit state. The port sends one qdisc frame at a time; {@code qdisc_restart} dequeues the
     * next one when the last bit of the frame before has left ({@link #txFreeAtNs}). A {@code cpu_port_tx_done}
     * event is scheduled only while frames wait in the qdisc ({@link #txDonePending}); when the qdisc was empty
     * after a transmission, the dequeue the port owes at {@link #txFreeAtNs} (it finds the qdisc empty, but
     * fq_codel's flow lists move on it) is made later, at its own time, by the next enqueue
     * ({@link #txDequeueOwed}), so the qdisc sees the same calls at the same times as with an event per frame.
     */
    private long txFreeAtNs = Long.MIN_VALUE;
    private boolean txDonePending;
    private boolean txDequeueOwed;
    /** The pending {@code cpu_port_tx_done} event (while {@link #txDonePending}): its time and id. */
    private long txDoneAtNs;
    private long txDoneEventId = EventLoop.NO_EVENT;
    /**
     * Whether a frame the CPU has finished with enters the qdisc at once (at its own, later time) rather than
     * by a {@code qdisc_enqueue} event: when one CPU forwards every packet (RPS off or one CPU in
     * {@code rps_cpus}) and no PPE sends on the port, the qdisc's only input comes in time order (that CPU's
     * FIFO), so the qdisc and the port can be run up to each frame's time as it comes: the completions due
     * by then first, then the enqueue (see {@link #egress}). A frame due after the warm-up's end that comes
     * before it waits in {@link #warmupHeld} until the counters have been reset; one due after the run's end
     * goes by event.
     */
    private boolean eagerQdisc;
    /** Frames held for the qdisc until the warm-up's end (eager mode), in time order: time and frame. */
    private long[] warmupHeldAt = new long[64];
    private int[] warmupHeld = new int[64];
    private int warmupHeldCount;
    private final NetDeviceTable devices = new NetDeviceTable();
    private final VlanGroup vlans = new VlanGroup();
    private final PppoeSessions sessions = new PppoeSessions();
    private final VlanDevice lanVlan;
    private final VlanDevice[] lineVlan;
    private final MacvlanPort[] linePort;
    private final MacvlanDevice[] dialMacvlan;
    private final PppoeDevice[] dialPppoe;
    private final int[] dialIfindex;
    private final int[] isn;

    // Topology.
    private final int dials;
    private final int lines;
    private final boolean macvlan;
    private final boolean pppoe;
    /**
     * GRO has OpenWrt's PPPoE handler ({@code pppoe_gro_receive}, {@link DeviceProfile#pppoeGro()}): a download's
     * PPPoE session frames merge as plain Ethernet ones do.
     */
    private final boolean pppoeGro;
    /**
     * Fraglist GRO on the receiving devices ({@link DeviceProfile#groList()}, {@code NETIF_F_GRO_FRAGLIST}): the
     * router forwards every TCP flow (no local socket), so {@code tcp4_check_fraglist_gro} /
     * {@code tcp6_check_fraglist_gro} (net/ipv4/tcp_offload.c, net/ipv6/tcpv6_offload.c, 6.18) make every aggregate
     * a fraglist one ({@link #groReceive}, {@link #fraglistGso}).
     */
    private final boolean groList;
    /**
     * UDP GRO for forwarding without fraglist GRO ({@link DeviceProfile#udpGroForwarding()} and not {@link #groList},
     * {@code NETIF_F_GRO_UDP_FWD}): {@code udp_gro_receive_segment}'s {@code skb_gro_receive} merges a flow's
     * datagrams into one {@code SKB_GSO_UDP_L4} packet ({@link #groReceiveUdp}), which {@code __udp_gso_segment}
     * cuts at the first device without {@code NETIF_F_GSO_UDP_L4} ({@link #udpGso}).
     */
    private final boolean udpGroForwarding;
    /** Whether eth0's driver segments UDP itself ({@code NETIF_F_GSO_UDP_L4}: mlx5 does, mtk_eth_soc does not). */
    private final boolean nicUdpSegmentation;
    /**
     * The aggregate {@link #forward} is handling is one the taps see split below the VLAN devices (set by
     * {@link #aggregateLeaves}; stale, and unread, while {@link #tapSegs} is 1).
     */
    private boolean tapSplitBelow;
    /** Whether any aggregate may be split below the VLAN devices: {@link #groList} or {@link #udpGroForwarding}. */
    private final boolean splitsBelow;
    private final boolean ipv6;
    private final boolean[] dialUp;
    private final long halfRttNs;
    private final int pathMtu;
    private final FifoLink lanDown;
    private final FifoLink lanUp;
    private final FifoLink cpuIn;
    private final FifoLink cpuOut;
    private final FifoLink[] lineDown;
    private final FifoLink[] lineUp;
    private final FifoLink[] shaperDown;
    private final FifoLink[] shaperUp;

    // Balancing.
    private final MultipathLookup lookup = new MultipathLookup();
    private final EcmpSelector ecmp;
    /** The {@code fib_multipath_hash_seed} the ECMP hash is keyed with (the boot-random one for 0); -1 without ECMP. */
    private final long multipathHashSeed;
    private final NexthopChooser route;
    private final Mwan3Policy mwan3;
    private final Mwan3RuleCost mwan3Cost;
    private final FirewallRuleCost firewall;
    private int roundRobin;
    private int routeGeneration;

    // NIC and NAPI. The fields from rxCpu to groBuckets (below) are the state of one RX queue, the active one
    // (activeQueue): with several queues, selectQueue swaps them with the arrays of RxQueues (see there).
    private int rxCpu;
    private int txCpu;
    /** The CPUs of the {@code rps_cpus} mask in ascending order, as {@code rps_map.cpus} holds them; empty: RPS off. */
    private final int[] rpsMap;
    private long[] ring;
    private final int ringMask;
    private final int ringSlots;
    private int ringHead;
    private int ringCount;
    private boolean irqEnabled = true;
    private boolean napiScheduled;
    private int framesSinceIrqEnable;
    private long irqTimerGeneration;
    private boolean irqTimerPending;
    /**
     * A poll that emptied the ring ends at {@link #napiRepollNs}: there {@code mtk_napi_rx} finds no new RX
     * interrupt status and completes, unless a frame arrived by then. No event is scheduled for that check:
     * the next arrival schedules the repoll if it lands by then, else it first completes the NAPI at that time
     * ({@link #settleNapi}).
     */
    private long napiRepollNs;
    private boolean napiCompletionOwed;
    /**
     * With a {@code gro_flush_timeout} ({@link #groFlushTimeoutNs} above 0), the NAPI's {@code napi_complete_done}
     * state: {@code n->defer_hard_irqs_count}, the empty polls left before the RX interrupt is enabled again.
     */
    private int deferHardIrqsCount;
    /** The {@code mtk_napi_rx} / {@code mlx5e_napi_poll} call under way has taken frames: its {@code work_done}. */
    private boolean napiWorkDone;
    /**
     * The NAPI's hrtimer ({@code n->timer}): each {@code hrtimer_start} takes a new generation, so the expiry
     * event of the time it replaced finds an older one and does nothing.
     */
    private long napiTimerGeneration;
    /**
     * The RX queues (ethtool {@code combined} channels; the profile's {@code rxQueues}): 1 but with mlx5, whose NIC
     * spreads flows over several by RSS. With one queue its state is the fields above and nothing here is used.
     */
    private final int rxQueues;
    private final boolean multiQueue;
    /** Several queues: each one's state while it is not the active one, and its counters; null with one queue. */
    private final RxQueue[] queues;
    /** The queue whose state the fields from {@link #rxCpu} to {@link #groBuckets} hold. */
    private int activeQueue;
    /**
     * Several queues: the NIC's RSS indirection table (mlx5's RQT), queue of each entry; the entry of a frame is
     * the low bits of its Toeplitz hash ({@link #rxQueueOf}). Null with one queue.
     */
    private final int[] rqt;
    /**
     * Several queues: per CPU, the queue whose TX ring a packet sent on it uses (mlx5's default XPS map: CPU c
     * sends on channel {@code c % channels}), and so whose NAPI frees its descriptors. Null with one queue.
     */
    private final int[] txQueueOfCpu;
    /**
     * Per CPU, its backlog's packets in the order its CPU takes them up (a ring: {@link #backlogHead},
     * {@link #backlogCount}), {@value #BACKLOG_STRIDE} longs each: when each ends and was queued
     * ({@code enqueue_to_backlog}). The first {@link #backlogSpliced} of them are in {@code process_queue}, the rest
     * in {@code input_pkt_queue} ({@link #backlogAdvance}).
     */
    private final long[][] backlogTimes;
    private static final int BL_END = 0;
    private static final int BL_ENQ = 1;
    private static final int BACKLOG_STRIDE = 2;
    /**
     * Per CPU, when it took up the last packet queued to its empty backlog: the only packets whose splice waits for
     * their own start ({@link #backlogSplice}; any other was queued before the splice ahead of it drained).
     */
    private final long[] backlogIdleStartNs;
    private final int[] backlogHead;
    private final int[] backlogCount;
    private final int[] backlogSpliced;
    /** Per CPU, when its {@code process_queue} drained last: the end of the last packet spliced into it. */
    private final long[] backlogDrainNs;
    /**
     * Per CPU, its backlog's current {@code process_backlog} call, a {@code net_rx_action} run of its own
     * ({@link #backlogPolled}): when it started, the packets it took, and when the last ended.
     */
    private final long[] backlogRunStartNs;
    private final int[] backlogRunPackets;
    private final long[] backlogRunLastNs;
    /**
     * Per CPU, for a backlog call in the {@code net_rx_action} run of an RX poll on the same CPU: the budget that
     * poll spent, and when the run started; 0 for a call that is a run of its own ({@link #backlogPolled}).
     */
    private final int[] backlogSharedSpent;
    private final long[] backlogSharedStartNs;
    /**
     * While {@link #releaseHeld} takes up an RX poll's packets for its own CPU's backlog: the budget the poll spent
     * (0 when it ended its run, or outside that), and when its run started ({@link #onNapi}).
     */
    private int sharingPollSpent;
    private long sharingPollStartNs;
    /**
     * Per CPU, the softirq run its backlog's calls are in ({@link #backlogPolled}): the passes of
     * {@code handle_softirqs} so far, the jiffy the run started in, and whether {@code ksoftirqd} took it over.
     */
    private final int[] backlogPasses;
    private final long[] backlogSoftirqJiffy;
    private final boolean[] backlogKsoftirqd;
    /**
     * Per CPU polling an RX queue without threaded NAPI, the same for its polls ({@link #rxSoftirqPass}): a hard
     * IRQ starts a softirq run ({@link #rxSoftirqNew}), when its last pass ended.
     */
    private final boolean[] rxSoftirqNew;
    private final int[] rxPasses;
    private final long[] rxSoftirqJiffy;
    private final boolean[] rxKsoftirqd;
    private final long[] rxPassEndNs;
    /** {@code MAX_SOFTIRQ_TIME}, {@code msecs_to_jiffies(2)} (kernel/softirq.c, 6.18), jiffies. */
    private final long softirqJiffies;
    /** Per CPU, its backlog ring's slots less one (a power of two less one: the ring doubles when it fills). */
    private final int[] backlogMask;
    private final boolean[] ipiPending;

    // Flows.
    private final int flowCount;
    private final int[] flowApp;
    private final RouterConfig.AppKind[] flowAppKind;
    private final int[] flowHost;
    private final int[] flowServer;
    private final boolean[] flowUdp;
    private final boolean[] flowDownload;
    private final int[] flowHash;
    private final int[] flowLabel;
    private final int[] flowSport;
    private final int[] flowDial;
    private final int[] flowRouteGen;
    /**
     * Per flow: its host drew a new flow label ({@link #rethinkTxhash}) that routing has not seen yet; and the
     * route of its last label leads out of another dial than the one conntrack masqueraded it to.
     */
    private final boolean[] flowRehashed;
    private final boolean[] flowMisrouted;
    private final int[] flowLastDial;
    private final int[] flowMss;
    private final int[] flowPayload;
    private final long[] flowStartNs;
    private final byte[] ctState;   // 0 none, 1 new, 2 established (reply seen), 3 broken
    private final boolean[] offloaded;
    private final int[] flowCtEntry;  // the conntrack entry of a connection the flowtable took, -1 before
    private final boolean[] natBroken;
    /**
     * Connections the applications open again ({@link #reconnect}). The workload's flows are
     * {@code [0, baseFlows)}; a new connection takes the next spare slot ({@link #spareNext}), so the closed one
     * keeps its own state and timers (its packets still on their way stay its own). Per flow: the connection it
     * replaces (-1: none); how it ended ({@link #OPEN}, {@link #CLOSED_RESET}, {@link #CLOSED_IDLE},
     * {@link #CLOSED_TIMEDOUT}, {@link #CLOSED_CONNECT}); its application's idle and connect timeouts; when its
     * host's application last saw progress and whether that timer is pending, or expired while the connection was
     * still opening ({@link #appIdleDeferred}); whether a redial's masquerade cleanup removed its conntrack entry
     * (the host's next packet is picked up again as a new connection, masqueraded out of a live dial, and the
     * server answers it with a reset) and whether that reset is on its way.
     */
    private final int baseFlows;
    private int spareNext;
    private final int[] reconnectOf;
    private final byte[] closedBy;
    private final long[] flowIdleTimeoutNs;
    private final long[] flowConnectTimeoutNs;
    private final long[] appProgressNs;
    private final boolean[] appTimerPending;
    private final boolean[] appIdleDeferred;
    private final boolean[] ctRemoved;
    private final boolean[] resetPending;
    /**
     * The applications' limits on their tries ({@link #retry}). Per flow: the failed tries of its chain of
     * connections so far, carried to the connection opened in its place (aria2's {@code Request::tryCount_},
     * libtorrent's {@code torrent_peer::failcount}), and whether its application gave the chain up when it ended
     * ({@link #giveUp}). Per application: its limit ({@link RouterConfig.App#maxTries}, 0: none) and its start, ns
     * (a p2p application's libtorrent session: its {@code second_tick()} runs at whole seconds from it).
     */
    private final int[] appFailedTries;
    private final boolean[] gaveUp;
    private final int[] appMaxTries;
    private final long[] appStartNs;
    /** Per TCP sender: the retransmission timer's exponential backoff ({@code icsk_backoff}). */
    private final int[] rtoBackoff;
    /**
     * Per TCP sender: when its first retransmission on a timeout since the last acknowledgement of new data left
     * ({@code retrans_stamp}; meaningful while {@link #rtoBackoff} is not 0), and whether a download's server gave
     * up on the connection ({@link #writeTimeout}).
     */
    private final long[] retransStampNs;
    private final boolean[] serverTimedOut;
    /**
     * Per download: the server's flow label, as a count of the new ones its timeouts drew, and the one of the
     * last data its host received ({@code lrcv_flowlabel}); see {@link #duplicateDataRehash}.
     */
    private final int[] serverLabelGen;
    private final int[] hostLabelSeen;
    /** The draws {@link #buildFlows} made from, which connections opened again continue: ports, flow labels. */
    private EphemeralPorts flowPorts;
    private RandomStream flowLabels;
    // TCP sender.
    private final long[] sndUna;
    private final long[] sndNxt;
    private final long[] cwndMilli;
    private final long[] ssthreshMilli;
    private final int[] dupAcks;
    private final long[] recover;
    private final long[] retxNext;
    private final long[] rcvHigh;
    private final long[] minRttNs;
    private final long[] cubicWmaxMilli;
    private final long[] cubicEpochNs;
    private final long[] cubicKNs;
    private final long[] cubicOriginMilli;
    private final boolean[] cubicFlow;
    /**
     * HyStart's per-connection state ({@code struct bictcp}'s {@code round_start}, {@code last_ack} in the
     * microseconds of {@code tcp_mstamp}, {@code end_seq} in segments, {@code found}; net/ipv4/tcp_cubic.c, 6.18).
     */
    private final long[] hsRoundStartUs;
    private final long[] hsLastAckUs;
    private final long[] hsEndSeq;
    private final boolean[] hsFound;
    private final long[] retxRoundNs;
    private final boolean[] inRecovery;
    private final long[] lastProgressNs;
    private final long[] srttNs;
    private final long[] sentAtNs;
    private final long[] timedSeq;
    private final boolean[] rtoPending;
    private final boolean[] established;
    private final boolean[] serverStarted;
    /**
     * The handshake's timers ({@link HandshakeTimers}): per TCP flow, when the host last sent its SYN and how often
     * its SYN timer expired; whether the server holds a request socket (a SYN answered, the handshake's last ACK not
     * yet seen), how often its timer expired and when it is due; the host's request (download: the handshake's
     * last ACK with the request) timer's expiries, first timeout, and whether data has come since.
     */
    private final long[] synSentNs;
    private final int[] synTimeouts;
    private final boolean[] connectFailed;
    private final boolean[] serverRequest;
    private final boolean[] serverHandshakeDone;
    private final int[] synAckTimeouts;
    private final long[] synAckDueNs;
    private final int[] requestTimeouts;
    /** The data sender's handshake RTT sample, and when the server last sent its SYN-ACK. */
    private final long[] handshakeRttNs;
    private final long[] synAckSentNs;
    private final long[] requestRtoNs;
    private final boolean[] requestAnswered;
    // TCP receiver.
    private final long[] rcvNxt;
    private final long[][] ooo;
    private final int[] ackPending;
    /**
     * The delayed-ACK timer, re-armed lazily: {@link #delackDueNs} is when it expires while
     * {@link #delackArmed}; at most one {@code delack} event per flow is pending ({@link #delackTimerPending}),
     * never later than the due time (a re-arm only moves the due time later), and when it fires before the due
     * time it goes back to sleep until then. One event per expiry or re-check instead of one per arming.
     */
    private final long[] delackDueNs;
    private final boolean[] delackArmed;
    private final boolean[] delackTimerPending;
    // UDP.
    private final long[] udpIntervalNs;
    private final long[] udpOnUntilNs;
    /**
     * The CBR senders' ticks without an event each (see {@link #onUdpTicks}): when every flow is a UDP CBR download
     * on unshaped lines, the flows' next send times are kept here rather than as one {@code udp_tick} event per
     * datagram; one {@code udp_ticks} event at the earliest of them runs the ticks due then and those of the next
     * {@link #udpAheadNs} that nothing can tell apart from a tick at its own time. Set by {@link #start}.
     */
    private boolean udpFold;
    /** Tests: every CBR datagram is sent by its own {@code udp_tick} event (call before {@link #start}). */
    private boolean tickPerDatagram;
    /** A redial was scheduled: the dials' state may change at a known time, so no tick is run ahead of its time. */
    private boolean redialScheduled;
    /** Flows that have started sending (with {@link #udpFold}); ticks run ahead only once all have. */
    private int udpStarted;
    /** How far ahead of the loop's clock ticks may run, ns (less than RTT/2: their arrivals lie after the clock). */
    private final long udpAheadNs;
    /** Per flow: the time of its next tick and its scheduling order (ties go to the one scheduled first). */
    private final long[] udpNextNs;
    private final long[] udpOrder;
    private long udpOrderNext;
    /**
     * The flows waiting for a tick, by interval: flows of one interval (class) are a ring in tick order, since a
     * flow that ticks at t ticks next at t plus the interval, after every other tick of its class already queued
     * (each at most an interval after a tick at or before t). {@link #udpRing} holds the rings side by side,
     * class c at {@code [udpRingBase[c], udpRingBase[c] + udpRingCap[c])}; the next tick is the earliest head.
     */
    private int udpClasses;
    private int[] udpClassOf;
    private int[] udpRing;
    private int[] udpRingBase;
    private int[] udpRingCap;
    private int[] udpRingHead;
    private int[] udpRingCount;
    /** The pending {@code udp_ticks} event: its time ({@link Long#MAX_VALUE} when none) and id. */
    private long udpRunAtNs = Long.MAX_VALUE;
    private long udpRunEventId = EventLoop.NO_EVENT;
    // Accounting.
    private final long[] deliveredBytes;
    private final long[] dialDownBytes;
    private final long[] dialUpBytes;
    private final long[] drops = new long[Drop.values().length];
    private long injected;
    private long delivered;
    private long pendingPacketEvents;
    /** Frames on their way from the router's port to an endpoint (their slots already free: packet words only). */
    private long pendingDeliveries;
    private long forwarded;
    /** Packets forwarded before the measurement window ({@link #forwarded} counts the window). */
    private long forwardedBeforeWindow;
    private int txPending;
    private long softnetProcessed0;
    private final long[] softnetProcessed;
    private final long[] softnetDropped;
    private final long[] softnetSqueeze;
    /** Per CPU, the RPS IPIs it received ({@code received_rps}, {@link #sendIpis}). */
    private final long[] softnetReceivedRps;
    private final ConntrackTable ct;
    private final FlowTable ft;
    /**
     * The flowtable sends its flows' WAN direction through the neighbour layer ({@code FLOW_OFFLOAD_XMIT_NEIGH}): a
     * software flowtable (no {@code flags offload}), whose WAN side has no bridge ({@code nft_dev_path_info()}). A
     * route change then tears its flows down ({@link FlowTable#teardownStaleRoutes}); see {@link #onRedial}.
     */
    private final boolean ftNeigh;
    /**
     * Per flow: until when its connection cannot be offloaded again after a stale-route teardown ({@code IPS_OFFLOAD}
     * stays set until the flowtable's garbage collector, once a second, removes the flow); whether it was offloaded
     * again from a packet of the host routed out of another dial than its NAT's, so that its upload direction's fast
     * path leaves by that dial ({@link #strandedOffload}); whether any flow is; and the dial of a flow's route of now.
     */
    private final long[] offloadHeldUntil;
    private final boolean[] fastMisrouted;
    private boolean fastMisroutedAny;
    private final int[] flowRouteDial;
    private long ftStaleTeardowns;
    private final int[] dialOfIfindex;
    /** Per ifindex: the line whose VLAN device it is, -1 for the others. */
    private final int[] lineOfIfindex;
    /** The switch under DSA ({@link DeviceProfile#dsa}). */
    private final boolean dsa;
    /** The LAN port is a port of the bridge {@code br-lan} ({@link RouterConfig.Lan#bridge}). */
    private final boolean bridge;
    /** br-lan's ifindex (its taps), 0 without a bridge. */
    private final int brLanIfindex;
    /**
     * Where the flowtable's ingress hook sits and how it transmits, per side ({@link #buildPath}): whether the
     * device at the bottom of the LAN side's forward path (eth0 under swconfig, the user port under DSA) and of the
     * WAN side's (eth0, the DSA port or the dial's macvlan) is one of the flowtable's devices. If so, the hook sits
     * there (the layers above it skipped, their encapsulation popped by the flowtable) and a path through the bridge
     * is sent directly to the port; if not, the hook sits on the side's layer-3 device ({@code br-lan}, the dial)
     * and the flowtable sends through it.
     */
    private final boolean ftLanHooked;
    private final boolean ftWanHooked;
    /** Per line: its port is a DSA user port (under DSA, every line but a K2P's line 0 on its own GMAC). */
    private final boolean[] lineDsa;
    /**
     * Per CPU and DSA port ({@code cpu * (lines + 1) + 1 + line}, the LAN at 0): the RX poll ({@link #pollSeq}) whose
     * frames last fed that port's {@code gro_cells} NAPI on that CPU; a cell polls once per feeding RX poll.
     */
    private final long[] cellPolledAt;
    /** RX polls since the start (never reset): the {@code gro_cells} batches' key. */
    private long pollSeq;
    /** The device {@link #receiveDevices} found for the packet {@link #forward} is handling (its VLAN or port). */
    private int rxDevice;
    /** The ppp device {@link #receiveDevices} found for a PPPoE session frame, and the time of its taps. */
    private int rxPppIfindex;
    private long rxPppTapNs;
    /** Frames from a DSA port whose GRO the RX poll did not charge: the cell charges it ({@link #forward}). */
    private long cellGroFrames;
    /** {@code gro_cells} polls over the window. */
    private long cellPolls;
    /**
     * The window's forwarding latencies (from the router's port, {@link #onRouterRx}, to the CPU port's egress,
     * {@link #toWire}), ns, and the frames each RX poll took: recording allocates nothing (fixed ranges).
     */
    private final Histogram latencyDown = new Histogram(1L, 3_600_000_000_000L, 2);
    private final Histogram latencyUp = new Histogram(1L, 3_600_000_000_000L, 2);
    private final Histogram pollHist = new Histogram(1L, 1L << 20, 3);
    /**
     * The window's occupancy counts: {@code ringOccupancy[k]} frames arrived to find k frames in their RX ring
     * (the full ring's drops included), {@code backlogOccupancy[cpu][k]} packets came to find k packets in that CPU's
     * RPS backlog (the backlog's drops included). Plain counters (a store per packet); {@link #occupancy} turns them
     * into HdrHistograms at the end.
     */
    private final long[] ringOccupancy;
    private final long[][] backlogOccupancy;
    private final int[] dialAddress;
    private final int[] flowNatAddr;
    private int redials;
    private int lastCtRef;
    private boolean lastCtCreated;
    private final int[] flowNatDial;
    private final int[] flowNatPort;
    /** Frame templates (see {@link #buildFrame}): the bytes, {@link #TEMPLATE_BYTES} per template. */
    private final UnsafeBuffer tmplBytes;
    /** Per template: what the frame was built from (valid while it matches), its layout and patched words. */
    private final int[] tmplKey;
    /**
     * Per template, {@link #TEMPLATE_INTS} ints from {@code t << TEMPLATE_SHIFT}: what a frame built from it at the
     * router reads, in one record rather than one line in each of a dozen arrays (a flow's frame reads its template's
     * fields once every frame of the other flows, after they have left the first-level cache; what the send reads is
     * apart, {@link #tmplLazy}, {@link #tmplValidDial} and {@link #tmplWire}, so that the send, RTT/2 before, does not
     * read the record's line too):
     * <ul>
     *   <li>{@link #T_STORED} to {@link #T_PROTOCOL}: the frame's stored length, network and transport offsets and
     *   {@code skb->protocol} (its wire length is {@link #tmplWire});</li>
     *   <li>{@link #T_PPE_PROTO} to {@link #T_PPE_PORTS}: the tuple the PPE takes from its frame
     *   ({@link PpeParser#tuple}, read once when the template is saved): the protocol (0: none), the tuple's PPE
     *   bucket ({@link PpeFlowTable#hash}, a function of the tuple and the table's size), source, destination and
     *   ports words. A frame built from a template at the router ({@link #materialize}) carries the template's
     *   headers, so the PPE takes this tuple from it, in its bucket ({@link PpeFlowTable#receiveInBucket}).</li>
     * </ul>
     */
    private final int[] tmpl;
    private static final int TEMPLATE_SHIFT = 4;
    private static final int TEMPLATE_INTS = 1 << TEMPLATE_SHIFT;
    private static final int T_STORED = 2;
    private static final int T_NET = 4;
    private static final int T_TRANSPORT = 5;
    private static final int T_PROTOCOL = 6;
    private static final int T_PPE_PROTO = 7;
    private static final int T_PPE_BUCKET = 8;
    private static final int T_PPE_SRC = 9;
    private static final int T_PPE_DST = 10;
    private static final int T_PPE_PORTS = 11;
    private static final int UNCHECKED = Integer.MIN_VALUE;
    /**
     * Per template, what a send from it reads, one array a field (the send of a flow's frame then reads lines it shares
     * with three other flows' templates, in cache, rather than a line of its own):
     * frames sent from it whose bytes are not written yet ({@link #serverSend}; a template is not rebuilt while it has
     * any, so they are built from the bytes that were valid when they were sent);
     */
    private final int[] tmplLazy;
    /**
     * the dial for which {@link #templateValid} last found it valid, {@link #UNCHECKED} if none since anything the
     * check reads changed: the template's key ({@link #fromTemplate}), the flow's NAT mapping ({@link #conntrack}) or
     * payload ({@link #clampMss}), a dial's PPPoE session ({@link #onRedial}). The check only reads, so while none of
     * those changed it gives the same answer for the same dial;
     */
    private final int[] tmplValidDial;
    /** and its frame's wire length. */
    private final int[] tmplWire;
    private final int[] ppeTuple = new int[3];
    /** The template {@link #materialize} built its frame from. */
    private int materializedTemplate;
    private final int[] tmplSeq;
    private final int[] tmplAck;
    private final int[] tmplTsVal;
    /** Per TCP template: its checksum's {@code ~HC} plus the {@code ~m} halves of the patched words. */
    private final long[] tmplSumBase;
    /**
     * Frames sent by a server and not yet written into the store (built when they reach the router, {@link
     * #materialize}); each has a slot reserved: the store counts as full when its frames and these fill it.
     */
    private int lazyCount;
    /** Tests: build every templated frame with the builder as well and fail on any difference. */
    boolean checkTemplates;
    /** Tests: frames copied from a template and checked against the builder's. */
    long templateChecks;
    /** Tests: servers' frames written into the store when they reached the router ({@link #materialize}). */
    long lateBuilt;
    private long ftOffloaded;
    private long ftHits;
    private final PpeFlowTable ppe;
    private long ppeHits;
    private long groPackets;
    private long mssClamped;
    private long irqs;
    private long polls;
    /** Over the window: NAPI hrtimer expiries, and the polls they scheduled ({@code napi_watchdog}). */
    private long napiTimerExpiries;
    private long napiWatchdogPolls;
    private long windowStartNs;
    /**
     * The simulated time of the work being done: the event's time, or the time of work done inline (see
     * {@link #dueBefore}), which the loop's clock has not reached yet. Drop traces carry it.
     */
    private long clockNs;
    /** Whether the warm-up has ended (the counters count the measurement window). */
    private boolean windowStarted;
    private boolean ran;

    // Per-path cycle sums (computed once).
    private final long rxHalfCycles;
    /** The cycles {@link #charge} has charged for the packet {@link #forward} is handling. */
    private long chargedCycles;

    // Event kinds.
    private final int kLineDown;
    private final int kRx;
    private final int kIrq;
    private final int kNapi;
    private final int kNapiTimer;
    private final int kHost;
    private final int kServer;
    private final int kRto;
    private final int kApp;
    private final int kDelack;
    private final int kStart;
    private final int kUdp;
    private final int kProgress;
    private final int kWarmup;
    private final int kRedial;
    private final int kQdisc;
    private final int kTxDone;
    private final int kPpeAge;
    private final int kUdpTicks;
    private final int kHostTimer;
    private final int kSynAckTimer;

    private ProgressListener progress = ProgressListener.NONE;
    private FrameTap tap;
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kDialEcmp;
    private int kDialMwan3;
    private int kDialRoundRobin;
    private int kDialDefault;
    private int kConntrackNew;
    private int kFlowOffload;
    private int kPpeBind;
    private int[] kDrop;
    private int kNapiIrq;
    private int kNapiPoll;
    private int kNapiComplete;
    private int kNapiDefer;
    private int kNapiTimerArm;
    private int kNapiWatchdog;
    private int kTimeSqueeze;
    private int kKsoftirqdWake;
    private int kRxHash;
    private int kStack;
    private int kGroMerge;
    private int kGroFlush;
    private int kGroList;
    private int kGso;
    private int kSynRetransmit;
    private int kSynAckRetransmit;
    private int kRequestRetransmit;
    private int kConnectFailed;
    private int kWriteTimeout;
    private int kTxhashRethink;
    private int kAppClose;
    private int kRtoFired;
    private int kHystart;
    private int kAppReconnect;
    private int kAppConnectTimeout;
    private int kAppGiveUp;

    /**
     * Sees every packet at every device of the router it crosses, as {@code tcpdump -i DEVICE} would: on the way in
     * when the CPU delivers it to {@code __netif_receive_skb} after the driver and GRO work (eth0 with the VLAN tag,
     * then each upper device: VLAN, macvlan, PPPoE), a GRO aggregate as one packet ({@link #captureAggregate}); on
     * the way out when the CPU has finished forwarding it, each device it passes, eth0 last, an aggregate once on
     * the devices with TSO and as its segments from a ppp device (no TSO) down. Frames the RX ring drops and frames
     * the PPE forwards are not seen (the kernel never sees them). {@link PcapTaps} writes them. Called on the
     * simulation thread; must not allocate, keep or free the frame.
     */
    public interface FrameTap {
        /**
         * @param ifindex the device, by its index in the engine's device table ({@link #interfaceNames} order,
         *                from 1)
         * @param timeNs simulated time the device sees the frame, in nanoseconds; never before {@link #nowNs()}
         *               (the engine taps a frame at or after the time of the event handling it)
         * @param store the packets
         * @param handle the frame, starting at the header the device sees (an IP header at a PPPoE device)
         * @param sent true when the device sends the frame, false when it receives it
         */
        void capture(int ifindex, long timeNs, PacketStore store, int handle, boolean sent);

        /**
         * A GRO aggregate: {@code handle} holds its first segment's headers as the device sees them; the device
         * sees one packet of {@code ipLengthBytes} from its IP header, the first segment's TCP flags with
         * {@code pshFin} ORed in, and the TCP checksum field holding the pseudo-header sum ({@code CHECKSUM_PARTIAL},
         * written by {@code tcp4_gro_complete}/{@code tcp6_gro_complete}). The default shows the first segment.
         *
         * @param ifindex the device, by its index in the engine's device table
         * @param timeNs simulated time the device sees the packet, in nanoseconds
         * @param store the packets
         * @param handle the aggregate's first segment (its headers, not the aggregate's lengths)
         * @param sent true when the device sends the packet, false when it receives it
         * @param segs the segments merged, at least 2
         * @param ipLengthBytes the aggregate's length from its IP header, in bytes
         * @param pshFin the PSH and FIN flags of its later segments ({@code tcp_gro_receive} ORs them in)
         * @param fraglist a fraglist aggregate (TCP or UDP): its first segment keeps its own transport checksum and
         *                 flags, and a UDP one's length is the aggregate's ({@code udp4_gro_complete})
         */
        default void captureAggregate(final int ifindex, final long timeNs, final PacketStore store, final int handle,
                final boolean sent, final int segs, final int ipLengthBytes, final int pshFin,
                final boolean fraglist) {
            capture(ifindex, timeNs, store, handle, sent);
        }

        /**
         * Given by {@link #tap} before the run: the simulation's clock ({@link #nowNs()}), which no later frame's
         * time is before, so a tap may hold frames and put them in time order.
         *
         * @param nowNs the clock, in nanoseconds
         */
        default void clock(final java.util.function.LongSupplier nowNs) {
        }
    }

    /**
     * Attaches a frame tap (at most one; {@link #run} attaches {@link PcapTaps} itself when the configuration's
     * {@link RouterConfig.Outputs#pcapDir()} is set). Call before the run.
     *
     * @param frameTap the tap, or null for none
     */
    public void tap(final FrameTap frameTap) {
        this.tap = frameTap;
        if (frameTap != null) {
            frameTap.clock(this::nowNs);
        }
    }

    /**
     * The router's interfaces in interface-index order (index 1 first), as the engine names them for a
     * configuration: {@code eth0}, {@code eth0.1} (the LAN), {@code eth0.2} ... one per WAN line, then per dial its
     * macvlan {@code macvlanD} (when a line has several dials) and its PPPoE device {@code pppoe-wanD} (with PPPoE),
     * D counting dials line-major from 0.
     *
     * @param config a configuration
     * @return the device names
     */
    public static List<String> interfaceNames(final RouterConfig config) {
        final RouterConfig.Wan wan = config.wan();
        final List<String> names = new ArrayList<>();
        final boolean dsa = config.profile().dsa();
        names.add("eth0");
        names.add(portName(dsa, -1));
        for (int l = 0; l < wan.lines(); l++) {
            names.add(portName(dsa, l));
        }
        for (int d = 0; d < config.dials(); d++) {
            if (wan.dialsPerLine() > 1) {
                names.add("macvlan" + d);
            }
            if (wan.pppoe()) {
                names.add("pppoe-wan" + d);
            }
        }
        if (config.lan().bridge()) {
            names.add("br-lan");
        }
        return names;
    }

    /** Whether the flowtable's hook sits at the bottom of the WAN side's path: fw4, not firewall3's layer-3 hooks. */
    private static boolean wanHooked(final RouterConfig.FirewallKind fw) {
        return fw == RouterConfig.FirewallKind.FW4;
    }

    /**
     * Whether the flowtable's hook sits at the bottom of the LAN side's path (eth0, the DSA port) rather than on
     * {@code br-lan}: under fw4 with {@code flags offload} (a bridge's ports listed), without a bridge, or when eth0 is
     * listed through a line's VLAN device (swconfig, one dial per line).
     */
    private static boolean lanHooked(final RouterConfig.FirewallKind fw, final RouterConfig.OffloadMode offload,
            final boolean bridge, final boolean dsa, final boolean macvlan) {
        return wanHooked(fw) && (offload == RouterConfig.OffloadMode.PPE || !bridge || !dsa && !macvlan);
    }

    /**
     * Where the flowtable catches a forwarded packet on each side, in words (the summary's {@code flowtable:} line;
     * docs/forwarding.md, "Software flow offload").
     *
     * @param config the router
     * @return the hooks, or null without offload
     */
    public static String flowtableHooks(final RouterConfig config) {
        if (config.offload() == RouterConfig.OffloadMode.NONE) {
            return null;
        }
        final RouterConfig.FirewallKind fw = config.firewall().kind();
        final boolean bridge = config.lan().bridge();
        final boolean dsa = config.profile().dsa();
        final boolean macvlan = config.wan().dialsPerLine() > 1;
        final boolean pppoe = config.wan().pppoe();
        if (!wanHooked(fw)) {
            return "hooked on the dials and " + (bridge ? "br-lan" : portName(dsa, -1)) + ", the layer-3 devices"
                + " (firewall3): every device layer is paid";
        }
        final String wan = macvlan ? "the dials' macvlans" + (pppoe ? " (PPPoE popped)" : "")
                : dsa ? "the lines' ports" + (pppoe ? " (PPPoE popped)" : "")
                : "eth0 (VLAN tag" + (pppoe ? " and PPPoE" : "") + " popped)";
        final String lan;
        if (!lanHooked(fw, config.offload(), bridge, dsa, macvlan)) {
            lan = "br-lan (fw4 lists br-lan, not its port)";
        } else if (!bridge) {
            lan = dsa ? portName(true, -1) : "eth0 (VLAN tag popped)";
        } else {
            final boolean hw = config.offload() == RouterConfig.OffloadMode.PPE;
            lan = (dsa ? portName(true, -1) : "eth0") + " (" + (hw ? "flags offload lists br-lan's port"
                    : "listed through the lines' VLAN devices") + "; br-lan skipped)";
        }
        return "WAN side hooked on " + wan + ", LAN side on " + lan;
    }

    /**
     * The device of the LAN or of a WAN line: under swconfig the VLAN device {@code eth0.1} (the LAN) or
     * {@code eth0.<2+line>}; under DSA the switch port's user port as OpenWrt's device trees label them: the LAN on
     * {@code lan1}, line 0 on {@code wan}, line l on {@code lan<l+1>} (a multi-line setup takes LAN ports as WAN
     * lines).
     *
     * @param dsa true under DSA
     * @param line the line, or -1 for the LAN
     * @return the device name
     */
    static String portName(final boolean dsa, final int line) {
        if (!dsa) {
            return "eth0." + (line < 0 ? LAN_VID : WAN_VID_BASE + line);
        }
        return line < 0 ? "lan1" : line == 0 ? "wan" : "lan" + (line + 1);
    }

    /**
     * Names interfaces in a few words for messages.
     *
     * @param names device names, e.g. {@link #interfaceNames}
     * @return the names, runs of consecutively numbered ones shortened ({@code macvlan0..macvlan63})
     */
    public static String describeInterfaces(final List<String> names) {
        final StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < names.size()) {
            int j = i;
            while (j + 1 < names.size() && follows(names.get(j), names.get(j + 1))) {
                j++;
            }
            b.append(b.length() > 0 ? ", " : "").append(names.get(i));
            if (j > i) {
                b.append(j > i + 1 ? ".." : ", ").append(names.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }

    /** True when {@code next} is {@code name} with its trailing number plus one ({@code macvlan3, macvlan4}). */
    private static boolean follows(final String name, final String next) {
        int k = name.length();
        while (k > 0 && Character.isDigit(name.charAt(k - 1))) {
            k--;
        }
        return k < name.length() && next.equals(name.substring(0, k) + (Long.parseLong(name.substring(k)) + 1));
    }

    /**
     * Attaches a trace bus: the engine's decisions are published as events of the component {@code router}
     * (kinds: the dial chosen for a connection, {@code dial_ecmp} with the 31-bit {@code fib_multipath_hash()} value
     * and the nexthop count, {@code dial_mwan3} with the statistic rules walked, {@code dial_round_robin} or
     * {@code dial_default_route}; {@code conntrack_new}, {@code flow_offload}, {@code ppe_bind}, one
     * {@code drop_REASON} per drop reason; the NIC and NAPI: {@code napi_irq}, {@code napi_poll},
     * {@code napi_complete}, {@code time_squeeze}; per polled frame {@code rx_hash} (its {@code skb->hash}, PPE
     * entry and RPS CPU); {@code gro_merge} and {@code gro_flush} with why), and the qdisc's own drops (component
     * {@code eth0:qdisc}). {@link #run} attaches one writing JSON lines when the configuration's
     * {@link RouterConfig.Outputs#traceFile()} is set. Call before the run; the caller closes the bus.
     *
     * @param bus the bus
     */
    public void trace(final TraceBus bus) {
        this.trace = Objects.requireNonNull(bus, "bus");
        final TraceNames names = bus.names();
        traceComponent = names.component("router");
        kDialEcmp = names.kind("dial_ecmp", "flow", "dial", "hash31", "nexthops");
        kDialMwan3 = names.kind("dial_mwan3", "flow", "dial", "statistic_rules");
        kDialRoundRobin = names.kind("dial_round_robin", "flow", "dial");
        kDialDefault = names.kind("dial_default_route", "flow", "dial");
        kConntrackNew = names.kind("conntrack_new", "flow", "dial", "nat_port");
        kFlowOffload = names.kind("flow_offload", "flow", "to_lan");
        kPpeBind = names.kind("ppe_bind", "flow", "to_lan");
        final Drop[] reasons = Drop.values();
        kDrop = new int[reasons.length];
        for (int i = 0; i < reasons.length; i++) {
            // a full backlog names its CPU: enqueue_to_backlog() (net/core/dev.c, 6.18) counts the drop in that
            // CPU's softnet_data (sd->dropped, softnet_stat's second column), not the enqueuing CPU's
            kDrop[i] = reasons[i] == Drop.BACKLOG_FULL ? names.kind("drop_" + reasons[i].label, "cpu")
                : names.kind("drop_" + reasons[i].label);
        }
        kNapiIrq = names.kind("napi_irq", "cpu", "ring", "queue");
        kNapiPoll = names.kind("napi_poll", "cpu", "done", "ring_left", "budget_left", "queue");
        kNapiComplete = names.kind("napi_complete", "cpu", "queue");
        // napi_complete_done() returned false: the IRQ stays masked (napi_defer_hard_irqs), the hrtimer polls next
        kNapiDefer = names.kind("napi_irq_deferred", "cpu", "defer_left", "queue");
        // napi_complete_done()'s hrtimer_start(&n->timer, gro_flush_timeout); gro_held: packets GRO still holds
        kNapiTimerArm = names.kind("napi_timer_armed", "cpu", "timeout_ns", "gro_held", "queue");
        // napi_watchdog(): the hrtimer expired; scheduled 1 when it scheduled a poll (0: the NAPI was scheduled)
        kNapiWatchdog = names.kind("napi_watchdog", "cpu", "scheduled", "ring", "queue");
        kDim = names.kind("dim_rx", "profile", "usecs", "frames", "queue");
        kTimeSqueeze = names.kind("time_squeeze", "cpu", "ring_left", "queue");
        kKsoftirqdWake = names.kind("ksoftirqd_wake", "cpu", "passes", "queue");
        kRxHash = names.kind("rx_hash", "flow", "skb_hash", "foe", "rps_cpu", "queue");
        // the stack takes a packet up: __netif_receive_skb_core() (net/core/dev.c, 6.18) on the RPS target's
        // process_backlog(), or in the poll without RPS; its numbers are the engine's (the tracepoint of that name
        // has the skb only)
        kStack = names.kind("netif_receive_skb", "cpu", "flow", "fast", "backlog", "latency_ns");
        kGroMerge = names.kind("gro_merge", "flow", "segs");
        kGroFlush = names.kind("gro_flush", "flow", "segs", "reason");
        kGroList = names.kind("gro_list", "cpu", "packets", "segs", "queue");
        kGso = names.kind("gso", "flow", "segs", "how", "ifindex");
        kSynRetransmit = names.kind("tcp_syn_retransmit", "flow", "timeouts");
        kSynAckRetransmit = names.kind("tcp_synack_retransmit", "flow", "timeouts");
        kRequestRetransmit = names.kind("tcp_request_retransmit", "flow", "timeouts");
        kConnectFailed = names.kind("tcp_connect_timeout", "flow", "retransmissions");
        kWriteTimeout = names.kind("tcp_write_timeout", "flow", "retransmissions", "at_host");
        kTxhashRethink = names.kind("tcp_txhash_rethink", "flow", "flow_label");
        kRtoFired = names.kind("tcp_rto", "flow", "backoff", "at_host");
        kHystart = names.kind("tcp_hystart", "flow", "detector", "cwnd", "round_us");
        kAppClose = names.kind("app_close", "flow", "reset", "idle_ms", "etimedout");
        kAppReconnect = names.kind("app_reconnect", "flow", "new_flow", "source_port");
        kAppConnectTimeout = names.kind("app_connect_timeout", "flow", "timeout_ms", "syn_retransmits");
        kAppGiveUp = names.kind("app_give_up", "flow", "tries", "max_tries");
        qdisc.trace(bus, "eth0:qdisc");
    }

    /**
     * Builds the topology for a configuration; with {@link RouterConfig.OffloadMode#PPE} the PPE is the mainline
     * driver's on an MT7621 ({@link PpeConfig#mt7621()}: 8192 entries, 7744 usable).
     *
     * @param config the run's configuration
     */
    public RouterSimulation(final RouterConfig config) {
        this(config, PpeConfig.mt7621());
    }

    /**
     * Builds the topology for a configuration with a given PPE (used only with {@link RouterConfig.OffloadMode#PPE}),
     * e.g. {@link PpeConfig#legacy4k()}, the 4096-entry table of OpenWrt 19.07's driver.
     *
     * @param config the run's configuration
     * @param ppeConfig the PPE's table size and timing
     */
    public RouterSimulation(final RouterConfig config, final PpeConfig ppeConfig) {
        this.config = Objects.requireNonNull(config, "config");
        qdisc = config.qdisc() == RouterConfig.QdiscKind.PFIFO_FAST
                ? new PfifoFast(store, PfifoFast.DEFAULT_TX_QUEUE_LEN) : new FqCodel(store, new FqCodelConfig());
        this.profile = config.profile();
        this.costs = profile.costs();
        cBacklog = costs.perPacket(CostStage.BACKLOG);
        cNetifReceive = costs.perPacket(CostStage.NETIF_RECEIVE);
        cFlowtable = costs.perPacket(CostStage.FLOWTABLE);
        cVlan = costs.perPacket(CostStage.VLAN);
        cDsa = costs.perPacket(CostStage.DSA);
        cMacvlan = costs.perPacket(CostStage.MACVLAN);
        cBridge = costs.perPacket(CostStage.BRIDGE);
        cPppoe = costs.perPacket(CostStage.PPPOE);
        cQdisc = costs.perPacket(CostStage.QDISC);
        cGso = costs.perPacket(CostStage.GSO);
        cGsoList = costs.perPacket(CostStage.GSO_LIST);
        cGsoPerByteMilli = costs.perByteMilli(CostStage.GSO);
        cDriverTx = costs.perPacket(CostStage.DRIVER_TX);
        cDriverTxPerByteMilli = costs.perByteMilli(CostStage.DRIVER_TX);
        cTxCompletion = costs.perPacket(CostStage.TX_COMPLETION);
        cFib = costs.perPacket(CostStage.FIB);
        cFibRule = costs.perPacket(CostStage.FIB_RULE);
        cNfRule = costs.perPacket(CostStage.NF_RULE);
        cConntrackNew = costs.perPacket(CostStage.CONNTRACK_NEW);
        cConntrack = costs.perPacket(CostStage.CONNTRACK);
        cNat = costs.perPacket(CostStage.NAT);
        cForward = costs.perPacket(CostStage.FORWARD);
        cGro = costs.perPacket(CostStage.GRO);
        cDriverRx = costs.perPacket(CostStage.DRIVER_RX);
        cDriverRxPerByteMilli = costs.perByteMilli(CostStage.DRIVER_RX);
        cHardIrq = costs.perEvent(CostStage.HARD_IRQ);
        cNapiPoll = costs.perEvent(CostStage.NAPI_POLL);
        cIpi = costs.perEvent(CostStage.IPI);
        cHrtimer = costs.perEvent(CostStage.HRTIMER);
        dialsPerLine = config.wan().dialsPerLine();
        totalNs = config.totalNs();
        warmupNs = config.warmupNs();
        perPacketBalancing = config.balancing().mode() == RouterConfig.BalanceMode.PER_PACKET;
        ecmpBalancing = config.balancing().mode() == RouterConfig.BalanceMode.ECMP;
        rxFrames = profile.rxFrames();
        rxUsecs = profile.rxUsecs();
        final boolean mlx5 = MLX5_CORE.equals(profile.driverName());
        rxDim = profile.adaptiveRx() && MTK_ETH_SOC.equals(profile.driverName()) ? Dim.zeroed()
                : profile.adaptiveRx() && mlx5 ? Dim.zeroedRxCqe() : null;
        rss = mlx5 ? new Toeplitz(rssKey(config.seed(), config.run())) : null;
        // a ConnectX-5 or later: cq_period_start_from_cqe, so mlx5e_build_nic_params() picks the CQE period mode
        cqePeriod = mlx5;
        napiContext = profile.threadedNapi() ? CpuSet.CTX_THREAD : CpuSet.CTX_SOFTIRQ;
        dimAtCompletion = rxDim != null && mlx5;
        if (dimAtCompletion) {
            // mlx5e_reset_rx_moderation(): with DIM the CQ starts at net_dim_get_def_rx_moderation(CQE mode)
            rxUsecs = Dim.profileUsecCqe(Dim.DEFAULT_PROFILE_CQE);
            rxFrames = Dim.profilePktsCqe(Dim.DEFAULT_PROFILE_CQE);
        } else if (rxDim != null) {
            applyDim();
        }
        napiWeight = profile.napiWeight();
        groFlushTimeoutNs = profile.groFlushTimeoutNs();
        napiDeferHardIrqs = profile.napiDeferHardIrqs();
        jiffyNs = 1_000_000_000L / profile.hz();
        hzAtLeast1000 = profile.hz() >= 1000;
        groNormalBatch = profile.groNormalBatch();
        // a batch, behind the packets held until the poll's end (heldCount): at most a poll's frames and what GRO
        // held before it
        final int rxList = groNormalBatch + napiWeight + GRO_HASH_BUCKETS * MAX_GRO_SKBS;
        rxListPkt = new int[rxList];
        rxListFlow = new int[rxList];
        rxListTarget = new int[rxList];
        rxListSegs = new int[rxList];
        rxListIpLength = new int[rxList];
        rxListPshFin = new int[rxList];
        netdevBudget = profile.netdevBudget();
        // 0 in a profile: the kernel's default, 2 * USEC_PER_SEC / HZ (net/core/dev.c, 6.18)
        budgetJiffies = NapiKnobs.usecsToJiffies(profile.effectiveNetdevBudgetUsecs(), profile.hz());
        softirqJiffies = NapiKnobs.usecsToJiffies(MAX_SOFTIRQ_TIME_US, profile.hz());
        netdevMaxBacklog = profile.netdevMaxBacklog();
        final RouterConfig.Wan wan = config.wan();
        this.dials = config.dials();
        lineOfDial = new int[dials];
        for (int d = 0; d < dials; d++) {
            lineOfDial[d] = d / dialsPerLine;
        }
        this.lines = wan.lines();
        this.macvlan = wan.dialsPerLine() > 1;
        this.dsa = profile.dsa();
        this.bridge = config.lan().bridge();
        // The flowtable's devices. firewall3's xt_FLOWOFFLOAD (OpenWrt's target, kernels of the fw3 era) hooks the
        // connection's own in and out devices, the layer-3 ones. fw4 (resolve_offload_devices() in fw4.uc) lists
        // each zone's physical devices with a VLAN device's lower devices and the layer-3 devices, without a bridge's
        // ports (software offload); with flags offload (the PPE) every physical device's lower devices, ports
        // included. 6.18's nft_dev_forward_path() hooks the bottom of a side's path (dev_fill_forward_path: a bridge
        // to its port, a VLAN to eth0, PPPoE to its device; a macvlan or a DSA port ends the walk) when that device is
        // one of them. fw4's software list thus has eth0 on the LAN side only through a line whose physical device
        // is a VLAN device on eth0 (one dial per line under swconfig), a macvlan dial and a DSA port always.
        ftWanHooked = wanHooked(config.firewall().kind());
        ftLanHooked = lanHooked(config.firewall().kind(), config.offload(), bridge, dsa, macvlan);
        lineDsa = new boolean[lines];
        for (int l = 0; l < lines; l++) {
            lineDsa[l] = dsa && (l > 0 || !profile.wanOnOwnGmac());
        }
        cellPolledAt = new long[profile.threadCount() * (lines + 1)];
        java.util.Arrays.fill(cellPolledAt, -1L);
        this.pppoe = wan.pppoe();
        this.pppoeGro = pppoe && profile.pppoeGro();
        this.groList = profile.groList();
        this.udpGroForwarding = profile.udpGroForwarding() && !groList;
        // mlx5e_build_nic_netdev() (drivers/net/ethernet/mellanox/mlx5/core/en_main.c, 6.18): features |=
        // NETIF_F_GSO_UDP_L4; MTK_HW_FEATURES (mtk_eth_soc.h) has TSO but no UDP segmentation
        this.nicUdpSegmentation = MLX5_CORE.equals(profile.driverName());
        this.splitsBelow = groList || udpGroForwarding && (!nicUdpSegmentation || dsa);
        this.ipv6 = config.ipv6();
        this.halfRttNs = wan.serverRttNs() / 2;
        this.pathMtu = Math.min(wan.mtu(), pppoe ? 1492 : 1500);
        this.random = RandomStream.derive(config.seed(), config.run(), "router");
        this.txRehash = RandomStream.derive(config.seed(), config.run(), "txrehash");
        this.cpu = new CpuSet(profile.cores(), profile.threadsPerCore(), profile.clockHz(),
                profile.smtThroughputPermille());
        cpu.window(config.warmupNs(), config.totalNs());
        this.dialUp = new boolean[dials];
        java.util.Arrays.fill(dialUp, true);

        // The devices of an OpenWrt multi-dial: eth0 (the GMAC on the switch's CPU port), eth0.1 to the LAN,
        // eth0.<2+l> per WAN line, a macvlan per dial when a line has several, a PPPoE session per dial.
        // Under DSA the same tag-demuxed devices of eth0 stand for the user ports (lan1 the LAN, wan line 0, lan2..
        // the further lines), named as OpenWrt names them (portName).
        final int eth0 = devices.register(new Gmac());
        lanVlan = new VlanDevice(portName(dsa, -1), eth0, ETH0_MAC, LAN_VID);
        devices.register(lanVlan);
        vlans.add(lanVlan);
        lineVlan = new VlanDevice[lines];
        linePort = new MacvlanPort[lines];
        dialMacvlan = new MacvlanDevice[dials];
        dialPppoe = new PppoeDevice[dials];
        dialIfindex = new int[dials];
        for (int l = 0; l < lines; l++) {
            lineVlan[l] = new VlanDevice(portName(dsa, l), eth0, ETH0_MAC, WAN_VID_BASE + l);
            devices.register(lineVlan[l]);
            vlans.add(lineVlan[l]);
        }
        for (int d = 0; d < dials; d++) {
            final int l = d / wan.dialsPerLine();
            int lower = lineVlan[l].ifindex();
            if (macvlan) {
                if (linePort[l] == null) {
                    linePort[l] = new MacvlanPort(lineVlan[l], wan.dialsPerLine(), MacvlanPort.DEFAULT_BC_QUEUE_LEN);
                }
                dialMacvlan[d] = new MacvlanDevice("macvlan" + d, lower, DIAL_MAC_BASE + d);
                lower = devices.register(dialMacvlan[d]);
                linePort[l].add(dialMacvlan[d]);
            }
            if (pppoe) {
                dialPppoe[d] = new PppoeDevice("pppoe-wan" + d, lower, dialMac(d), SESSION_BASE + d,
                        BRAS_MAC_BASE + l);
                dialIfindex[d] = devices.register(dialPppoe[d]);
                sessions.add(dialPppoe[d]);
            } else {
                dialIfindex[d] = lower;
            }
        }
        // br-lan over the LAN port (registered last: the other devices keep their ifindex with or without it)
        brLanIfindex = bridge ? devices.register(new BrLan()) : 0;
        for (int i = 1; i <= devices.size(); i++) {
            devices.up(i, 0L);
        }
        dialAddress = new int[dials];
        for (int d = 0; d < dials; d++) {
            dialAddress[d] = DIAL_ADDRESS_BASE + d;
            devices.ipv4Address(dialIfindex[d], dialAddress[d], 0L);
        }

        lanDown = new FifoLink(config.lan().portRateBps(), 10_000_000L);
        lanUp = new FifoLink(config.lan().portRateBps(), 10_000_000L);
        cpuIn = new FifoLink(CPU_PORT_BPS, 2_000_000L);
        cpuOut = new FifoLink(CPU_PORT_BPS, 10_000_000L);
        lineDown = new FifoLink[lines];
        lineUp = new FifoLink[lines];
        for (int l = 0; l < lines; l++) {
            lineDown[l] = new FifoLink(wan.lineRateBps(), 30_000_000L);
            lineUp[l] = new FifoLink(wan.lineRateBps(), 10_000_000L);
        }
        shaperDown = new FifoLink[dials];
        shaperUp = new FifoLink[dials];
        if (wan.dialShapingBps() > 0) {
            for (int d = 0; d < dials; d++) {
                shaperDown[d] = new FifoLink(wan.dialShapingBps(), 50_000_000L);
                shaperUp[d] = new FifoLink(wan.dialShapingBps(), 50_000_000L);
            }
        }

        final int[] weights = new int[dials];
        java.util.Arrays.fill(weights, 1);
        final RouterConfig.Balancing bal = config.balancing();
        if (bal.mode() == RouterConfig.BalanceMode.ECMP) {
            route = ipv6 ? new Ipv6MultipathRoute(weights) : new Ipv4MultipathRoute(weights);
            // 0 keys the hash with the value drawn at boot (net/ipv4/sysctl_net_ipv4.c, 6.18:
            // proc_fib_multipath_hash_set_seed(), mp_seed = user_seed ?: the boot-random seed); (seed, run) is the boot
            multipathHashSeed = bal.hashSeed() != 0 ? bal.hashSeed()
                    : RandomStream.derive(config.seed(), config.run(), "fib_multipath_hash_seed").nextInt()
                    & 0xFFFF_FFFFL;
            ecmp = new EcmpSelector(new MultipathHash(ipv6 ? FlowKey.FAMILY_IPV6 : FlowKey.FAMILY_IPV4,
                    bal.hashPolicy(), MultipathHash.FIELDS_DEFAULT, multipathHashSeed), route);
        } else {
            route = null;
            ecmp = null;
            multipathHashSeed = -1;
        }
        if (bal.mode() == RouterConfig.BalanceMode.MWAN3) {
            final int max = new Mwan3MarkMask(bal.markMask()).interfaceMax();
            final int[] metrics = new int[dials];
            java.util.Arrays.fill(metrics, 1);
            mwan3 = new Mwan3Policy(weights, metrics, max, bal.sticky(), 600_000_000_000L,
                    RandomStream.derive(config.seed(), config.run(), "mwan3").nextLong());
            mwan3Cost = new Mwan3RuleCost(dials, 2);
        } else {
            mwan3 = null;
            mwan3Cost = null;
        }

        final boolean offloading = config.offload() != RouterConfig.OffloadMode.NONE;
        switch (config.firewall().kind()) {
            case FW3:
                firewall = FirewallRuleCost.fw3(dials, true, offloading);
                break;
            case FW3_2019:
                firewall = FirewallRuleCost.fw3Of2019(dials, true, offloading);
                break;
            default:
                firewall = FirewallRuleCost.fw4(dials, true, offloading);
                break;
        }
        final int n = cpu.cpus();
        rxCpu = Math.min(profile.napiCpu(), n - 1);
        txCpu = !profile.separateTxNapi() || n == 1 ? rxCpu
                : profile.txNapiCpu() >= 0 ? Math.min(profile.txNapiCpu(), n - 1) : (rxCpu + 1) % n;
        rpsMap = rpsMap(profile.rpsCpus(), n);
        viaBacklog = rpsMap.length > 0;
        ringSlots = profile.rxRingSlots();
        ringOccupancy = new long[ringSlots + 1];
        int size = Integer.highestOneBit(Math.max(1, ringSlots - 1)) << 1;
        ring = new long[size];
        ringMask = size - 1;
        rxQueues = profile.rxQueues();
        multiQueue = rxQueues > 1;
        if (multiQueue) {
            if (rss == null || rxQueues > n) {
                throw new IllegalArgumentException("profile " + profile.name() + ": rxQueues = " + rxQueues
                        + ", allowed 1 with driver " + profile.driverName() + ", 1.." + n + " with " + MLX5_CORE);
            }
            queues = new RxQueue[rxQueues];
            for (int q = 0; q < rxQueues; q++) {
                // channel q's completion vector: mlx5_cpumask_default_spread(numa_node, q), the q-th CPU (one node)
                queues[q] = new RxQueue(q, q == 0 ? ring : new long[size], rxFrames, rxUsecs,
                        q == 0 || rxDim == null ? rxDim : dimAtCompletion ? Dim.zeroedRxCqe() : Dim.zeroed());
            }
            rxCpu = queues[0].cpu;
            txCpu = rxCpu;
            loadGro(queues[0]);
            rqt = new int[rqtSize(rxQueues)];
            for (int i = 0; i < rqt.length; i++) {
                rqt[i] = i % rxQueues;
            }
            txQueueOfCpu = new int[n];
            for (int c = 0; c < n; c++) {
                txQueueOfCpu[c] = c % rxQueues;
            }
        } else {
            queues = null;
            rqt = null;
            txQueueOfCpu = null;
        }
        // input_pkt_queue takes a packet while it holds at most netdev_max_backlog (so up to max + 1), and
        // process_queue holds what one splice moved (as many): the rings start at 1024 slots and double as needed
        final int bl = BACKLOG_RING_START;
        backlogTimes = new long[n][bl * BACKLOG_STRIDE];
        backlogMask = new int[n];
        java.util.Arrays.fill(backlogMask, bl - 1);
        // qlen 0 .. max found (taken), and max + 1: found full (dropped)
        backlogOccupancy = new long[n][profile.netdevMaxBacklog() + 2];
        backlogHead = new int[n];
        backlogCount = new int[n];
        backlogSpliced = new int[n];
        backlogDrainNs = new long[n];
        backlogIdleStartNs = new long[n];
        backlogRunStartNs = new long[n];
        backlogPasses = new int[n];
        backlogSoftirqJiffy = new long[n];
        backlogKsoftirqd = new boolean[n];
        rxSoftirqNew = new boolean[n];
        rxPasses = new int[n];
        rxSoftirqJiffy = new long[n];
        rxKsoftirqd = new boolean[n];
        rxPassEndNs = new long[n];
        backlogRunPackets = new int[n];
        backlogRunLastNs = new long[n];
        backlogSharedSpent = new int[n];
        backlogSharedStartNs = new long[n];
        ipiPending = new boolean[n];
        softnetProcessed = new long[n];
        softnetDropped = new long[n];
        softnetSqueeze = new long[n];
        softnetReceivedRps = new long[n];

        int flows = 0;
        long spares = 0;
        for (RouterConfig.App a : config.workload()) {
            flows += a.flows();
            if (!a.udp()) {
                spares += a.flows() * sparesPerConnection(a, config.wan().redials());
            }
        }
        if (flows > MAX_FLOWS) {
            throw new IllegalArgumentException("workload has " + flows + " flows, allowed <= " + MAX_FLOWS);
        }
        baseFlows = flows;
        spareNext = flows;
        // Spare slots for connections opened again: each TCP connection once per scheduled redial, plus once, and
        // once more for each connect timeout of its application that fits in a redial's down time
        flows += (int) Math.min(spares, MAX_FLOWS - flows);
        flowCount = flows;
        final int templates = flows * TEMPLATES_PER_FLOW;
        tmplBytes = new UnsafeBuffer(new byte[templates * TEMPLATE_BYTES]);
        tmplKey = new int[templates * TEMPLATE_KEY];
        tmpl = new int[templates << TEMPLATE_SHIFT];
        tmplLazy = new int[templates];
        tmplValidDial = new int[templates];
        tmplWire = new int[templates];
        java.util.Arrays.fill(tmplValidDial, UNCHECKED);
        tmplSeq = new int[templates];
        tmplAck = new int[templates];
        tmplTsVal = new int[templates];
        tmplSumBase = new long[templates];
        isn = new int[flows * 2];
        ct = new ConntrackTable(ConntrackConfig.openWrt(config.firewall().conntrackMax()),
                RandomStream.derive(config.seed(), config.run(), "nat"));
        flowNatDial = new int[flows];
        flowNatPort = new int[flows];
        ft = config.offload() == RouterConfig.OffloadMode.NONE ? null
                : new FlowTable(ct, Math.max(1024, flows), FlowTable.DEFAULT_TIMEOUT_NS, FlowTable.DEFAULT_TIMEOUT_NS);
        ftNeigh = config.offload() == RouterConfig.OffloadMode.FLOWTABLE;
        offloadHeldUntil = new long[flows];
        fastMisrouted = new boolean[flows];
        flowRouteDial = new int[flows];
        flowNatAddr = new int[flows];
        // Device events reach conntrack (masquerade cleanup) and the flowtable (flows through the device).
        devices.addListener(ct);
        if (ft != null) {
            devices.addListener(ft);
        }
        if (config.offload() == RouterConfig.OffloadMode.PPE) {
            // flow_offloading_hw: the flowtable offers each direction of a flow it takes to the PPE
            // (nf_flow_offload_add -> flow_offload_rule_add -> mtk_flow_offload_replace). The forward path of the
            // LAN device and of a dial ends on eth0 (one VLAN tag pushed, plus PPPoE on a dial) unless the dial is
            // a macvlan: macvlan has no ndo_fill_forward_path, so dev_fill_forward_path stops on it and the driver
            // refuses that direction (mtk_flow_set_output_device: -EOPNOTSUPP).
            ppe = new PpeFlowTable(Objects.requireNonNull(ppeConfig, "ppeConfig"));
            final PpeHardwareOffload hw = new PpeHardwareOffload(ppe, devices.size());
            hw.path(lanVlan.ifindex(), 1, true);
            for (int d = 0; d < dials; d++) {
                hw.path(dialIfindex[d], 1, !macvlan);
            }
            ft.hardwareOffload(hw);
        } else if (MTK_ETH_SOC.equals(profile.driverName())) {
            // The MT7621's frame engine parses every frame whatever the offload: mtk_open() starts the PPE and sends
            // the GDMAs' traffic through it (gdma_to_ppe) whenever the SoC has one (offload_version), so every TCP or
            // UDP frame learns an entry and reaches the CPU with its FOE index, the driver's skb->hash (mtk_poll_rx).
            // Nothing binds without hardware offload.
            ppe = new PpeFlowTable(Objects.requireNonNull(ppeConfig, "ppeConfig"));
        } else {
            ppe = null;
        }
        // no PPE sends on the port unless flows bind (hardware offload)
        eagerQdisc = config.offload() != RouterConfig.OffloadMode.PPE && rpsMap.length <= 1 && !multiQueue;
        dialOfIfindex = new int[devices.size() + 1];
        java.util.Arrays.fill(dialOfIfindex, -1);
        for (int d = 0; d < dials; d++) {
            dialOfIfindex[dialIfindex[d]] = d;
        }
        lineOfIfindex = new int[devices.size() + 1];
        java.util.Arrays.fill(lineOfIfindex, -1);
        for (int l = 0; l < lines; l++) {
            lineOfIfindex[lineVlan[l].ifindex()] = l;
        }
        flowApp = new int[flows];
        flowAppKind = new RouterConfig.AppKind[flows];
        flowHost = new int[flows];
        flowServer = new int[flows];
        flowUdp = new boolean[flows];
        flowDownload = new boolean[flows];
        flowHash = new int[flows];
        flowLabel = new int[flows];
        flowSport = new int[flows];
        flowDial = new int[flows];
        flowRouteGen = new int[flows];
        flowRehashed = new boolean[flows];
        flowMisrouted = new boolean[flows];
        flowLastDial = new int[flows];
        flowMss = new int[flows];
        flowPayload = new int[flows];
        flowStartNs = new long[flows];
        ctState = new byte[flows];
        offloaded = new boolean[flows];
        flowCtEntry = new int[flows];
        java.util.Arrays.fill(flowCtEntry, -1);
        natBroken = new boolean[flows];
        reconnectOf = new int[flows];
        java.util.Arrays.fill(reconnectOf, -1);
        closedBy = new byte[flows];
        appFailedTries = new int[flows];
        gaveUp = new boolean[flows];
        appMaxTries = new int[config.workload().size()];
        appStartNs = new long[config.workload().size()];
        for (int a = 0; a < appMaxTries.length; a++) {
            appMaxTries[a] = config.workload().get(a).maxTries();
            appStartNs[a] = config.workload().get(a).startNs();
        }
        flowIdleTimeoutNs = new long[flows];
        flowConnectTimeoutNs = new long[flows];
        appIdleDeferred = new boolean[flows];
        appProgressNs = new long[flows];
        appTimerPending = new boolean[flows];
        ctRemoved = new boolean[flows];
        resetPending = new boolean[flows];
        rtoBackoff = new int[flows];
        retransStampNs = new long[flows];
        serverTimedOut = new boolean[flows];
        serverLabelGen = new int[flows];
        hostLabelSeen = new int[flows];
        sndUna = new long[flows];
        sndNxt = new long[flows];
        cwndMilli = new long[flows];
        ssthreshMilli = new long[flows];
        dupAcks = new int[flows];
        recover = new long[flows];
        retxNext = new long[flows];
        rcvHigh = new long[flows];
        minRttNs = new long[flows];
        cubicWmaxMilli = new long[flows];
        cubicEpochNs = new long[flows];
        cubicKNs = new long[flows];
        cubicOriginMilli = new long[flows];
        cubicFlow = new boolean[flows];
        hsRoundStartUs = new long[flows];
        hsLastAckUs = new long[flows];
        hsEndSeq = new long[flows];
        hsFound = new boolean[flows];
        retxRoundNs = new long[flows];
        inRecovery = new boolean[flows];
        lastProgressNs = new long[flows];
        srttNs = new long[flows];
        sentAtNs = new long[flows];
        timedSeq = new long[flows];
        rtoPending = new boolean[flows];
        established = new boolean[flows];
        serverStarted = new boolean[flows];
        synSentNs = new long[flows];
        synTimeouts = new int[flows];
        connectFailed = new boolean[flows];
        serverRequest = new boolean[flows];
        serverHandshakeDone = new boolean[flows];
        synAckTimeouts = new int[flows];
        synAckDueNs = new long[flows];
        requestTimeouts = new int[flows];
        handshakeRttNs = new long[flows];
        synAckSentNs = new long[flows];
        requestRtoNs = new long[flows];
        requestAnswered = new boolean[flows];
        rcvNxt = new long[flows];
        ooo = new long[flows][];
        ackPending = new int[flows];
        delackDueNs = new long[flows];
        delackArmed = new boolean[flows];
        delackTimerPending = new boolean[flows];
        udpIntervalNs = new long[flows];
        udpOnUntilNs = new long[flows];
        udpNextNs = new long[flows];
        udpOrder = new long[flows];
        udpAheadNs = Math.min(halfRttNs, UDP_AHEAD_MAX_NS);
        deliveredBytes = new long[flows];
        dialDownBytes = new long[dials];
        dialUpBytes = new long[dials];
        java.util.Arrays.fill(flowLastDial, -1);

        kLineDown = loop.register(new Handler(0), "isp_line_down");
        kRx = loop.register(new Handler(1), "router_rx");
        kIrq = loop.register(new Handler(2), "irq");
        kNapi = loop.register(new Handler(3), "napi_poll");
        kNapiTimer = loop.register(new Handler(30), "napi_watchdog");
        kHost = loop.register(new Handler(4), "host_rx");
        kServer = loop.register(new Handler(5), "server_rx");
        kRto = loop.register(new Handler(6), "rto");
        kDelack = loop.register(new Handler(7), "delack");
        kStart = loop.register(new Handler(8), "connect");
        kUdp = loop.register(new Handler(9), "udp_tick");
        kProgress = loop.register(new Handler(10), "progress");
        kWarmup = loop.register(new Handler(11), "warmup_end");
        kRedial = loop.register(new Handler(12), "redial");
        kQdisc = loop.register(new Handler(13), "qdisc_enqueue");
        kTxDone = loop.register(new Handler(14), "cpu_port_tx_done");
        kPpeAge = loop.register(new Handler(15), "ppe_age");
        kUdpTicks = loop.register(new Handler(16), "udp_ticks");
        kHostTimer = loop.register(new Handler(17), "tcp_host_timer");
        kSynAckTimer = loop.register(new Handler(18), "tcp_synack_timer");
        kApp = loop.register(new Handler(19), "tcp_app");

        rxHalfCycles = costs.perPacket(CostStage.DRIVER_RX) + costs.perPacket(CostStage.GRO);
        for (int path = 0; path < PATHS; path++) {
            buildPath(path);
        }
        buildFlows();
    }

    /**
     * The fixed per-packet charges of one {@link #forward} path (see {@link #PATHS}): the cycles of each stage, their
     * sum, and the extra passes through {@code __netif_receive_skb_core()} after the first. The path's dynamic
     * charges (mwan3's rules, a new connection's firewall rules, the driver's per-byte work) stay in {@code forward}.
     */
    private void buildPath(final int path) {
        final boolean toLan = (path & PATH_TO_LAN) != 0;
        final boolean fast = (path & PATH_FAST) != 0;
        final boolean isNew = (path & PATH_NEW) != 0;
        // Under DSA: the LAN's port is a user port, the line's when PATH_WAN_DSA (not a K2P's line 0, on its own GMAC)
        final boolean wanDsa = dsa && (path & PATH_WAN_DSA) != 0;
        final boolean rxDsa = dsa && (!toLan || wanDsa);
        final boolean txDsa = dsa && (toLan || wanDsa);
        final long[] c = pathStageCycles[path];
        int passes = 0;
        c[CostStage.BACKLOG.ordinal()] += cBacklog;
        c[CostStage.NETIF_RECEIVE.ordinal()] += cNetifReceive;
        if (rxDsa) {
            // The conduit's pass (above) hands the frame to dsa_switch_rcv (ETH_P_XDSA): the tagger, then
            // gro_cells_receive; the cell's NAPI runs GRO (napi_gro_receive) and the user port's own pass through
            // __netif_receive_skb_core, where the flowtable's ingress hook sits (nft_dev_path_info stops at
            // DEV_PATH_DSA: indev is the user port). Per frame of an aggregate: forward charges the others' share.
            c[CostStage.DSA.ordinal()] += cDsa;
            c[CostStage.GRO.ordinal()] += cGro;
            c[CostStage.NETIF_RECEIVE.ordinal()] += cNetifReceive;
            passes++;
        }
        // The receiving side's layers above the flowtable's hook (all of them on the classic path), each another
        // pass: vlan_do_receive() and macvlan's and the bridge's rx_handlers go back to another_round (the bridge via
        // br_pass_frame_up()), ppp's netif_rx() queues the frame to this CPU's backlog again.
        final boolean rxHooked = fast && (toLan ? ftWanHooked : ftLanHooked);
        if (toLan) {
            if (!rxHooked || macvlan) {
                // hooked on a dial's macvlan: eth0's and the line's VLAN passes come first (under swconfig)
                if (!dsa) {
                    c[CostStage.VLAN.ordinal()] += cVlan;
                    passes++;
                }
                if (macvlan) {
                    c[CostStage.MACVLAN.ordinal()] += cMacvlan;
                    passes++;
                }
            }
            if (pppoe && !rxHooked) {
                passes++;
                // pppoe_rcv -> ppp_input -> netif_rx: one more backlog pass and protocol receive.
                c[CostStage.PPPOE.ordinal()] += cPppoe;
                c[CostStage.BACKLOG.ordinal()] += cBacklog;
                c[CostStage.NETIF_RECEIVE.ordinal()] += cNetifReceive;
            }
        } else if (!rxHooked) {
            if (!dsa) {
                c[CostStage.VLAN.ordinal()] += cVlan;
                passes++;
            }
            if (bridge) {
                c[CostStage.BRIDGE.ordinal()] += cBridge;
                passes++;
            }
        }
        if (fast) {
            c[CostStage.FLOWTABLE.ordinal()] += cFlowtable;
        } else {
            // slowPath's fixed part (mwan3's rules and a new connection's firewall rules are charged there)
            c[CostStage.FIB.ordinal()] += cFib;
            if (isNew) {
                c[CostStage.CONNTRACK_NEW.ordinal()] += cConntrackNew;
            } else {
                c[CostStage.CONNTRACK.ordinal()] += cConntrack;
            }
            c[CostStage.NAT.ordinal()] += cNat;
            if (!isNew) {
                c[CostStage.NF_RULE.ordinal()] += cNfRule * firewall.establishedRules();
            }
            c[CostStage.FORWARD.ordinal()] += cForward;
        }
        // Transmit device layers. The flowtable sends through them too: a path without a bridge through the side's
        // layer-3 device (FLOW_OFFLOAD_XMIT_NEIGH), one with a bridge, or any with flags offload, straight to its
        // first VLAN or PPPoE device (FLOW_OFFLOAD_XMIT_DIRECT, nf_flow_queue_xmit(): the ppp device, eth0.N), so
        // only the bridge is skipped, when the LAN side is hooked.
        if (toLan) {
            if (bridge && !(fast && ftLanHooked)) {
                c[CostStage.BRIDGE.ordinal()] += cBridge;
            }
        } else {
            if (pppoe) {
                c[CostStage.PPPOE.ordinal()] += cPppoe;
            }
            if (macvlan) {
                c[CostStage.MACVLAN.ordinal()] += cMacvlan;
            }
        }
        if (!dsa) {
            c[CostStage.VLAN.ordinal()] += cVlan;
        }
        if (txDsa) {
            // dsa_user_xmit and the tagger's xmit, then dev_queue_xmit on the conduit (the flowtable's fast path
            // sends to the user port too: FLOW_OFFLOAD_XMIT_DIRECT with the user port as outdev)
            c[CostStage.DSA.ordinal()] += cDsa;
        }
        c[CostStage.QDISC.ordinal()] += cQdisc;
        c[CostStage.DRIVER_TX.ordinal()] += cDriverTx;
        long sum = 0;
        for (final long v : c) {
            sum += v;
        }
        pathCycles[path] = sum;
        pathPasses[path] = passes;
    }

    /**
     * The handler of one event kind. Every kind's handler is of this one class, so the event loop's call of the
     * handler sees a single receiver class (a call the JIT inlines, then a switch) rather than sixteen lambda
     * classes (an interface call through the itable stub for every event).
     */
    private final class Handler implements EventHandler {
        private final int which;

        Handler(final int which) {
            this.which = which;
        }

        @Override
        public void onEvent(final int target, final long arg, final long now) {
            clockNs = now;
            switch (which) {
                case 0:
                    onLineDown(target, arg, now);
                    break;
                case 1:
                    onRouterRx(target, arg, now);
                    break;
                case 2:
                    onIrqTimer(target, arg, now);
                    break;
                case 3:
                    onNapi(target, arg, now);
                    break;
                case 30:
                    onNapiTimer(target, arg, now);
                    break;
                case 4:
                    onHost(target, arg, now);
                    break;
                case 5:
                    onServer(target, arg, now);
                    break;
                case 6:
                    onRto(target, arg, now);
                    break;
                case 7:
                    onDelack(target, arg, now);
                    break;
                case 8:
                    onStart(target, arg, now);
                    break;
                case 9:
                    onUdpTick(target, arg, now);
                    break;
                case 10:
                    onProgress(target, arg, now);
                    break;
                case 11:
                    onWarmupEnd(target, arg, now);
                    break;
                case 12:
                    onRedial(target, arg, now);
                    break;
                case 13:
                    onQdiscEnqueue(target, arg, now);
                    break;
                case 14:
                    onTxDone(target, arg, now);
                    break;
                case 15:
                    onPpeAge(target, arg, now);
                    break;
                case 16:
                    onUdpTicks(target, arg, now);
                    break;
                case 17:
                    onHostTimer(target, arg, now);
                    break;
                case 18:
                    onSynAckTimer(target, arg, now);
                    break;
                case 19:
                    onApp(target, arg, now);
                    break;
                default:
                    throw new IllegalStateException("RouterSimulation: no event handler " + which);
            }
        }
    }

    private void buildFlows() {
        final int hdr = ipv6 ? 40 : 20;
        int f = 0;
        int appIndex = 0;
        long serverCursor = 0;
        final RandomStream labels = RandomStream.derive(config.seed(), config.run(), "flowlabel");
        final RandomStream stagger = RandomStream.derive(config.seed(), config.run(), "stagger");
        final EphemeralPorts ports = new EphemeralPorts(RandomStream.derive(config.seed(), config.run(),
                "ephemeral_port"), flowCount);
        for (RouterConfig.App a : config.workload()) {
            for (int h = 0; h < a.hosts(); h++) {
                for (int c = 0; c < a.connections(); c++) {
                    flowApp[f] = appIndex;
                    flowAppKind[f] = a.kind();
                    flowHost[f] = h;
                    final int servers = config.wan().servers();
                    switch (a.kind()) {
                        case DOWNLOADER:
                        case SPEEDTEST:
                            flowServer[f] = (int) ((serverCursor + h) % servers);
                            break;
                        default:
                            flowServer[f] = (int) ((serverCursor + (long) h * a.connections() + c) % servers);
                            break;
                    }
                    flowUdp[f] = a.udp();
                    cubicFlow[f] = a.congestionControl() == RouterConfig.CongestionControl.CUBIC;
                    flowDownload[f] = a.direction() == RouterConfig.Direction.DOWNLOAD;
                    flowSport[f] = ports.next(h, flowServer[f], a.udp());
                    if (flowSport[f] == EphemeralPorts.NO_PORT) {
                        // no free port in the host's ip_local_port_range (to that server, for TCP): connect()
                        // fails with EADDRNOTAVAIL, a UDP socket's first send with EAGAIN; never opened (start)
                        if (a.udp()) {
                            udpBindsRefused++;
                        } else {
                            connectsRefused++;
                        }
                    }
                    flowLabel[f] = labels.nextInt() & 0xFFFFF;
                    final int mss = 1500 - hdr - 20;
                    flowMss[f] = mss;
                    flowPayload[f] = a.udp() ? a.packetBytes() - hdr - 8 : mss - 12;
                    flowStartNs[f] = a.startNs() + stagger.nextLong(1_000_000L) + (long) f * 1_000L;
                    flowHash[f] = mix32(hostIp(h) * 31 + serverIp(flowServer[f]) * 17 + flowSport[f]);
                    isn[2 * f] = mix(f * 2 + 1) * 2;
                    isn[2 * f + 1] = mix(f * 2 + 2) * 2;
                    cwndMilli[f] = 10_000L;
                    ssthreshMilli[f] = Long.MAX_VALUE / 4;
                    srttNs[f] = 0;
                    flowDial[f] = -1;
                    flowIdleTimeoutNs[f] = a.idleTimeoutNs();
                    flowConnectTimeoutNs[f] = a.connectTimeoutNs();
                    if (!a.udp()) {
                        ooo[f] = new long[RWND_WORDS];
                    } else {
                        final long bits = (long) a.packetBytes() * 8L;
                        udpIntervalNs[f] = Math.max(1L, bits * 1_000_000_000L / a.rateBps());
                    }
                    f++;
                }
            }
            serverCursor += a.hosts();
            appIndex++;
        }
        // the spare slots of connections opened again (reconnect): a fresh TCP state, nothing else yet
        for (int s = baseFlows; s < flowCount; s++) {
            isn[2 * s] = mix(s * 2 + 1) * 2;
            isn[2 * s + 1] = mix(s * 2 + 2) * 2;
            cwndMilli[s] = 10_000L;
            ssthreshMilli[s] = Long.MAX_VALUE / 4;
            flowDial[s] = -1;
            flowStartNs[s] = Long.MAX_VALUE;
            ooo[s] = new long[RWND_WORDS];
        }
        flowPorts = ports;
        flowLabels = labels;
    }

    /** The MAC a dial's frames leave with: its macvlan's, or eth0's when the dial is the line's VLAN device. */
    private long dialMac(final int d) {
        return macvlan ? DIAL_MAC_BASE + d : ETH0_MAC;
    }

    /** eth0: the SoC's GMAC on the MT7530's CPU port; only a lower device here. */
    private static final class Gmac extends NetDevice {
        Gmac() {
            super("eth0", 1500, ETH0_MAC);
        }
    }

    /** The LAN bridge, {@code br-lan}, with eth0's address as OpenWrt gives it ({@link RouterConfig.Lan#bridge}). */
    private static final class BrLan extends NetDevice {
        BrLan() {
            super("br-lan", 1500, ETH0_MAC);
        }
    }

    /**
     * The CPU whose backlog takes a polled packet with this {@code skb->hash}: {@code get_rps_cpu()}
     * (net/core/dev.c, 6.18), {@code map->cpus[reciprocal_scale(hash, map->len)]}; the polling CPU when RPS is
     * off. When the map picks the polling CPU itself the packet still goes through that CPU's own backlog, as
     * {@code netif_receive_skb_list_internal} queues it ({@link #forward}).
     */
    private int rpsCpu(final int skbHash) {
        final int[] map = rpsMap;
        return map.length == 0 ? rxCpu : map[(int) (((skbHash & 0xFFFF_FFFFL) * map.length) >>> 32)];
    }

    /** The CPUs of an {@code rps_cpus} mask that exist, ascending ({@code store_rps_map}, net/core/net-sysfs.c). */
    private static int[] rpsMap(final long mask, final int cpus) {
        final int[] map = new int[Long.bitCount(cpus >= 64 ? mask : mask & ((1L << cpus) - 1))];
        int k = 0;
        for (int c = 0; c < cpus && c < 64; c++) {
            if ((mask >>> c & 1L) != 0) {
                map[k++] = c;
            }
        }
        return map;
    }

    private static int mix(final int x) {
        return mix32(x) & 0x7FFF_FFFF;
    }

    /**
     * A 32-bit hash, all bits used: per flow, the stand-in for the {@code skb->hash} the stack computes
     * ({@code __skb_get_hash()}, keyed at boot) for a frame the driver gave none (no PPE, or no FOE entry).
     */
    private static int mix32(final int x) {
        int h = x * 0x9E3779B9;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private static int hostIp(final int host) {
        return 0xC0A8_0000 | (1 + host / 250) << 8 | (2 + host % 250);
    }

    /** A LAN host's IPv6 address, low 64 bits: its IPv4 address as the low 32 (2001:db8:1::c0a8:102 for host 0). */
    private static long host6Lo(final int host) {
        return hostIp(host) & 0xFFFF_FFFFL;
    }

    private static int serverIp(final int server) {
        return 0x5DB8_0000 | (server + 1);
    }

    /**
     * Schedules a redial of one dial: the PPPoE session drops at {@code atNs} and comes back after {@code downNs}
     * with a new address. While down the dial's nexthop is dead; conntrack entries masqueraded to the old address
     * are removed ({@code masq_device_event}, net/netfilter/nf_nat_masquerade.c, 6.18), so their connections break.
     * Call before {@link #start} or at least a millisecond ahead of {@code atNs}: from the first redial scheduled on,
     * the CBR servers' sends are made at their own times ({@link #onUdpTicks}), but those already made ahead stay.
     *
     * @param dial   the dial (0-based)
     * @param atNs   when the session drops, ns
     * @param downNs how long it stays down, ns
     */
    public void scheduleRedial(final int dial, final long atNs, final long downNs) {
        redialScheduled = true;
        loop.schedule(atNs, kRedial, dial, 0L);
        loop.schedule(atNs + downNs, kRedial, dial, 1L);
    }

    /**
     * Runs the whole duration (warm-up included).
     *
     * @param listener receives simulated time as it advances
     * @return the results of the measurement window
     */
    public RouterResults run(final ProgressListener listener) {
        this.progress = Objects.requireNonNull(listener, "listener");
        final Path pcapDir = config.outputs().pcapDir();
        final Path traceFile = config.outputs().traceFile();
        PcapTaps taps = null;
        TraceBus bus = null;
        boolean done = false;
        try {
            if (pcapDir != null) {
                taps = PcapTaps.open(pcapDir, SLOT_DATA_BYTES, devices, config.outputs().pcapInterfaces());
                tap(taps);
            }
            if (traceFile != null) {
                bus = TraceBus.start(new TraceNames(), TraceBus.DEFAULT_RING_SIZE,
                        JsonLinesTraceSink.toFile(traceFile));
                trace(bus);
            }
            start();
            final long total = config.totalNs();
            advance(total);
            final RouterResults r = results(total);
            if (taps != null) {
                taps.close();
            }
            if (bus != null) {
                bus.close();
            }
            done = true;
            return r;
        } catch (final IOException e) {
            throw new UncheckedIOException("RouterSimulation: cannot write the run's outputs: " + e.getMessage(), e);
        } finally {
            if (!done) {
                abortOutputs(taps, bus, traceFile);
            }
        }
    }

    /** A failed run leaves no capture and no trace behind. */
    private static void abortOutputs(final PcapTaps taps, final TraceBus bus, final Path traceFile) {
        if (taps != null) {
            taps.abort();
        }
        if (bus != null) {
            try {
                bus.close();
                Files.deleteIfExists(traceFile);
            } catch (final IOException ignored) {
                // The run's own failure is the one reported.
            }
        }
    }

    /**
     * Starts a run driven step by step (what {@link #run} does before it runs the whole duration): schedules the
     * connections, the warm-up end and the progress ticks. Then call {@link #advanceTo} as often as wanted;
     * {@link #run} and {@code start} exclude each other, and either may be called once. The configuration's
     * outputs (pcap directory, trace file) are attached only by {@link #run}; use {@link #tap} and {@link #trace}.
     *
     * @throws IllegalStateException if the simulation was already started or run
     */
    public void start() {
        if (ran) {
            throw new IllegalStateException("RouterSimulation: run() called twice");
        }
        ran = true;
        udpFold = udpFoldable();
        final long total = config.totalNs();
        for (int f = 0; f < baseFlows; f++) {
            if (flowSport[f] != EphemeralPorts.NO_PORT) {
                loop.schedule(flowStartNs[f], kStart, f, 0L);
            }
        }
        // a UDP socket that got no port never starts: the ticks may run ahead once all the others have
        udpStarted = (int) udpBindsRefused;
        for (RouterConfig.Redial r : config.wan().redials()) {
            scheduleRedial(r.dial(), r.atNs(), r.downNs());
        }
        loop.schedule(config.warmupNs(), kWarmup, 0, 0L);
        loop.schedule(Math.max(1L, total / PROGRESS_STEPS), kProgress, 0, 0L);
        if (ppe != null && PPE_AGE_SCAN_NS < total) {
            loop.schedule(PPE_AGE_SCAN_NS, kPpeAge, 0, 0L);
        }
    }

    /**
     * Runs every event up to and including a simulated time (after {@link #start}). Advancing in steps gives
     * exactly the trajectory of one advance to the last time. Nothing stops at the configured duration: that is
     * where {@link #run} ends, but a started simulation may run past it (with no more progress ticks). Allocates
     * nothing once the model has reached its working size (RouterSimulationTest).
     *
     * @param untilNs the simulated time to reach, in nanoseconds from the start of the run; not before
     *     {@link #nowNs()}
     * @return {@link #forwardedTotal()} afterwards: packets forwarded since the start, warm-up included
     * @throws IllegalStateException if the simulation was not started
     */
    public long advanceTo(final long untilNs) {
        if (!ran) {
            throw new IllegalStateException("RouterSimulation: advanceTo() before start()");
        }
        loop.runUntil(untilNs);
        return forwardedBeforeWindow + forwarded;
    }

    /** Runs events up to a simulated time (tests: {@link #advanceTo} without the return value). */
    void advance(final long untilNs) {
        advanceTo(untilNs);
    }

    /** @return the simulated time reached, in nanoseconds from the start of the run */
    public long nowNs() {
        return loop.nowNs();
    }

    /**
     * Packets the router has forwarded since the start of the run, the warm-up included (the results count only
     * the measurement window): every packet that left the forwarding path towards its egress device, PPE-forwarded
     * ones included, a GRO packet counted once per segment.
     *
     * @return the count, in packets
     */
    public long forwardedTotal() {
        return forwardedBeforeWindow + forwarded;
    }

    // ---------------------------------------------------------------- endpoints

    private void onStart(final int f, final long arg, final long now) {
        // The LAN host opens the connection (TCP SYN; UDP: the first datagram that creates the NAT mapping).
        appProgressNs[f] = now;
        hostSend(f, KIND_SYN, 0L, now);
        if (!flowUdp[f]) {
            // tcp_connect(): the retransmission timer at TCP_TIMEOUT_INIT
            synSentNs[f] = now;
            loop.schedule(now + HandshakeTimers.synWaitNs(0), kHostTimer, f, HOST_TIMER_SYN);
            // the application's idle timer runs from the connection's start (it ends no connection still opening)
            armAppTimer(f);
            // and its connect timer from its connect()
            if (flowConnectTimeoutNs[f] > 0) {
                final long due = connectTimeoutDueNs(f, now);
                if (due <= totalNs) {
                    loop.schedule(due, kApp, f, APP_CONNECT);
                }
            }
        }
    }

    /**
     * The spare flow slots a TCP connection of application {@code a} has for the connections opened in its place
     * ({@link #reconnect}): one per scheduled redial plus one, and one more per connect timeout of the application
     * that fits in a redial's down time (a connection opened while its dial is down may time out again and again).
     */
    private static long sparesPerConnection(final RouterConfig.App a, final List<RouterConfig.Redial> redials) {
        long n = redials.size() + 1L;
        if (a.connectTimeoutNs() > 0) {
            for (final RouterConfig.Redial r : redials) {
                n += r.downNs() / a.connectTimeoutNs();
            }
        }
        return n;
    }

    /**
     * {@code sk_rethink_txhash()} at one of a host's TCP timeouts ({@code tcp_write_timeout()}, net/ipv4/tcp_timer.c,
     * 6.18, with {@code net.core.txrehash = 1}): the socket draws a new random {@code sk_txhash}, and an IPv6
     * connection's next packets carry the new flow label it gives ({@code ip6_make_flowlabel()}). Under an ECMP hash
     * policy that reads the label the connection's route may change, while conntrack keeps its NAT
     * ({@link #routeLanToWan}). IPv4 packets carry no label: nothing changes for them.
     */
    private void rethinkTxhash(final int f, final long now) {
        txhashRethinks++;
        newTxhash(f, now);
    }

    /**
     * {@code sk_rethink_txhash()} of a download's host when the server sends again data the host already has with
     * another flow label than the data before ({@code tcp_rcv_spurious_retrans()}, net/ipv4/tcp_input.c, 6.18, from
     * {@code tcp_send_dupack()}; IPv6 only, the receiver not in loss recovery, which a download's host never is):
     * the server's RTO gave its retransmission a new label, a sign that the host's ACKs do not get through, so the
     * host tries a new path for them ({@code TCPDuplicateDataRehash}). The label a segment carries is taken as the
     * server's at its arrival (the server draws a new one at each of its timeouts, which are at least 200 ms apart).
     */
    private void duplicateDataRehash(final int f, final long now) {
        if (ipv6 && hostLabelSeen[f] != serverLabelGen[f]) {
            dupDataRehashes++;
            newTxhash(f, now);
        }
        hostLabelSeen[f] = serverLabelGen[f];
    }

    private void newTxhash(final int f, final long now) {
        if (ipv6) {
            flowLabel[f] = txRehash.nextInt() & 0xFFFFF;
            // the host's two templates carry the label: rebuild them
            tmplKey[templateOf(f, 2) * TEMPLATE_KEY] = 0;
            tmplKey[templateOf(f, 3) * TEMPLATE_KEY] = 0;
            templatesChanged(f);
            flowRehashed[f] = true;
        }
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kTxhashRethink, TraceEvent.NO_PACKET, f, ipv6 ? flowLabel[f] : -1L);
        }
    }

    /** {@link #onHostTimer}'s two timers: the SYN's, and the request's (download flows, after the handshake). */
    private static final long HOST_TIMER_SYN = 0L;
    private static final long HOST_TIMER_REQUEST = 1L;

    /**
     * The host's TCP timers before data flows ({@link HandshakeTimers}). The SYN's: unless the SYN-ACK came, send
     * the SYN again at 1, 2, 3, 4, 5, 7, 11, ... s, and give up after the tenth ({@code tcp_retransmit_timer},
     * {@code tcp_write_timeout}), at 131 s: {@code connect()} fails with {@code ETIMEDOUT} and the application
     * opens a new connection to the same server, or gives up ({@link #retry}). The request's (a download flow's
     * handshake ACK with its request, the {@code HSACK}): unless data came, send it again after the first RTO the
     * handshake's RTT gives, doubling.
     */
    private void onHostTimer(final int f, final long which, final long now) {
        if (closedBy[f] != OPEN) {
            return;
        }
        if (which == HOST_TIMER_SYN) {
            if (established[f] || connectFailed[f]) {
                return;
            }
            final int retransmissions = synTimeouts[f];
            if (HandshakeTimers.synExpired(retransmissions)) {
                // tcp_write_err(): tcp_done() frees its port, and connect() fails with ETIMEDOUT; the application
                // opens a new connection to the same server, unless that was its last try
                connectFailed[f] = true;
                connectFailures++;
                flowPorts.release(flowHost[f], flowServer[f], flowSport[f]);
                if (trace.enabled()) {
                    trace.publish(now, traceComponent, kConnectFailed, TraceEvent.NO_PACKET, f, retransmissions);
                }
                closeFlow(f, CLOSED_TIMEDOUT, now);
                retry(f, now);
                return;
            }
            final int timeouts = ++synTimeouts[f];
            synRetransmits++;
            rethinkTxhash(f, now);
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kSynRetransmit, TraceEvent.NO_PACKET, f, timeouts);
            }
            hostSend(f, KIND_SYN, 0L, now);
            synSentNs[f] = now;
            loop.schedule(now + HandshakeTimers.synWaitNs(timeouts), kHostTimer, f, HOST_TIMER_SYN);
        } else {
            if (requestAnswered[f]) {
                return;
            }
            final int n = ++requestTimeouts[f];
            requestRetransmits++;
            rethinkTxhash(f, now);
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kRequestRetransmit, TraceEvent.NO_PACKET, f, n);
            }
            hostSend(f, KIND_HSACK, 0L, now);
            loop.schedule(now + HandshakeTimers.backoffNs(requestRtoNs[f], n), kHostTimer, f, HOST_TIMER_REQUEST);
        }
    }

    /**
     * The server's request socket timer ({@code reqsk_timer_handler}): unless the handshake's last ACK (or data)
     * came, send the SYN-ACK again at 1, 3, 7, 15 and 31 s, and drop the request at 63 s. A SYN that comes again
     * meanwhile pushed the due time ({@code tcp_check_req}), so an early expiry waits for it.
     */
    private void onSynAckTimer(final int f, final long arg, final long now) {
        if (!serverRequest[f] || serverHandshakeDone[f]) {
            return;
        }
        if (now < synAckDueNs[f]) {
            loop.schedule(synAckDueNs[f], kSynAckTimer, f, 0L);
            return;
        }
        final int timeouts = synAckTimeouts[f];
        if (HandshakeTimers.synAckExpired(timeouts)) {
            // the request is dropped: a later SYN creates a new one
            serverRequest[f] = false;
            return;
        }
        synAckTimeouts[f] = timeouts + 1;
        synAckRetransmits++;
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kSynAckRetransmit, TraceEvent.NO_PACKET, f, timeouts + 1);
        }
        serverSend(f, KIND_SYNACK, 0L, now);
        synAckSentNs[f] = now;
        synAckDueNs[f] = now + HandshakeTimers.synAckWaitNs(timeouts + 1);
        loop.schedule(synAckDueNs[f], kSynAckTimer, f, 0L);
    }

    private void hostSend(final int f, final int kind, final long seq, final long now) {
        injected++;
        final int h = buildFrame(f, kind, seq, now, true, 0);
        if (h == PacketStore.NO_PACKET) {
            drop(Drop.NO_BUFFER);
            return;
        }
        final long dep = lanUp.send(now, edgeWireBytes(h));
        if (dep < 0) {
            dropFrame(h, Drop.LAN_UP);
            return;
        }
        schedulePacket(dep + SWITCH_LATENCY_NS, kRx, h);
    }

    private void serverSend(final int f, final int kind, final long seq, final long now) {
        injected++;
        final int d = flowDial[f];
        if (d < 0 || natBroken[f]) {
            drop(Drop.NAT_BROKEN);
            return;
        }
        if (shaperDown[d] == null && (kind == KIND_DATA || kind == KIND_ACK && !flowUdp[f])) {
            final int t = templateOf(f, kind == KIND_DATA ? 0 : 1);
            if (templateValid(t, f, false, d)) {
                sendLazy(f, kind, seq, now, d, t);
                return;
            }
        }
        final int h = buildFrame(f, kind, seq, now, false, d);
        if (h == PacketStore.NO_PACKET) {
            drop(Drop.NO_BUFFER);
            return;
        }
        final long atAccess = now + halfRttNs;
        if (shaperDown[d] != null) {
            final long dep = shaperDown[d].send(atAccess, edgeWireBytes(h));
            if (dep < 0) {
                dropFrame(h, Drop.SHAPER_DOWN);
                return;
            }
            schedulePacket(dep, kLineDown, h);
        } else {
            // Unshaped: every server of a line is RTT/2 away, so frames reach the line's queue in the order they
            // were sent and the FIFO can be solved now, without an event at the access server.
            if (!dialUp[d]) {
                dropFrame(h, Drop.NO_ROUTE);
                return;
            }
            final long lineDep = lineDown[lineOf(d)].send(atAccess, edgeWireBytes(h));
            if (lineDep < 0) {
                dropFrame(h, Drop.ISP_LINE_DOWN);
                return;
            }
            schedulePacket(lineDep + SWITCH_LATENCY_NS, kRx, h);
        }
    }

    /**
     * {@link #serverSend} of a frame whose template is valid, on an unshaped line: the same decisions in the same
     * order (slot, dial up, the line's FIFO), but the frame is written into the store only when it reaches the
     * router ({@link #materialize}), from the template's bytes of now and with its time: the slot is reserved now
     * and taken then, so the store's frames are written just before they are read, and identical.
     */
    private void sendLazy(final int f, final int kind, final long seq, final long now, final int d, final int t) {
        if (store.inUse() + lazyCount >= STORE_SLOTS) {
            drop(Drop.NO_BUFFER);
            return;
        }
        if (!dialUp[d]) {
            drop(Drop.NO_ROUTE);
            return;
        }
        sendLazyUp(f, kind, seq, now, d, t);
    }

    /** {@link #sendLazy} past its checks: the store has room and dial {@code d} is up. */
    private void sendLazyUp(final int f, final int kind, final long seq, final long now, final int d, final int t) {
        final long lineDep = lineDown[lineOf(d)].send(now + halfRttNs, Math.max(64, tmplWire[t]) + 20);
        if (lineDep < 0) {
            drop(Drop.ISP_LINE_DOWN);
            return;
        }
        final long at = lineDep + SWITCH_LATENCY_NS;
        if (at - now < 1L << 31) {
            lazyCount++;
            tmplLazy[t]++;
            pendingPacketEvents++;
            loop.schedule(at, kRx, (int) now, ~packet(f, kind, seq));
        } else {
            final int h = copyTemplate(t, f, kind, seq, now, false);
            if (checkTemplates) {
                checkTemplate(h, f, kind, seq, now, false, d);
            }
            schedulePacket(at, kRx, h);
        }
    }

    /**
     * Builds a frame as it crosses the MT7530's CPU port: tagged with the LAN's VLAN (a host's frame) or with
     * the line's VLAN and the dial's PPPoE session (a server's frame, addressed to the dial's address), real
     * IPv4/IPv6 and TCP/UDP headers, the payload counted in the lengths but not stored. The engine's word
     * (flow, kind, segment or ACK index) rides in the packet's {@code aux} metadata.
     */
    private int buildFrame(final int f, final int kind, final long seq, final long now, final boolean fromHost,
            final int d) {
        if (kind == KIND_DATA || kind == KIND_ACK && !flowUdp[f]) {
            final int h = fromTemplate(f, kind, seq, now, fromHost, d);
            if (h != TEMPLATE_MISS) {
                if (checkTemplates && h != PacketStore.NO_PACKET) {
                    checkTemplate(h, f, kind, seq, now, fromHost, d);
                }
                return h;
            }
        }
        return buildWithBuilder(f, kind, seq, now, fromHost, d);
    }

    /** Templates per flow: {@code (fromHost ? 2 : 0) + (kind == KIND_DATA ? 0 : 1)}. */
    private static final int TEMPLATES_PER_FLOW = 4;

    /**
     * The template {@code which} ({@code (fromHost ? 2 : 0) + (kind == KIND_DATA ? 0 : 1)}) of flow {@code f}: the
     * templates lie kind by kind, each kind's flow after flow ({@code which * flowCount + f}), so that the frames of
     * consecutive flows (a CBR download sends them in turn) take consecutive blocks, records and send words: 16 flows'
     * words share a line, and the blocks and records spread over every set of the first-level cache instead of one
     * set in four or eight (a flow's four templates side by side put its data templates 512 bytes apart).
     */
    private int templateOf(final int f, final int which) {
        return which * flowCount + f;
    }
    /** Bytes per template: the largest header stack (Ethernet, VLAN, PPPoE, IPv6, TCP with timestamps) is 98. */
    private static final int TEMPLATE_BYTES = 128;
    /** Key words per template: valid, dial, PPPoE session, NAT dial, NAT address, NAT port, payload, port. */
    private static final int TEMPLATE_KEY = 8;
    private static final int TEMPLATE_MISS = -2;

    /**
     * A TCP data segment or ACK, or a UDP datagram, copied from the flow's template of that kind and side (built
     * once by {@link #buildWithBuilder} and rebuilt when anything it was built from has changed: the dial, its PPPoE
     * session, the NAT mapping, the payload size), with the TCP sequence, acknowledgement and timestamp words
     * patched and the checksum updated incrementally (RFC 1624, which gives exactly the recomputed value: the sum
     * covers a non-zero pseudo header). The bytes and metadata are those the builder writes
     * ({@code RouterSimulationTest} checks it frame by frame).
     *
     * @return the packet, {@link PacketStore#NO_PACKET} when the store is full, or {@link #TEMPLATE_MISS}
     */
    private int fromTemplate(final int f, final int kind, final long seq, final long now, final boolean fromHost,
            final int d) {
        final int t = templateOf(f, (fromHost ? 2 : 0) + (kind == KIND_DATA ? 0 : 1));
        final int k = t * TEMPLATE_KEY;
        final int[] key = tmplKey;
        final int session = !fromHost && pppoe ? dialPppoe[d].sessionId() : 0;
        final int payload = flowPayload[f];
        if (key[k] == 0 || key[k + 1] != d || key[k + 2] != session || key[k + 3] != flowNatDial[f]
                || key[k + 4] != flowNatAddr[f] || key[k + 5] != flowNatPort[f] || key[k + 6] != payload
                || key[k + 7] != flowSport[f]) {
            final int h = buildWithBuilder(f, kind, seq, now, fromHost, d);
            final int r = t << TEMPLATE_SHIFT;
            if (h == PacketStore.NO_PACKET || tmplLazy[t] > 0) {
                // (frames still to be built from the template's present bytes keep it until they are)
                return h;
            }
            final int stored = store.storedLength(h);
            if (stored > TEMPLATE_BYTES) {
                return h;
            }
            final MutableDirectBuffer b = store.buffer();
            tmplBytes.putBytes(t * TEMPLATE_BYTES, b, store.frameOffset(h), stored);
            tmpl[r + T_STORED] = stored;
            tmplWire[t] = store.length(h);
            tmpl[r + T_NET] = store.networkOffset(h);
            tmpl[r + T_TRANSPORT] = store.transportOffset(h);
            tmpl[r + T_PROTOCOL] = store.protocol(h);
            if (ppe != null) {
                tmpl[r + T_PPE_PROTO] = PpeParser.tuple(tmplBytes, t * TEMPLATE_BYTES, ppeTuple);
                tmpl[r + T_PPE_SRC] = ppeTuple[0];
                tmpl[r + T_PPE_DST] = ppeTuple[1];
                tmpl[r + T_PPE_PORTS] = ppeTuple[2];
                tmpl[r + T_PPE_BUCKET] = ppe.hash(ppeTuple[0], ppeTuple[1], ppeTuple[2]);
            }
            if (!flowUdp[f]) {
                final int l4 = store.transportHeaderOffset(h);
                tmplSeq[t] = b.getInt(l4 + 4, ByteOrder.BIG_ENDIAN);
                tmplAck[t] = b.getInt(l4 + 8, ByteOrder.BIG_ENDIAN);
                tmplTsVal[t] = b.getInt(l4 + TCP_TSVAL_OFFSET, ByteOrder.BIG_ENDIAN);
                // ~HC and the ~m halves of the three patched words (RFC 1624 eqn. 3), summed once
                tmplSumBase[t] = (~b.getShort(l4 + TcpView.CHECKSUM_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFFL)
                        + InetChecksum.delta32(tmplSeq[t], 0) + InetChecksum.delta32(tmplAck[t], 0)
                        + InetChecksum.delta32(tmplTsVal[t], 0);
            }
            tmplValidDial[t] = UNCHECKED;
            key[k] = 1;
            key[k + 1] = d;
            key[k + 2] = session;
            key[k + 3] = flowNatDial[f];
            key[k + 4] = flowNatAddr[f];
            key[k + 5] = flowNatPort[f];
            key[k + 6] = payload;
            key[k + 7] = flowSport[f];
            return h;
        }
        return copyTemplate(t, f, kind, seq, now, fromHost);
    }

    /** Whether template {@code t} of flow {@code f} holds what the builder would build now for dial {@code d}. */
    private boolean templateValid(final int t, final int f, final boolean fromHost, final int d) {
        if (tmplValidDial[t] == d) {
            return true;
        }
        final int k = t * TEMPLATE_KEY;
        final int[] key = tmplKey;
        final int session = !fromHost && pppoe ? dialPppoe[d].sessionId() : 0;
        final boolean valid = key[k] != 0 && key[k + 1] == d && key[k + 2] == session && key[k + 3] == flowNatDial[f]
                && key[k + 4] == flowNatAddr[f] && key[k + 5] == flowNatPort[f] && key[k + 6] == flowPayload[f]
                && key[k + 7] == flowSport[f];
        if (valid) {
            tmplValidDial[t] = d;
        }
        return valid;
    }

    /** Flow {@code f}'s NAT mapping or payload changed: its templates' {@link #tmplValidDial} no longer hold. */
    private void templatesChanged(final int f) {
        for (int i = 0; i < TEMPLATES_PER_FLOW; i++) {
            tmplValidDial[templateOf(f, i)] = UNCHECKED;
        }
    }

    /**
     * The frame of template {@code t} (valid for it) with the sequence, acknowledgement and TSval of segment or
     * ACK {@code seq} sent at {@code now}; the payload size is the template's.
     *
     * @return the packet, or {@link PacketStore#NO_PACKET} when the store is full
     */
    private int copyTemplate(final int t, final int f, final int kind, final long seq, final long now,
            final boolean fromHost) {
        // the reserved slots of frames still to be written count as taken (storeFull)
        final int[] tr = tmpl;
        final int r = t << TEMPLATE_SHIFT;
        final int h = storeFull() ? PacketStore.NO_PACKET : store.allocateFrame(tmplBytes, t * TEMPLATE_BYTES,
                tr[r + T_STORED], tmplWire[t], tr[r + T_PROTOCOL], tr[r + T_NET], tr[r + T_TRANSPORT], now);
        if (h == PacketStore.NO_PACKET) {
            return h;
        }
        if (!flowUdp[f]) {
            patchTcp(h, t, f, kind, seq, now, fromHost);
        }
        store.aux(h, packet(f, kind, seq));
        return h;
    }

    /**
     * {@link #copyTemplate}'s TCP part (apart, so that the UDP copy stays small enough to inline): the sequence,
     * acknowledgement and TSval words of frame {@code h}, copied from TCP template {@code t}, and its checksum.
     */
    private void patchTcp(final int h, final int t, final int f, final int kind, final long seq, final long now,
            final boolean fromHost) {
        final int payload = tmplKey[t * TEMPLATE_KEY + 6];
        final int own = isn[2 * f + (fromHost ? 0 : 1)];
        final int peer = isn[2 * f + (fromHost ? 1 : 0)];
        final int seqWord;
        final int ackWord;
        if (kind == KIND_DATA) {
            seqWord = own + 1 + (int) seq * payload;
            ackWord = peer + 1;
        } else {
            seqWord = own + 1;
            ackWord = peer + 1 + (int) seq * payload;
        }
        final int tsVal = (int) (now / 1_000_000L);
        final MutableDirectBuffer b = store.buffer();
        // the template's frame at the frame offset: its TCP header is at the template's transport offset
        final long at = FrameBytes.address(b, store.frameOffset(h) + tmpl[(t << TEMPLATE_SHIFT) + T_TRANSPORT],
                TCP_TSVAL_OFFSET + 4);
        final byte[] a = b.byteArray();
        // RFC 1624 eqn. 3 over the three words at once: ~(~HC + ~m + m'), folded once; ~HC + ~m precomputed
        // (delta32(m, 0) is the ~m halves), so the sum is the same integer as word by word.
        final long sum = tmplSumBase[t] + InetChecksum.delta32(-1, seqWord) + InetChecksum.delta32(-1, ackWord)
                + InetChecksum.delta32(-1, tsVal);
        FrameBytes.putInt(a, at + 4, seqWord);
        FrameBytes.putInt(a, at + 8, ackWord);
        FrameBytes.putInt(a, at + TCP_TSVAL_OFFSET, tsVal);
        final int check = ~InetChecksum.fold(sum) & 0xFFFF;
        FrameBytes.putShort(a, at + TcpView.CHECKSUM_OFFSET, (short) check);
    }

    /** Offset of the timestamp option's TSval in a data segment or ACK (NOP, NOP, kind, length before it). */
    private static final int TCP_TSVAL_OFFSET = TcpView.MIN_LENGTH + 4;

    /** Tests: the templated frame {@code h} against the builder's, byte by byte and field by field. */
    private void checkTemplate(final int h, final int f, final int kind, final long seq, final long now,
            final boolean fromHost, final int d) {
        final int r = buildWithBuilder(f, kind, seq, now, fromHost, d);
        if (r == PacketStore.NO_PACKET) {
            return;
        }
        final int stored = store.storedLength(r);
        boolean same = stored == store.storedLength(h) && store.length(r) == store.length(h)
                && store.networkOffset(r) == store.networkOffset(h)
                && store.transportOffset(r) == store.transportOffset(h) && store.protocol(r) == store.protocol(h)
                && store.arrivalNs(r) == store.arrivalNs(h) && store.ingressDevice(r) == store.ingressDevice(h)
                && store.flags(r) == store.flags(h) && store.checksumState(r) == store.checksumState(h)
                && store.aux(r) == store.aux(h) && store.headroom(r) == store.headroom(h);
        final MutableDirectBuffer b = store.buffer();
        for (int i = 0; same && i < stored; i++) {
            same = b.getByte(store.frameOffset(r) + i) == b.getByte(store.frameOffset(h) + i);
        }
        store.free(r);
        templateChecks++;
        if (!same) {
            throw new IllegalStateException("RouterSimulation: the template of flow " + f + " kind " + kind
                    + " differs from the builder's frame");
        }
    }

    private int buildWithBuilder(final int f, final int kind, final long seq, final long now, final boolean fromHost,
            final int d) {
        if (storeFull()) {
            return PacketStore.NO_PACKET;
        }
        final PacketBuilder b = builder.reset();
        final int line = d / dialsPerLine;
        if (fromHost) {
            b.ethernet(HOST_MAC_BASE + flowHost[f], ETH0_MAC).vlan(LAN_VID);
            if (ipv6) {
                b.ipv6(HOST6_HI, host6Lo(flowHost[f]), SERVER6_HI, serverIp(flowServer[f])).flowLabel(flowLabel[f]);
            } else {
                b.ipv4(hostIp(flowHost[f]), serverIp(flowServer[f]));
            }
        } else {
            b.ethernet(BRAS_MAC_BASE + line, dialMac(d)).vlan(WAN_VID_BASE + line);
            if (pppoe) {
                b.pppoe(dialPppoe[d].sessionId());
            }
            // The server answers the address and port the connection was masqueraded to.
            final int nat = flowNatDial[f];
            if (ipv6) {
                b.ipv6(SERVER6_HI, serverIp(flowServer[f]), DIAL6_HI + nat, 1L);
            } else {
                b.ipv4(serverIp(flowServer[f]), flowNatAddr[f]);
            }
        }
        final int sport = fromHost ? flowSport[f] : SERVER_PORT;
        final int dport = fromHost ? SERVER_PORT : flowNatPort[f];
        if (flowUdp[f]) {
            b.udp(sport, dport).payload(kind == KIND_DATA ? flowPayload[f] : 32);
        } else {
            final int own = isn[2 * f + (fromHost ? 0 : 1)];
            final int peer = isn[2 * f + (fromHost ? 1 : 0)];
            final int payload = flowPayload[f];
            switch (kind) {
                case KIND_SYN:
                    b.tcp(sport, dport, own, 0, TcpView.SYN).mss(flowMss[f]).windowScale(WSCALE);
                    break;
                case KIND_SYNACK:
                    b.tcp(sport, dport, own, peer + 1, TcpView.SYN | TcpView.ACK).mss(LAN_MTU - (ipv6 ? 60 : 40))
                            .windowScale(WSCALE);
                    break;
                case KIND_DATA:
                    b.tcp(sport, dport, own + 1 + (int) seq * payload, peer + 1, TcpView.ACK).payload(payload);
                    break;
                case KIND_ACK:
                    b.tcp(sport, dport, own + 1, peer + 1 + (int) seq * payload, TcpView.ACK);
                    break;
                default:
                    b.tcp(sport, dport, own + 1, peer + 1, TcpView.ACK);
                    break;
            }
            b.window(TCP_WINDOW).timestamps((int) (now / 1_000_000L), 0);
        }
        final int h = b.arrivalNs(now).build();
        if (h != PacketStore.NO_PACKET) {
            store.aux(h, packet(f, kind, seq));
        }
        return h;
    }

    /** A dial's line, {@code d / dialsPerLine}, from a table for a dial number (no division per packet). */
    private int lineOf(final int d) {
        return d >= 0 && d < dials ? lineOfDial[d] : d / dialsPerLine;
    }

    /** Whether the store's free slots are all taken or reserved for frames still to be built ({@link #lazyCount}). */
    private boolean storeFull() {
        return lazyCount > 0 && store.inUse() + lazyCount >= STORE_SLOTS;
    }

    /** {@link PacketStore#allocate}, with the slots reserved for frames still to be built counted as taken. */
    private int allocate() {
        return storeFull() ? PacketStore.NO_PACKET : store.allocate();
    }

    /**
     * A server's frame built when it reaches the router ({@code router_rx} with a negative argument): the frame of
     * its template with the sequence, ACK and TSval of its send time, which the event's target holds as the low 32
     * bits of the time (the frame reached the router less than 2^31 ns after it was sent). Its slot was reserved.
     */
    private int materialize(final long pkt, final int sentLow, final long now) {
        final int f = flowOf(pkt);
        final int kind = kindOf(pkt);
        final long seq = seqOf(pkt);
        final long sentNs = now - ((int) now - sentLow);
        final int t = templateOf(f, kind == KIND_DATA ? 0 : 1);
        lazyCount--;
        tmplLazy[t]--;
        lateBuilt++;
        final int h = copyTemplate(t, f, kind, seq, sentNs, false);
        materializedTemplate = t;
        if (checkTemplates) {
            checkMaterialized(h, t, f, kind, seq, sentNs);
        }
        return h;
    }

    /** Tests ({@link #checkTemplates}): {@link #materialize}'s frame against the builder's and its PPE tuple. */
    private void checkMaterialized(final int h, final int t, final int f, final int kind, final long seq,
            final long sentNs) {
        final int d = tmplKey[t * TEMPLATE_KEY + 1];
        if (templateValid(t, f, false, d)) {
            checkTemplate(h, f, kind, seq, sentNs, false, d);
        }
        final int r = t << TEMPLATE_SHIFT;
        if (ppe != null && h != PacketStore.NO_PACKET) {
            final int proto = PpeParser.tuple(store.buffer(), store.frameOffset(h), ppeTuple);
            if (proto != tmpl[r + T_PPE_PROTO] || proto != 0 && (ppeTuple[0] != tmpl[r + T_PPE_SRC]
                    || ppeTuple[1] != tmpl[r + T_PPE_DST] || ppeTuple[2] != tmpl[r + T_PPE_PORTS]
                    || tmpl[r + T_PPE_BUCKET] != ppe.hash(ppeTuple[0], ppeTuple[1], ppeTuple[2]))) {
                throw new IllegalStateException("RouterSimulation: template " + t + "'s PPE tuple is not its frame's");
            }
            templateChecks++;
        }
    }

    /** Bytes on an untagged edge link (LAN port, WAN line) for a frame as built (tagged on the CPU port). */
    private int edgeWireBytes(final int h) {
        return Math.max(64, store.length(h)) + 20;
    }

    /** Bytes on the CPU port for a frame of {@code length} bytes as built: the tagged frame, FCS, preamble, gap. */
    private static int cpuPortWireBytes(final int length) {
        return Math.max(64, length + 4) + 20;
    }

    private void dropFrame(final int h, final Drop reason) {
        drop(reason, h);
        store.free(h);
    }

    private void onLineDown(final int target, final long arg, final long now) {
        pendingPacketEvents--;
        final int h = (int) arg;
        // the dial the frame was sent to (its session, its macvlan's MAC or its VLAN), not the flow's dial of now:
        // per-packet balancing or a redial may have moved the flow since
        final int d = dialOfDownstreamFrame(h);
        if (!dialUp[d]) {
            dropFrame(h, Drop.NO_ROUTE);
            return;
        }
        final long dep = lineDown[lineOf(d)].send(now, edgeWireBytes(h));
        if (dep < 0) {
            dropFrame(h, Drop.ISP_LINE_DOWN);
            return;
        }
        schedulePacket(dep + SWITCH_LATENCY_NS, kRx, h);
    }

    /** A frame's arrival at a LAN host; {@code pkt} is its packet word (the frame left the store at the port). */
    private void onHost(final int target, final long pkt, final long now) {
        pendingDeliveries--;
        delivered++;
        final int f = flowOf(pkt);
        final int kind = kindOf(pkt);
        if (closedBy[f] != OPEN) {
            // the application closed this connection: its socket is gone
            return;
        }
        if (kind == KIND_SYNACK && established[f]) {
            // a SYN-ACK again (the server's timer or its answer to a SYN sent again): out of window in ESTABLISHED,
            // tcp_validate_incoming() answers with a duplicate ACK
            if (!flowUdp[f]) {
                // a download's host ACKs as the receiver it is; an upload's host sends the ACK against its data
                if (flowDownload[f]) {
                    hostSend(f, KIND_ACK, rcvNxt[f], now);
                } else {
                    hostSend(f, KIND_ACK_REV, 0L, now);
                }
            }
            return;
        }
        if (flowDownload[f]) {
            if (kind == KIND_SYNACK) {
                if (!connectFailed[f]) {
                    established[f] = true;
                    idleFromEstablished(f, now);
                    clearFailcount(f);
                    hostSend(f, KIND_HSACK, 0L, now);
                    if (!flowUdp[f]) {
                        // the request's retransmission timer, from the handshake's RTT sample
                        requestRtoNs[f] = HandshakeTimers.firstRtoNs(now - synSentNs[f]);
                        loop.schedule(now + requestRtoNs[f], kHostTimer, f, HOST_TIMER_REQUEST);
                    }
                }
            } else if (kind == KIND_DATA) {
                requestAnswered[f] = true;
                receiveData(f, seqOf(pkt), now, true);
            } else if (kind == KIND_ACK_REV) {
                // the server's ACK of the request sent again
                requestAnswered[f] = true;
            }
        } else {
            if (kind == KIND_SYNACK) {
                if (!connectFailed[f]) {
                    established[f] = true;
                    idleFromEstablished(f, now);
                    clearFailcount(f);
                    handshakeRttNs[f] = now - synSentNs[f];
                    hostSend(f, KIND_HSACK, 0L, now);
                    startSending(f, now);
                }
            } else if (kind == KIND_ACK) {
                onAck(f, seqOf(pkt), now);
            }
        }
    }

    /** A frame's arrival at a server; {@code pkt} is its packet word (the frame left the store at the port). */
    private void onServer(final int target, final long pkt, final long now) {
        pendingDeliveries--;
        delivered++;
        final int f = flowOf(pkt);
        final int kind = kindOf(pkt);
        if (serverTimedOut[f]) {
            // its socket is gone (tcp_write_err); the reset it would answer with is not simulated
            return;
        }
        if (kind == KIND_SYN) {
            serverSend(f, KIND_SYNACK, 0L, now);
            synAckSentNs[f] = now;
            if (!flowUdp[f] && !serverHandshakeDone[f]) {
                if (!serverRequest[f]) {
                    // tcp_conn_request(): a request socket, its timer at TCP_TIMEOUT_INIT
                    serverRequest[f] = true;
                    synAckTimeouts[f] = 0;
                    synAckDueNs[f] = now + HandshakeTimers.synAckWaitNs(0);
                    loop.schedule(synAckDueNs[f], kSynAckTimer, f, 0L);
                } else {
                    // tcp_check_req(): the SYN again is answered and the timer pushed (onSynAckTimer re-checks)
                    synAckDueNs[f] = now + HandshakeTimers.synAckWaitNs(synAckTimeouts[f]);
                }
            }
            return;
        }
        // the handshake's last ACK, or anything later, completes the request
        if (!serverHandshakeDone[f]) {
            serverHandshakeDone[f] = true;
            if (flowDownload[f]) {
                handshakeRttNs[f] = now - synAckSentNs[f];
            }
        }
        if (kind == KIND_HSACK) {
            if (flowDownload[f] && !serverStarted[f]) {
                serverStarted[f] = true;
                startSending(f, now);
            } else if (flowDownload[f] && !flowUdp[f]) {
                // the request again: the server's answer is a duplicate ACK, which acknowledges it
                serverSend(f, KIND_ACK_REV, 0L, now);
            }
        } else if (flowDownload[f]) {
            if (kind == KIND_ACK) {
                onAck(f, seqOf(pkt), now);
            }
        } else if (kind == KIND_DATA) {
            receiveData(f, seqOf(pkt), now, false);
        }
    }

    private void startSending(final int f, final long now) {
        lastProgressNs[f] = now;
        if (flowUdp[f]) {
            // an on/off source starts in an on period (exponential, UDP_ONOFF_MEAN_NS); the others never go off
            udpOnUntilNs[f] = flowAppKind[f] == RouterConfig.AppKind.UDP_ONOFF
                    ? now + exponential(UDP_ONOFF_MEAN_NS) : Long.MAX_VALUE;
            if (udpFold) {
                udpStarted++;
                udpJoin(f, now);
                udpRunAt(now);
            } else {
                loop.schedule(now, kUdp, f, 0L);
            }
        } else {
            trySend(f, now);
        }
    }

    private void sendData(final int f, final long seq, final long now) {
        if (flowDownload[f]) {
            serverSend(f, KIND_DATA, seq, now);
        } else {
            hostSend(f, KIND_DATA, seq, now);
        }
    }

    private void sendAck(final int f, final long ackNo, final long now, final boolean atHost) {
        if (atHost) {
            hostSend(f, KIND_ACK, ackNo, now);
        } else {
            serverSend(f, KIND_ACK, ackNo, now);
        }
    }

    private void trySend(final int f, final long now) {
        final long wnd = Math.min(cwndMilli[f] / 1000L, RWND_SEGMENTS - 1);
        while (sndNxt[f] - sndUna[f] < wnd) {
            final long s = sndNxt[f]++;
            if (timedSeq[f] <= sndUna[f] && s >= timedSeq[f]) {
                timedSeq[f] = s + 1;
                sentAtNs[f] = now;
            }
            sendData(f, s, now);
        }
        armRto(f, now);
    }

    /**
     * The data sender's retransmission timeout: from its smoothed RTT, or, before the first data RTT sample, the
     * first RTO the handshake's sample gives ({@link HandshakeTimers#firstRtoNs}: the server measures SYN-ACK to
     * the handshake's last ACK, the host SYN to SYN-ACK), as {@code tcp_synack_rtt_meas()} /
     * {@code tcp_ack_update_rtt()} feed {@code tcp_rtt_estimator()}.
     */
    private long rtoNs(final int f) {
        return Math.max(RTO_MIN_NS, srttNs[f] == 0 ? HandshakeTimers.firstRtoNs(handshakeRttNs[f])
                : srttNs[f] * 2 + 20_000_000L);
    }

    /**
     * When the retransmission timer expires: {@link #rtoNs} doubled for each expiry since the last
     * acknowledgement of new data ({@code icsk_backoff}, {@code tcp_retransmit_timer}; at most {@code TCP_RTO_MAX};
     * {@code tcp_ack_update_rtt} clears it, and with timestamps every such acknowledgement gives an RTT sample).
     */
    private long rtoDueNs(final int f) {
        return lastProgressNs[f] + HandshakeTimers.backoffNs(rtoNs(f), rtoBackoff[f]);
    }

    private void armRto(final int f, final long now) {
        if (!rtoPending[f] && sndNxt[f] > sndUna[f]) {
            rtoPending[f] = true;
            loop.schedule(rtoDueNs(f), kRto, f, 0L);
        }
    }

    private void onRto(final int f, final long arg, final long now) {
        rtoPending[f] = false;
        // A download's server whose connection lost its NAT sends into the void; a closed host sends nothing. An
        // upload's host goes on: its next packet meets the server's reset (routeLanToWan).
        if (sndNxt[f] <= sndUna[f] || natBroken[f] && flowDownload[f] || closedBy[f] != OPEN) {
            return;
        }
        final long due = rtoDueNs(f);
        if (now < due) {
            rtoPending[f] = true;
            loop.schedule(due, kRto, f, 0L);
            return;
        }
        rtoCount++;
        // tcp_write_timeout(): give up once the time since the first retransmission reached tcp_retries2's model
        if (rtoBackoff[f] > 0 && HandshakeTimers.retransmitsTimedOut(retransStampNs[f], now)) {
            writeTimeout(f, now);
            return;
        }
        if (rtoBackoff[f] == 0) {
            retransStampNs[f] = now;
        }
        if (rtoBackoff[f] < RTO_BACKOFF_MAX) {
            rtoBackoff[f]++;
        }
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kRtoFired, TraceEvent.NO_PACKET, f, rtoBackoff[f],
                    flowDownload[f] ? 0L : 1L, 0L);
        }
        // a stall: the application's idle timer watches it
        armAppTimer(f);
        if (!flowDownload[f]) {
            // the host is this connection's sender
            rethinkTxhash(f, now);
        } else {
            // the server's sk_rethink_txhash: its retransmission carries a new flow label
            serverLabelGen[f]++;
        }
        final long flight = sndNxt[f] - sndUna[f];
        cubicWmaxMilli[f] = flight * 1000L;
        cubicEpochNs[f] = 0;
        // TCP_CA_Loss: cubictcp_state() runs bictcp_reset() (delay_min forgotten too) and bictcp_hystart_reset()
        // (snd_nxt as it was: Linux does not move it back)
        minRttNs[f] = 0;
        hsFound[f] = false;
        hsRoundStartUs[f] = now / 1000L;
        hsLastAckUs[f] = hsRoundStartUs[f];
        hsEndSeq[f] = sndNxt[f];
        ssthreshMilli[f] = Math.max(2L, flight / 2) * 1000L;
        cwndMilli[f] = 1000L;
        sndNxt[f] = sndUna[f];
        inRecovery[f] = false;
        retxNext[f] = 0;
        dupAcks[f] = 0;
        lastProgressNs[f] = now;
        timedSeq[f] = 0;
        trySend(f, now);
    }

    /**
     * The sender gives up ({@code tcp_write_err()}, {@code ETIMEDOUT}, after {@code tcp_retries2}'s modelled time,
     * {@link HandshakeTimers#retransmitsTimedOut}): {@code tcp_done()} ends the connection without a reset. An
     * upload's host frees its port at once, and its application, told {@code ETIMEDOUT}, opens a new connection to
     * the same server ({@link #retry}). A download's server just falls silent; its host hears nothing more, and
     * only its application's idle timeout ends the connection.
     */
    private void writeTimeout(final int f, final long now) {
        writeTimeouts++;
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kWriteTimeout, TraceEvent.NO_PACKET, f, rtoBackoff[f],
                    flowDownload[f] ? 0L : 1L, 0L);
        }
        if (flowDownload[f]) {
            serverTimedOut[f] = true;
            return;
        }
        closeFlow(f, CLOSED_TIMEDOUT, now);
        retry(f, now);
    }

    private void onAck(final int f, final long ack, final long now) {
        if (ack > sndUna[f]) {
            final long acked = ack - sndUna[f];
            sndUna[f] = ack;
            if (sndNxt[f] < ack) {
                sndNxt[f] = ack;
            }
            lastProgressNs[f] = now;
            rtoBackoff[f] = 0;
            if (!flowDownload[f]) {
                // an upload's host: its application sees the data acknowledged
                appProgressNs[f] = now;
            }
            long rttSample = -1;
            if (ack >= timedSeq[f] && timedSeq[f] > 0) {
                rttSample = now - sentAtNs[f];
                srttNs[f] = srttNs[f] == 0 ? rttSample : (srttNs[f] * 7 + rttSample) / 8;
                timedSeq[f] = 0;
                if (minRttNs[f] == 0 || rttSample < minRttNs[f]) {
                    minRttNs[f] = rttSample;
                }
            }
            if (hystartOn(f, now)) {
                hystartUpdate(f, now, rttSample);
            }
            if (inRecovery[f]) {
                if (ack >= recover[f]) {
                    inRecovery[f] = false;
                    cwndMilli[f] = ssthreshMilli[f];
                } else {
                    cwndMilli[f] = Math.max(1000L, cwndMilli[f] - acked * 1000L + 1000L);
                    retransmitHoles(f, now, 2);
                }
            } else if (cwndMilli[f] < ssthreshMilli[f]) {
                cwndMilli[f] += acked * 1000L;
            } else if (cubic(f)) {
                cubicGrow(f, acked, now);
            } else {
                cwndMilli[f] += Math.max(1L, acked * 1_000_000L / cwndMilli[f]);
            }
            dupAcks[f] = 0;
            trySend(f, now);
        } else if (ack == sndUna[f] && sndNxt[f] > sndUna[f]) {
            dupAcks[f]++;
            if (dupAcks[f] == 3 && !inRecovery[f]) {
                final long flight = sndNxt[f] - sndUna[f];
                final boolean cubic = cubic(f);
                final long reduced = cubic ? flight * 700L : flight * 500L;
                if (cubic) {
                    cubicWmaxMilli[f] = flight * 1000L;
                    cubicEpochNs[f] = 0;
                }
                ssthreshMilli[f] = Math.max(2000L, reduced);
                cwndMilli[f] = ssthreshMilli[f] + 3000L;
                recover[f] = sndNxt[f];
                fastRetransmits++;
                inRecovery[f] = true;
                retxNext[f] = sndUna[f];
                retxRoundNs[f] = now;
                retransmitHoles(f, now, 1);
            } else if (inRecovery[f]) {
                cwndMilli[f] += 1000L;
                retransmitHoles(f, now, 1);
                trySend(f, now);
            }
        }
    }

    private boolean cubic(final int f) {
        return cubicFlow[f];
    }

    /** HyStart's {@code hystart_low_window}: no detection below this window, in thousandths of a segment. */
    private static final long HYSTART_LOW_WINDOW_MILLI = 16_000L;
    /** {@code hystart_ack_delta_us}: ACKs at most this far apart continue a train, us. */
    private static final long HYSTART_ACK_DELTA_US = 2_000L;
    /** {@code HYSTART_DELAY_MIN} and {@code HYSTART_DELAY_MAX}: the delay detector's threshold clamp, ns. */
    private static final long HYSTART_DELAY_MIN_NS = 4_000_000L;
    private static final long HYSTART_DELAY_MAX_NS = 16_000_000L;
    /**
     * A server's {@code sk_gso_max_size}: {@code sk_dst_gso_max_size()} (net/core/sock.c, 6.18), GSO_LEGACY_MAX_SIZE
     * 65,536 less {@code MAX_TCP_HEADER + 1} (320 + 1 on x86-64), bytes.
     */
    private static final long SERVER_GSO_MAX_SIZE_BYTES = 65_536L - 321L;

    /**
     * Whether {@code cubictcp_acked()} calls {@code hystart_update()} for this ACK (net/ipv4/tcp_cubic.c, 6.18): a
     * CUBIC connection in slow start, HyStart not yet found, and not within a second of a congestion-avoidance
     * epoch's start; not in recovery here (the window is then at ssthresh), and only once delay_min has a sample
     * (Linux takes one from the ACK itself before; the engine times one segment a round trip). The low window is
     * checked inside.
     */
    private boolean hystartOn(final int f, final long now) {
        return cubicFlow[f] && !hsFound[f] && !inRecovery[f] && cwndMilli[f] < ssthreshMilli[f] && minRttNs[f] > 0
                && (cubicEpochNs[f] == 0 || now - cubicEpochNs[f] >= 1_000_000_000L);
    }

    /**
     * {@code hystart_update()} (net/ipv4/tcp_cubic.c, 6.18; {@code hystart_detect} is 3, both detectors). A round
     * starts when snd_una passes the round's {@code end_seq} ({@code bictcp_hystart_reset()}: round_start =
     * last_ack = now, end_seq = snd_nxt), at any window: since 6.13 (commit 25c1a9ca53db, "tcp_cubic: fix
     * incorrect HyStart round start detection") the {@code hystart_low_window} check (16 segments) comes after the
     * reset, so the rounds follow the bursts of ACKs from the first. Then the ACK train: an ACK within
     * {@code hystart_ack_delta_us} (2 ms) of the train's last one extends it, and once the train is longer than
     * (delay_min + {@code hystart_ack_delay()}) / 2 (the server's socket does not pace, {@code SK_PACING_NONE})
     * slow start ends: ssthresh = cwnd. Then the delay: an RTT sample above delay_min + clamp(delay_min / 8, 4 ms,
     * 16 ms) ends it too (the engine has one sample a round trip, its timed segment's; Linux a sample per ACK and
     * the round's minimum after 8). The times are microseconds, as {@code tcp_mstamp}.
     *
     * @param rttSample this ACK's RTT sample, ns, or -1 if it has none
     */
    private void hystartUpdate(final int f, final long now, final long rttSample) {
        final long nowUs = now / 1000L;
        if (sndUna[f] > hsEndSeq[f]) {
            hsRoundStartUs[f] = nowUs;
            hsLastAckUs[f] = nowUs;
            hsEndSeq[f] = sndNxt[f];
        }
        if (cwndMilli[f] < HYSTART_LOW_WINDOW_MILLI) {
            return;
        }
        if (nowUs - hsLastAckUs[f] <= HYSTART_ACK_DELTA_US) {
            hsLastAckUs[f] = nowUs;
            final long thresholdUs = (Math.max(1L, minRttNs[f] / 1000L) + hystartAckDelayUs(f)) >> 1;
            if (nowUs - hsRoundStartUs[f] > thresholdUs) {
                hystartFound(f, 1, now);
            }
        }
        if (rttSample >= 0 && rttSample > minRttNs[f]
                + Math.min(Math.max(minRttNs[f] >> 3, HYSTART_DELAY_MIN_NS), HYSTART_DELAY_MAX_NS)) {
            hystartFound(f, 2, now);
        }
    }

    /**
     * {@code hystart_ack_delay()}: min(1 ms, {@code sk_gso_max_size} x 4 / {@code sk_pacing_rate}), with the rate
     * as {@code tcp_update_pacing_rate()} (net/ipv4/tcp_input.c, 6.18) sets it: 200 % of mss x cwnd / srtt in slow
     * start below half of ssthresh ({@code tcp_pacing_ss_ratio}), 120 % above ({@code tcp_pacing_ca_ratio}); 0
     * before the first RTT sample, us.
     */
    private long hystartAckDelayUs(final int f) {
        final long srttUs = srttNs[f] / 1000L;
        if (srttUs <= 0) {
            return 0;
        }
        final long cwnd = Math.max(cwndMilli[f] / 1000L, sndNxt[f] - sndUna[f]);
        final long ratio = cwndMilli[f] < ssthreshMilli[f] / 2 ? 200L : 120L;
        final long rateBytesPerS = flowPayload[f] * ratio * cwnd * 10_000L / srttUs;
        if (rateBytesPerS <= 0) {
            return 0;
        }
        return Math.min(1_000L, SERVER_GSO_MAX_SIZE_BYTES * 4L * 1_000_000L / rateBytesPerS);
    }

    /** HyStart ends slow start ({@code found = 1}, ssthresh = cwnd); detector 1 the ACK train, 2 the delay. */
    private void hystartFound(final int f, final int detector, final long now) {
        hsFound[f] = true;
        ssthreshMilli[f] = cwndMilli[f];
        if (detector == 1) {
            hystartTrainDetects++;
        } else {
            hystartDelayDetects++;
        }
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kHystart, TraceEvent.NO_PACKET, f, detector, cwndMilli[f] / 1000L,
                    now / 1000L - hsRoundStartUs[f]);
        }
    }

    /**
     * CUBIC window growth in congestion avoidance (bictcp_update, net/ipv4/tcp_cubic.c, 6.18): W(t) = C (t - K)^3
     * + Wmax with C = 0.4 and K = cbrt(Wmax (1 - beta) / C), beta = 0.7; the window moves towards W(t + RTT).
     */
    private void cubicGrow(final int f, final long acked, final long now) {
        if (cubicEpochNs[f] == 0) {
            cubicEpochNs[f] = now;
            if (cubicWmaxMilli[f] <= cwndMilli[f]) {
                cubicKNs[f] = 0;
                cubicOriginMilli[f] = cwndMilli[f];
            } else {
                cubicKNs[f] = (long) (Math.cbrt((cubicWmaxMilli[f] - cwndMilli[f]) / 1000.0 / 0.4) * 1e9);
                cubicOriginMilli[f] = cubicWmaxMilli[f];
            }
        }
        final double k = cubicKNs[f] / 1e9;
        final double t = (now - cubicEpochNs[f] + Math.max(srttNs[f], minRttNs[f])) / 1e9;
        final double target = 0.4 * (t - k) * (t - k) * (t - k) + cubicOriginMilli[f] / 1000.0;
        final double cwnd = cwndMilli[f] / 1000.0;
        // The TCP-friendly region keeps at least Reno's growth of one segment per window.
        final long reno = Math.max(1L, acked * 1_000_000L / cwndMilli[f]);
        if (target > cwnd) {
            final long inc = (long) (acked * 1000.0 * Math.min(target - cwnd, cwnd * 0.5) / cwnd);
            cwndMilli[f] += Math.max(reno, inc);
        } else {
            cwndMilli[f] += reno;
        }
    }

    /**
     * SACK-based loss recovery (RFC 6675, {@code tcp_xmit_retransmit_queue}, net/ipv4/tcp_output.c, 6.18): the
     * receiver's SACK blocks tell the sender which segments above the cumulative ACK arrived; each ACK in recovery
     * retransmits up to {@code max} of the holes below {@code recover}, once each. The scoreboard is read from the
     * receiver's out-of-order map, which is exactly what its SACK blocks carry.
     */
    private void retransmitHoles(final int f, final long now, final int max) {
        long s = Math.max(retxNext[f], sndUna[f]);
        // IsLost() of RFC 6675: a segment is lost once DupThresh (3) segments above it were SACKed; segments
        // above the highest SACKed one are still in flight.
        final long end = Math.min(recover[f], rcvHigh[f] - 2);
        if (s >= end && now - retxRoundNs[f] > Math.max(srttNs[f], 1_000_000L)) {
            // RACK-style: a retransmission not acknowledged within an RTT is lost again; start over.
            s = sndUna[f];
            retxRoundNs[f] = now;
        }
        final long rcv = rcvNxt[f];
        final long[] bits = ooo[f];
        int sent = 0;
        while (s < end && sent < max) {
            final boolean have = s < rcv || s - rcv < RWND_SEGMENTS && testOoo(bits, s);
            if (!have) {
                sendData(f, s, now);
                sent++;
            }
            s++;
        }
        retxNext[f] = s;
    }

    private void receiveData(final int f, final long seq, final long now, final boolean atHost) {
        if (flowUdp[f]) {
            account(f, flowPayload[f], atHost);
            return;
        }
        final long next = rcvNxt[f];
        if (seq == next) {
            long n = next + 1;
            if (atHost) {
                appProgressNs[f] = now;
                hostLabelSeen[f] = serverLabelGen[f];
            }
            account(f, flowPayload[f], atHost);
            final long[] bits = ooo[f];
            boolean filled = false;
            while (testOoo(bits, n)) {
                clearOoo(bits, n);
                account(f, flowPayload[f], atHost);
                n++;
                filled = true;
            }
            rcvNxt[f] = n;
            if (filled) {
                ackNow(f, now, atHost);
            } else if (++ackPending[f] >= 2) {
                ackNow(f, now, atHost);
            } else if (!delackArmed[f]) {
                delackArmed[f] = true;
                delackDueNs[f] = now + DELACK_NS;
                if (!delackTimerPending[f]) {
                    delackTimerPending[f] = true;
                    loop.schedule(delackDueNs[f], kDelack, f, atHost ? 1L : 0L);
                }
            }
        } else if (seq > next) {
            if (atHost) {
                hostLabelSeen[f] = serverLabelGen[f];
            }
            if (seq - next < RWND_SEGMENTS) {
                setOoo(ooo[f], seq);
                if (seq > rcvHigh[f]) {
                    rcvHigh[f] = seq;
                }
            } else {
                drops[Drop.RECEIVE_WINDOW.ordinal()]++;
                traceDrop(Drop.RECEIVE_WINDOW, now, TraceEvent.NO_PACKET);
            }
            ackNow(f, now, atHost);
        } else {
            // a segment it already has: tcp_send_dupack() (D-SACK)
            if (atHost) {
                duplicateDataRehash(f, now);
            }
            ackNow(f, now, atHost);
        }
    }

    private void ackNow(final int f, final long now, final boolean atHost) {
        ackPending[f] = 0;
        delackArmed[f] = false;
        sendAck(f, rcvNxt[f], now, atHost);
    }

    private void onDelack(final int f, final long atHost, final long now) {
        delackTimerPending[f] = false;
        if (!delackArmed[f] || closedBy[f] != OPEN && atHost != 0L) {
            return;
        }
        if (now >= delackDueNs[f]) {
            ackNow(f, now, atHost != 0L);
        } else {
            // Re-armed since this event was scheduled: sleep until the timer's present due time.
            delackTimerPending[f] = true;
            loop.schedule(delackDueNs[f], kDelack, f, atHost);
        }
    }

    private static boolean testOoo(final long[] bits, final long seq) {
        final int i = (int) (seq & (RWND_SEGMENTS - 1));
        return (bits[i >>> 6] & 1L << (i & 63)) != 0;
    }

    private static void setOoo(final long[] bits, final long seq) {
        final int i = (int) (seq & (RWND_SEGMENTS - 1));
        bits[i >>> 6] |= 1L << (i & 63);
    }

    private static void clearOoo(final long[] bits, final long seq) {
        final int i = (int) (seq & (RWND_SEGMENTS - 1));
        bits[i >>> 6] &= ~(1L << (i & 63));
    }

    private void account(final int f, final int bytes, final boolean atHost) {
        deliveredBytes[f] += bytes;
        final int d = flowLastDial[f];
        if (d >= 0) {
            if (atHost) {
                dialDownBytes[d] += bytes;
            } else {
                dialUpBytes[d] += bytes;
            }
        }
    }

    private void onUdpTick(final int f, final long arg, final long now) {
        if (natBroken[f]) {
            return;
        }
        // the flow's application kind, kept per flow (no look-up of the workload list and no enum switch map)
        final RouterConfig.AppKind appKind = flowAppKind[f];
        long gap = udpIntervalNs[f];
        if (appKind == RouterConfig.AppKind.UDP_POISSON) {
            gap = exponential(udpIntervalNs[f]);
        } else if (appKind == RouterConfig.AppKind.UDP_ONOFF && now >= udpOnUntilNs[f]) {
            // off for an exponential period, then on for another (both UDP_ONOFF_MEAN_NS on average)
            final long off = exponential(UDP_ONOFF_MEAN_NS);
            udpOnUntilNs[f] = now + off + exponential(UDP_ONOFF_MEAN_NS);
            loop.schedule(now + off, kUdp, f, 0L);
            return;
        }
        sendData(f, sndNxt[f]++, now);
        loop.schedule(now + gap, kUdp, f, 0L);
    }

    /** Mean length of an on/off UDP source's on and off periods (both exponential), ns. */
    private static final long UDP_ONOFF_MEAN_NS = 500_000_000L;

    private long exponential(final long meanNs) {
        final double u = ((random.nextLong() >>> 11) + 1) * 0x1.0p-53;
        return Math.max(1L, (long) (-Math.log(u) * meanNs));
    }

    /** The furthest ahead of the loop's clock a CBR tick is run ({@link #onUdpTicks}), ns. */
    private static final long UDP_AHEAD_MAX_NS = 1_000_000L;

    /**
     * Whether the CBR ticks can be kept apart from the event loop ({@link #udpFold}): every flow is a UDP CBR
     * download (the servers send, at fixed intervals and with no randomness; the hosts never answer a datagram),
     * no line is shaped (a datagram reaches the router by its line's FIFO alone, solved at its send), no trace
     * (a drop's trace carries the time it is made) and a datagram reaches the router less than 2^31 ns after its
     * send (RTT/2 under 2^30 ns, a line of at least 1 Mbit/s), so a frame is always written when it arrives.
     */
    private boolean udpFoldable() {
        if (tickPerDatagram || trace.enabled() || flowCount == 0 || halfRttNs >= 1L << 30
                || config.wan().lineRateBps() < 1_000_000L) {
            return false;
        }
        for (int d = 0; d < dials; d++) {
            if (shaperDown[d] != null) {
                return false;
            }
        }
        final long[] gaps = new long[UDP_MAX_CLASSES];
        final int[] sizes = new int[UDP_MAX_CLASSES];
        final int[] classOf = new int[flowCount];
        int classes = 0;
        for (int f = 0; f < flowCount; f++) {
            if (!flowUdp[f] || !flowDownload[f] || flowAppKind[f] != RouterConfig.AppKind.UDP_CBR) {
                return false;
            }
            int c = 0;
            while (c < classes && gaps[c] != udpIntervalNs[f]) {
                c++;
            }
            if (c == classes) {
                if (classes == UDP_MAX_CLASSES) {
                    return false;
                }
                gaps[classes++] = udpIntervalNs[f];
            }
            classOf[f] = c;
            sizes[c]++;
        }
        udpClasses = classes;
        udpClassOf = classOf;
        udpRing = new int[flowCount];
        udpRingBase = new int[classes];
        udpRingCap = sizes;
        udpRingHead = new int[classes];
        udpRingCount = new int[classes];
        for (int c = 1; c < classes; c++) {
            udpRingBase[c] = udpRingBase[c - 1] + sizes[c - 1];
        }
        return true;
    }

    /**
     * The CBR senders' ticks ({@link #udpFold}), one {@code udp_ticks} event for many {@code udp_tick}s. First the
     * ticks due now, in the order their events would have run (time, then scheduling order), each as
     * {@link #onUdpTick} runs it. Then, once every flow has started and no redial is scheduled, the ticks of the
     * next {@link #udpAheadNs} (not past the warm-up's end before it, nor past the run's end), in the same order,
     * ahead of the loop's clock ({@link #udpSendAhead}): between now and such a tick nothing else sends on a WAN
     * line (only these ticks do, in time order, so each line's FIFO sees the same frames in the same order), nothing
     * moves a flow's dial, NAT or template (no packet goes upstream, no redial) and only these ticks take slots
     * (the check against the store's size, made with the slots of the ticks run before it and without the frees
     * still to come, is passed by the tick at its own time too). A tick that could take another path (the store
     * near full, a dial down, a template to rebuild) stops the run ahead and waits for its own time. The datagram's
     * arrival at the router is an event at least RTT/2 after its send, so after the clock. The same decisions, frames
     * and times as with a {@code udp_tick} event per datagram, except the order among events of the same
     * nanosecond; only the events counted differ.
     */
    private void onUdpTicks(final int target, final long arg, final long now) {
        udpRunAtNs = Long.MAX_VALUE;
        udpRunEventId = EventLoop.NO_EVENT;
        final long[] next = udpNextNs;
        int c = udpTop();
        while (c >= 0 && next[udpHead(c)] <= now) {
            final int f = udpHead(c);
            if (natBroken[f]) {
                // the flow stops, as onUdpTick's does
                udpRemoveHead(c);
            } else {
                sendData(f, sndNxt[f]++, now);
                udpRequeue(c, f, now + udpIntervalNs[f]);
            }
            c = udpTop();
        }
        if (udpStarted == flowCount && !redialScheduled && !trace.enabled()) {
            long limit = Math.min(now + udpAheadNs, totalNs);
            if (!windowStarted) {
                limit = Math.min(limit, warmupNs - 1);
            }
            while (c >= 0) {
                final int f = udpHead(c);
                final long at = next[f];
                if (at > limit || !udpSendAhead(f, at)) {
                    break;
                }
                udpRequeue(c, f, at + udpIntervalNs[f]);
                c = udpTop();
            }
        }
        if (c >= 0) {
            udpRunAt(next[udpHead(c)]);
        }
    }

    /**
     * Flow {@code f}'s tick at {@code atNs}, ahead of the clock (see {@link #onUdpTicks}): what {@link #onUdpTick}
     * and {@link #serverSend} do at that time, by the same {@link #sendLazy}, when the flow is not broken, its dial
     * is up, its template valid and the store has room (so that no other path could be taken at that time); false,
     * doing nothing, when any of those does not hold. {@link #udpFoldable} makes the arrival less than 2^31 ns
     * after the send, so the frame is always written when it reaches the router.
     */
    private boolean udpSendAhead(final int f, final long atNs) {
        final int d = flowDial[f];
        final int t = templateOf(f, 0);
        if (natBroken[f] || d < 0 || !dialUp[d] || !templateValid(t, f, false, d)
                || store.inUse() + lazyCount >= STORE_SLOTS) {
            return false;
        }
        injected++;
        // sendLazy's checks are this method's
        sendLazyUp(f, KIND_DATA, sndNxt[f]++, atNs, d, t);
        return true;
    }

    /** Makes sure a {@code udp_ticks} event is pending at or before {@code atNs} (an earlier one replaces it). */
    private void udpRunAt(final long atNs) {
        if (atNs < udpRunAtNs) {
            if (udpRunEventId != EventLoop.NO_EVENT) {
                loop.cancel(udpRunEventId);
            }
            udpRunEventId = loop.schedule(atNs, kUdpTicks, 0, 0L);
            udpRunAtNs = atNs;
        }
    }

    /** The most distinct CBR intervals for which ticks are kept apart from the loop (one ring each). */
    private static final int UDP_MAX_CLASSES = 16;

    /** The class whose head ticks next (earliest, then scheduled first), or -1 when no flow waits. */
    private int udpTop() {
        int best = -1;
        int bestFlow = 0;
        for (int c = 0; c < udpClasses; c++) {
            if (udpRingCount[c] > 0) {
                final int f = udpHead(c);
                if (best < 0 || udpBefore(f, bestFlow)) {
                    best = c;
                    bestFlow = f;
                }
            }
        }
        return best;
    }

    /** The first flow of class {@code c}'s ring (not empty). */
    private int udpHead(final int c) {
        return udpRing[udpRingBase[c] + udpRingHead[c]];
    }

    /** The head {@code f} of class {@code c} ticks next at {@code atNs}: to the ring's tail. */
    private void udpRequeue(final int c, final int f, final long atNs) {
        udpNextNs[f] = atNs;
        udpOrder[f] = udpOrderNext++;
        final int cap = udpRingCap[c];
        int head = udpRingHead[c] + 1;
        if (head == cap) {
            head = 0;
        }
        int tail = head + udpRingCount[c] - 1;
        if (tail >= cap) {
            tail -= cap;
        }
        udpRing[udpRingBase[c] + tail] = f;
        udpRingHead[c] = head;
    }

    private void udpRemoveHead(final int c) {
        final int head = udpRingHead[c] + 1;
        udpRingHead[c] = head == udpRingCap[c] ? 0 : head;
        udpRingCount[c]--;
    }

    /** Flow {@code f} starts sending: its first tick at {@code atNs}, in order into its class's ring (once a flow). */
    private void udpJoin(final int f, final long atNs) {
        udpNextNs[f] = atNs;
        udpOrder[f] = udpOrderNext++;
        final int c = udpClassOf[f];
        final int cap = udpRingCap[c];
        final int base = udpRingBase[c];
        final int head = udpRingHead[c];
        int i = udpRingCount[c];
        while (i > 0) {
            final int prev = udpRing[base + (head + i - 1) % cap];
            if (!udpBefore(f, prev)) {
                break;
            }
            udpRing[base + (head + i) % cap] = prev;
            i--;
        }
        udpRing[base + (head + i) % cap] = f;
        udpRingCount[c]++;
    }

    /** Whether flow {@code a}'s next tick comes before flow {@code b}'s: earlier, or as early and scheduled first. */
    private boolean udpBefore(final int a, final int b) {
        final long ta = udpNextNs[a];
        final long tb = udpNextNs[b];
        return ta < tb || ta == tb && udpOrder[a] < udpOrder[b];
    }

    // ---------------------------------------------------------------- router: NIC, IRQ, NAPI

    /**
     * One RX queue of a multi-queue NIC: an mlx5 channel (drivers/net/ethernet/mellanox/mlx5/core/en_main.c, 6.18:
     * {@code mlx5e_open_channel()}), with its receive ring, its completion vector (an MSI-X interrupt affine to one
     * CPU), its NAPI instance ({@code c->napi}, polled by {@code mlx5e_napi_poll()}), its interrupt moderation and
     * its GRO state (GRO lives in the {@code napi_struct}). While the queue is not the active one its state is
     * kept here ({@link #selectQueue}); its counters over the window are always here.
     */
    private static final class RxQueue {
        final int queue;
        /** The CPU its interrupt is affine to, where its hard IRQ and its NAPI poll run. */
        final int cpu;
        long[] ring;
        int ringHead;
        int ringCount;
        boolean irqEnabled = true;
        boolean napiScheduled;
        int framesSinceIrqEnable;
        long irqTimerGeneration;
        boolean irqTimerPending;
        long lastCqeNs;
        long napiRepollNs;
        boolean napiCompletionOwed;
        int deferHardIrqsCount;
        boolean napiWorkDone;
        long napiTimerGeneration;
        int rxFrames;
        int rxUsecs;
        /** Its RX DIM ({@code rq->dim}: mlx5 runs one per RQ), or null without adaptive moderation modelled. */
        Dim rxDim;
        long rxEvents;
        long rxPacketsTotal;
        long rxBytesTotal;
        int txPending;
        int[] groCount = new int[GRO_HASH_BUCKETS];
        int groBuckets;
        int[] groFlow = new int[GRO_SLOTS];
        int[] groPkt = new int[GRO_SLOTS];
        int[] groSegs = new int[GRO_SLOTS];
        int[] groTarget = new int[GRO_SLOTS];
        int[] groHash = new int[GRO_SLOTS];
        int[] groLen = new int[GRO_SLOTS];
        int[] groPshFin = new int[GRO_SLOTS];
        int[] groMss = new int[GRO_SLOTS];
        long[] groNextSeq = new long[GRO_SLOTS];
        long[] groHeldNs = new long[GRO_SLOTS];
        /** Over the window: frames polled off the ring, hard IRQs, polls, frames dropped at a full ring. */
        long packets;
        long irqs;
        long polls;
        long ringDrops;

        RxQueue(final int queue, final long[] ring, final int rxFrames, final int rxUsecs, final Dim rxDim) {
            this.queue = queue;
            this.cpu = queue;
            this.ring = ring;
            this.rxFrames = rxFrames;
            this.rxUsecs = rxUsecs;
            this.rxDim = rxDim;
        }
    }

    /**
     * The size of mlx5's RSS indirection table for {@code channels} channels: {@code mlx5e_rqt_size()}
     * (drivers/net/ethernet/mellanox/mlx5/core/en/rqt.c, 6.18), {@code max(MLX5E_INDIR_MIN_RQT_SIZE,
     * roundup_pow_of_two(channels * MLX5E_UNIFORM_SPREAD_RQT_FACTOR))} = max(256, 2 x channels rounded up to a power
     * of two); the device's {@code log_max_rqt_size} cap is assumed larger.
     *
     * @param channels the channels, 1..256
     * @return the table's entries, a power of two
     */
    static int rqtSize(final int channels) {
        return Math.max(256, Integer.highestOneBit(Math.max(1, channels * 2 - 1)) << 1);
    }

    /**
     * The queue the NIC puts a frame with RSS hash {@code hash} in: the RQT entry at the hash's low bits
     * ({@code hash & (size - 1)}: the Toeplitz result indexes the table directly, {@code mlx5e_calc_indir_rqns()}
     * writes entry i in place, bit-reversing the index only for the XOR hash), filled uniformly by
     * {@code mlx5e_rss_params_indir_init_uniform()} (en/rqt.c, 6.18: {@code table[i] = i % num_channels}, as
     * {@code ethtool_rxfh_indir_default()}).
     *
     * @param hash the frame's Toeplitz hash (0 for a frame the NIC does not hash)
     * @return the queue
     */
    private int rxQueueOf(final int hash) {
        final int[] table = rqt;
        return table[hash & (table.length - 1)];
    }

    /** Makes queue {@code q}'s state the active one (several queues only). */
    private void selectQueue(final int q) {
        if (q != activeQueue) {
            switchQueue(q);
        }
    }

    private void switchQueue(final int q) {
        final RxQueue o = queues[activeQueue];
        o.ring = ring;
        o.ringHead = ringHead;
        o.ringCount = ringCount;
        o.irqEnabled = irqEnabled;
        o.napiScheduled = napiScheduled;
        o.framesSinceIrqEnable = framesSinceIrqEnable;
        o.irqTimerGeneration = irqTimerGeneration;
        o.irqTimerPending = irqTimerPending;
        o.lastCqeNs = lastCqeNs;
        o.napiRepollNs = napiRepollNs;
        o.napiCompletionOwed = napiCompletionOwed;
        o.deferHardIrqsCount = deferHardIrqsCount;
        o.napiWorkDone = napiWorkDone;
        o.napiTimerGeneration = napiTimerGeneration;
        o.rxFrames = rxFrames;
        o.rxUsecs = rxUsecs;
        o.rxDim = rxDim;
        o.rxEvents = rxEvents;
        o.rxPacketsTotal = rxPacketsTotal;
        o.rxBytesTotal = rxBytesTotal;
        o.txPending = txPending;
        o.groCount = groCount;
        o.groBuckets = groBuckets;
        o.groFlow = groFlow;
        o.groPkt = groPkt;
        o.groSegs = groSegs;
        o.groTarget = groTarget;
        o.groHash = groHash;
        o.groLen = groLen;
        o.groPshFin = groPshFin;
        o.groMss = groMss;
        o.groNextSeq = groNextSeq;
        o.groHeldNs = groHeldNs;
        final RxQueue a = queues[q];
        activeQueue = q;
        rxCpu = a.cpu;
        txCpu = a.cpu;
        ring = a.ring;
        ringHead = a.ringHead;
        ringCount = a.ringCount;
        irqEnabled = a.irqEnabled;
        napiScheduled = a.napiScheduled;
        framesSinceIrqEnable = a.framesSinceIrqEnable;
        irqTimerGeneration = a.irqTimerGeneration;
        irqTimerPending = a.irqTimerPending;
        lastCqeNs = a.lastCqeNs;
        napiRepollNs = a.napiRepollNs;
        napiCompletionOwed = a.napiCompletionOwed;
        deferHardIrqsCount = a.deferHardIrqsCount;
        napiWorkDone = a.napiWorkDone;
        napiTimerGeneration = a.napiTimerGeneration;
        rxFrames = a.rxFrames;
        rxUsecs = a.rxUsecs;
        rxDim = a.rxDim;
        rxEvents = a.rxEvents;
        rxPacketsTotal = a.rxPacketsTotal;
        rxBytesTotal = a.rxBytesTotal;
        txPending = a.txPending;
        loadGro(a);
    }

    private void loadGro(final RxQueue a) {
        groCount = a.groCount;
        groBuckets = a.groBuckets;
        groFlow = a.groFlow;
        groPkt = a.groPkt;
        groSegs = a.groSegs;
        groTarget = a.groTarget;
        groHash = a.groHash;
        groLen = a.groLen;
        groPshFin = a.groPshFin;
        groMss = a.groMss;
        groNextSeq = a.groNextSeq;
        groHeldNs = a.groHeldNs;
    }

    /**
     * Several queues: frame {@code h} goes to the queue of its RSS hash, which the NIC computes as it steers it
     * (kept in the frame for the poll, {@code mlx5e_skb_set_hash()}); that queue becomes the active one. A frame the
     * NIC does not hash (a PPPoE session frame: mlx5's traffic-type table sends non-IP frames to the indirect TIR
     * without hash fields) has hash 0: RQT entry 0, queue 0.
     */
    private void steer(final int h) {
        final int hash;
        if (rssHash(h)) {
            hash = rssValue;
            store.hash(h, hash, rssType);
        } else {
            hash = 0;
            store.hash(h, 0, PacketStore.HASH_NONE);
        }
        selectQueue(rxQueueOf(hash));
    }

    /**
     * Several queues, in {@link #forward}: a packet sent on CPU {@code target} uses that CPU's TX queue (XPS); its
     * completion is counted there when that is not the active queue.
     */
    private void txOnOtherQueue(final int target, final int segs) {
        final int q = txQueueOfCpu[target];
        if (q != activeQueue) {
            txPending -= segs;
            queues[q].txPending += segs;
        }
    }

    private void onRouterRx(final int target, final long arg, final long now) {
        pendingPacketEvents--;
        final boolean built = arg < 0;
        final int h = built ? materialize(~arg, target, now) : (int) arg;
        // the skb's arrival at the router's port: the start of its forwarding latency (latencyDown, latencyUp)
        store.arrivalNs(h, now);
        // a built frame's length is its template's (copyTemplate wrote it), read from the template's line in cache
        final int length = built ? tmplWire[materializedTemplate] : store.length(h);
        final long atSoc = cpuIn.send(now, cpuPortWireBytes(length));
        if (atSoc < 0) {
            dropFrame(h, Drop.SWITCH_CPU_PORT);
            return;
        }
        // the RX descriptor's FOE entry (-1: none) and whether it says HIT_UNBIND_RATE_REACHED
        int foe = -1;
        long rateReached = 0L;
        if (ppe != null) {
            final PpeFlowTable.Result r;
            if (built) {
                // the frame's headers are its template's: the tuple the PPE takes from them was read with it
                final int[] tr = tmpl;
                final int at = materializedTemplate << TEMPLATE_SHIFT;
                final int proto = tr[at + T_PPE_PROTO];
                r = proto == 0 ? null : ppe.receiveInBucket(tr[at + T_PPE_BUCKET], tr[at + T_PPE_SRC],
                        tr[at + T_PPE_DST], tr[at + T_PPE_PORTS], proto, atSoc);
            } else {
                r = PpeParser.receive(store, ppe, h, atSoc);
            }
            if (r == PpeFlowTable.Result.HW_FORWARDED) {
                final int f = flowOf(store.aux(h));
                // Bound in the PPE: the frame engine rewrites and forwards it as the flowtable entry it was bound
                // from says (mtk_flow_offload_replace: NAT, TTL, egress device); no interrupt, no CPU.
                final boolean down = toLan(store.aux(h));
                if (!receiveDevices(h, f, down, -1L)) {
                    drop(Drop.NO_ROUTE);
                    return;
                }
                if (!flowtableHit(h, f, down, atSoc)) {
                    dropFrame(h, Drop.NAT_BROKEN);
                    return;
                }
                ppeHits++;
                forwarded++;
                egress(h, f, atSoc, true, down);
                return;
            }
            if (r != null) {
                foe = ppe.lastHash();
                // HIT_UNBIND_RATE_REACHED: the poll checks the entry (mtk_ppe_check_skb)
                rateReached = r == PpeFlowTable.Result.TO_CPU_RATE_REACHED ? RING_RATE_REACHED : 0L;
            }
        }
        if (multiQueue) {
            steer(h);
        }
        ringOccupancy[Math.min(ringCount, ringSlots)]++;
        if (ringCount >= ringSlots) {
            if (multiQueue) {
                queues[activeQueue].ringDrops++;
            }
            dropFrame(h, Drop.RING_FULL);
            return;
        }
        if (napiCompletionOwed) {
            settleNapi(now);
        }
        ring[(ringHead + ringCount) & ringMask] = h | ((long) (foe + 1) << 32) | rateReached;
        ringCount++;
        if (irqEnabled && !napiScheduled) {
            framesSinceIrqEnable++;
            // the last completion counted (read by onIrqTimer in CQE mode only): a store, no branch
            lastCqeNs = now;
            if (framesSinceIrqEnable >= rxFrames || rxUsecs == 0) {
                raiseIrq(now);
            } else if (!irqTimerPending) {
                irqTimerPending = true;
                loop.schedule(now + rxUsecs * 1000L, kIrq, activeQueue, ++irqTimerGeneration);
            }
        }
    }

    private void onIrqTimer(final int target, final long gen, final long now) {
        if (multiQueue) {
            selectQueue(target);
        }
        if (gen != irqTimerGeneration || !irqTimerPending) {
            return;
        }
        if (cqePeriod && lastCqeNs + rxUsecs * 1000L > now) {
            // CQE mode: completions since the timer started restarted the period; it ends after the last one
            loop.schedule(lastCqeNs + rxUsecs * 1000L, kIrq, activeQueue, gen);
            return;
        }
        irqTimerPending = false;
        if (irqEnabled && !napiScheduled && ringCount > 0) {
            raiseIrq(now);
        }
    }

    private void raiseIrq(final long now) {
        irqTimerPending = false;
        irqTimerGeneration++;
        irqs++;
        rxEvents++;
        if (multiQueue) {
            queues[activeQueue].irqs++;
        }
        final long c = cHardIrq;
        cpu.stage(CostStage.HARD_IRQ, c);
        final long end = cpu.exec(rxCpu, now, c, CpuSet.CTX_HARDIRQ);
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kNapiIrq, TraceEvent.NO_PACKET, rxCpu, ringCount, activeQueue,
                    0L);
        }
        irqEnabled = false;
        scheduleNapi(end);
    }

    /**
     * {@code napi_schedule()} from hard-IRQ context (the RX interrupt, or the NAPI hrtimer's {@code napi_watchdog})
     * done at {@code end}: a new {@code net_rx_action} run with a full budget polls the ring then (inline when
     * nothing else can happen before, {@link #dueBefore}).
     */
    private void scheduleNapi(final long end) {
        napiScheduled = true;
        rxSoftirqNew[rxCpu] = true;
        if (dueBefore(end)) {
            loop.schedule(end, kNapi, rxCpu, activeQueue);
        } else {
            clockNs = end;
            onNapi(rxCpu, activeQueue, end);
        }
    }

    /**
     * The RSS key of a boot: {@code netdev_rss_key_fill()} copies the first 40 bytes of the 52
     * ({@code NETDEV_RSS_KEY_LEN}, include/linux/netdevice.h) the kernel draws once per boot
     * ({@code net_get_random_once}; {@code net.core.netdev_rss_key} shows them, Documentation/admin-guide/sysctl/
     * net.rst); mlx5 keys its Toeplitz hash with them.
     *
     * @param seed the scenario's seed
     * @param run the run (each run is another boot)
     * @return 40 key bytes
     */
    static byte[] rssKey(final long seed, final long run) {
        final RandomStream r = RandomStream.derive(seed, run, "netdev_rss_key");
        final byte[] key = new byte[Toeplitz.KEY_BYTES];
        for (int i = 0; i < key.length; i += 4) {
            final int v = r.nextInt();
            key[i] = (byte) (v >>> 24);
            key[i + 1] = (byte) (v >>> 16);
            key[i + 2] = (byte) (v >>> 8);
            key[i + 3] = (byte) v;
        }
        return key;
    }

    /** The last {@link #rssHash} result: the hash and its {@link PacketStore} type. */
    private int rssValue;
    private int rssType;
    /** The frame's fields for {@link #rssHash}, read by the flow dissector. */
    private final FlowKeyExtractor rssDissector = new FlowKeyExtractor();
    private final FlowKey rssFlow = new FlowKey();

    /**
     * The hash the mlx5 NIC puts in the completion of frame {@code h}: Toeplitz over the IPv4 or IPv6 addresses and,
     * for an unfragmented TCP or UDP packet, the ports (the default RSS of its traffic types), the outer 802.1Q tag
     * skipped; the fields as {@link FlowKeyExtractor} reads them. Sets {@link #rssValue} and {@link #rssType}.
     *
     * @return false when the NIC gives no hash (not IP: a PPPoE session frame, ARP)
     */
    private boolean rssHash(final int h) {
        final MutableDirectBuffer b = store.buffer();
        final int o = store.frameOffset(h);
        final int stored = store.storedLength(h);
        if (stored < EthernetView.LENGTH) {
            return false;
        }
        int type = b.getShort(o + EthernetView.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (type == EthernetView.ETHERTYPE_VLAN && stored >= EthernetView.LENGTH + VLAN_TAG) {
            type = b.getShort(o + EthernetView.ETHERTYPE_OFFSET + VLAN_TAG, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        // the NIC hashes IP only (not a PPPoE session frame); the fields are the flow dissector's
        if (type != EthernetView.ETHERTYPE_IPV4 && type != EthernetView.ETHERTYPE_IPV6
                || !rssDissector.extract(store, h, rssFlow)) {
            return false;
        }
        final FlowKey k = rssFlow;
        final boolean l4 = (k.protocol() == FlowKey.PROTO_TCP || k.protocol() == FlowKey.PROTO_UDP) && !k.isFragment();
        rssValue = k.family() == FlowKey.FAMILY_IPV4
                ? rss.hashIpv4(k.ipv4Src(), k.ipv4Dst(), k.srcPort(), k.dstPort(), l4)
                : rss.hashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.srcPort(), k.dstPort(),
                        l4);
        rssType = l4 ? PacketStore.HASH_L4 : PacketStore.HASH_L3;
        return true;
    }

    /**
     * {@code mtk_dim_rx()} (drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18): the profile's microseconds in the
     * PDMA delay register's 20 us units, rounded up ({@code MTK_PDMA_DELAY_PTIME_MASK} 0xff), and its packets
     * capped by {@code MTK_PDMA_DELAY_PINT_MASK} (0x7f): profiles 0 to 4 give 20, 20, 80, 140 and 260 us, all
     * with 127 frames. {@code mtk_hw_init()} applies the starting profile the same way.
     */
    private void applyDim() {
        rxUsecs = Math.min((rxDim.usec() + MTK_PDMA_DELAY_UNIT_US - 1) / MTK_PDMA_DELAY_UNIT_US,
                MTK_PDMA_DELAY_PTIME_MASK) * MTK_PDMA_DELAY_UNIT_US;
        rxFrames = Math.min(rxDim.pkts(), MTK_PDMA_DELAY_PINT_MASK);
    }

    private static final int MTK_PDMA_DELAY_UNIT_US = 20;
    private static final int MTK_PDMA_DELAY_PTIME_MASK = 0xff;
    private static final int MTK_PDMA_DELAY_PINT_MASK = 0x7f;

    /**
     * A frame arrives at {@code now} while the poll that emptied the ring owes its end-of-poll check at
     * {@link #napiRepollNs}: if the frame lands by then, the check becomes an event (it will find the frame and
     * poll again); if it lands later, the NAPI completed at that time with the ring empty.
     */
    private void settleNapi(final long now) {
        napiCompletionOwed = false;
        if (now <= napiRepollNs) {
            loop.schedule(napiRepollNs, kNapi, rxCpu, activeQueue);
        } else {
            completeNapi(napiRepollNs);
        }
    }

    /** {@code napi_complete_done()}: the poll found the ring empty at {@code atNs}; re-enable the RX interrupt. */
    private void completeNapi(final long atNs) {
        if (trace.enabled()) {
            trace.publish(atNs, traceComponent, kNapiComplete, TraceEvent.NO_PACKET, rxCpu, activeQueue);
        }
        napiScheduled = false;
        irqEnabled = true;
        framesSinceIrqEnable = 0;
        if (dimAtCompletion) {
            mlx5HandleRxDim(atNs);
        }
    }

    /**
     * The IPIs the poll's packets owe their RPS CPUs ({@code net_rps_send_ipi} as {@code net_rx_action} ends),
     * each CPU's at {@code t}.
     */
    private void sendIpis(final long t) {
        for (int cpuId = 0; cpuId < ipiPending.length; cpuId++) {
            if (ipiPending[cpuId]) {
                ipiPending[cpuId] = false;
                // rps_trigger_softirq() on the target: sd->received_rps++ (net/core/dev.c, 6.18)
                softnetReceivedRps[cpuId]++;
                final long ipi = cIpi;
                cpu.stage(CostStage.IPI, ipi);
                cpu.exec(cpuId, t, ipi, CpuSet.CTX_SOFTIRQ);
            }
        }
        if (heldCount > 0) {
            releaseHeld(t);
        }
    }

    /**
     * A poll that finds the ring empty (with a {@code gro_flush_timeout} only): the one {@code net_rx_action} runs
     * after a full poll, or the one the hrtimer scheduled ({@link #onNapiTimer}). {@code mtk_poll_rx} takes
     * nothing; the poll's fixed cost is paid.
     *
     * @return when it ends
     */
    private long emptyPoll(final long now) {
        polls++;
        pollSeq++;
        txCompletion(now);
        pollHist.recordValue(0);
        final long c = cNapiPoll;
        cpu.stage(CostStage.NAPI_POLL, c);
        final long t = cpu.exec(rxCpu, now, c, napiContext);
        if (trace.enabled()) {
            trace.publish(t, traceComponent, kNapiPoll, TraceEvent.NO_PACKET, rxCpu, 0, 0, netdevBudget,
                    activeQueue);
        }
        if (multiQueue) {
            queues[activeQueue].polls++;
        }
        return t;
    }

    /**
     * {@code napi_complete_done(n, work_done)} (net/core/dev.c, 6.18) with a {@code gro_flush_timeout} set, at
     * {@code t}, and the driver's answer to it ({@code mtk_napi_rx}, {@code mlx5e_napi_poll}: the RX interrupt is
     * enabled again only when it returns true):
     * <pre>
     * if (work_done) {
     *         if (n->gro.bitmask)
     *                 timeout = napi_get_gro_flush_timeout(n);
     *         n->defer_hard_irqs_count = napi_get_defer_hard_irqs(n);
     * }
     * if (n->defer_hard_irqs_count > 0) {
     *         n->defer_hard_irqs_count--;
     *         timeout = napi_get_gro_flush_timeout(n);
     *         if (timeout)
     *                 ret = false;
     * }
     * gro_flush_normal(&n->gro, !!timeout);
     * ...
     * if (timeout)
     *         hrtimer_start(&n->timer, ns_to_ktime(timeout), HRTIMER_MODE_REL_PINNED);
     * return ret;
     * </pre>
     * The timeout here is never 0 (with 0 the engine completes as {@link #completeNapi} does), so a defer count
     * left always keeps the interrupt masked, and GRO flushes only the packets held before this jiffy.
     */
    private void napiCompleteDone(final long t) {
        final boolean workDone = napiWorkDone;
        napiWorkDone = false;
        long timeout = 0;
        if (workDone) {
            if (groBuckets != 0) {
                timeout = groFlushTimeoutNs;
            }
            deferHardIrqsCount = napiDeferHardIrqs;
        }
        boolean ret = true;
        if (deferHardIrqsCount > 0) {
            deferHardIrqsCount--;
            timeout = groFlushTimeoutNs;
            ret = false;
        }
        if (timeout != 0) {
            groFlushOld(t);
        } else {
            groFlushAll(t);
        }
        groNormalList(t);
        sendIpis(t);
        if (timeout != 0) {
            // hrtimer_start: a timer still pending is moved (its old expiry event finds a newer generation)
            loop.schedule(t + timeout, kNapiTimer, activeQueue, ++napiTimerGeneration);
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kNapiTimerArm, TraceEvent.NO_PACKET, rxCpu, timeout, groHeld(),
                        activeQueue);
            }
        }
        if (ret) {
            completeNapi(t);
        } else {
            // NAPI_STATE_SCHED cleared, the RX interrupt left masked: the hrtimer schedules the next poll
            napiScheduled = false;
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kNapiDefer, TraceEvent.NO_PACKET, rxCpu, deferHardIrqsCount,
                        activeQueue, 0L);
            }
        }
    }

    /**
     * {@code napi_watchdog()} (net/core/dev.c, 6.18), the NAPI's hrtimer expiring on the CPU that armed it
     * ({@code HRTIMER_MODE_REL_PINNED}): unless the NAPI is scheduled already, it schedules it
     * ({@code __napi_schedule_irqoff}), and {@code net_rx_action} polls it. The expiry costs {@code hrtimer}.
     */
    private void onNapiTimer(final int target, final long gen, final long now) {
        if (multiQueue) {
            selectQueue(target);
        }
        if (gen != napiTimerGeneration) {
            return;
        }
        napiTimerExpiries++;
        final long c = cHrtimer;
        cpu.stage(CostStage.HRTIMER, c);
        final long end = cpu.exec(rxCpu, now, c, CpuSet.CTX_HARDIRQ);
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kNapiWatchdog, TraceEvent.NO_PACKET, rxCpu, napiScheduled ? 0 : 1,
                    ringCount, activeQueue);
        }
        if (napiScheduled) {
            return;
        }
        napiWatchdogPolls++;
        scheduleNapi(end);
    }

    /**
     * {@code mlx5e_handle_rx_dim()} (drivers/net/ethernet/mellanox/mlx5/core/en_txrx.c, 6.18), after a completed
     * poll: the queue's {@code net_dim} sample ({@code cq.event_ctr}, the RQ's packets and bytes); a new profile is
     * written by {@code mlx5e_rx_dim_work()} / {@code mlx5e_complete_dim_work()} (en_dim.c) as
     * {@code mlx5e_modify_cq_moderation(usec, pkts)}, here at once.
     */
    private void mlx5HandleRxDim(final long atNs) {
        if (rxDim.sample(atNs, rxEvents, rxPacketsTotal, rxBytesTotal)) {
            rxUsecs = rxDim.usec();
            rxFrames = rxDim.pkts();
            if (trace.enabled()) {
                trace.publish(atNs, traceComponent, kDim, TraceEvent.NO_PACKET, rxDim.profileIx(), rxUsecs, rxFrames,
                        activeQueue);
            }
        }
    }

    /** One {@code mtk_napi_rx} poll (drivers/net/ethernet/mediatek/mtk_eth_soc.c, 6.18) and its repoll. */
    private void onNapi(final int target, final long arg, final long now) {
        if (multiQueue) {
            selectQueue((int) arg);
        }
        if (ringCount == 0) {
            if (groFlushTimeoutNs == 0) {
                completeNapi(now);
            } else {
                // the end of the poll that emptied the ring, or a new poll (after a full one, or the hrtimer's)
                // that finds it empty: napi_complete_done(n, work_done)
                napiCompleteDone(napiWorkDone ? now : emptyPoll(now));
            }
            return;
        }
        polls++;
        pollSeq++;
        txCompletion(now);
        final int weight = napiWeight;
        final int n = Math.min(weight, ringCount);
        pollHist.recordValue(n);
        long c = cNapiPoll;
        cpu.stage(CostStage.NAPI_POLL, c);
        // its net_rx_action run starts with it (see below)
        final long pollStart = Math.max(now, cpu.freeAtNs(rxCpu));
        final boolean inKsoftirqd = napiInSoftirq() && rxSoftirqPass(pollStart);
        long t = cpu.exec(rxCpu, now, c, napiContext);
        for (int i = 0; i < n; i++) {
            final long entry = ring[ringHead];
            final int h = (int) entry;
            final int foe = (int) ((entry & ~RING_RATE_REACHED) >>> 32) - 1;
            ringHead = (ringHead + 1) & ringMask;
            ringCount--;
            final long pkt = store.aux(h);
            final int f = flowOf(pkt);
            final int frame = store.length(h);
            if (frame != rxCostFrame) {
                rxCostFrame = frame;
                rxCostBytes = cDriverRxPerByteMilli * frame / 1000;
            }
            final long rxBytes = rxCostBytes;
            rxBytesTotal += frame;
            // the fixed driver RX and GRO cycles are counted per frame through groPackets (stageCycles)
            cpu.stage(CostStage.DRIVER_RX, rxBytes);
            groPackets++;
            t = cpu.exec(rxCpu, t, cDriverRx + rxBytes + (dsa ? pollGroCycles(h, pkt) : cGro), napiContext);
            if ((entry & RING_RATE_REACHED) != 0) {
                ppeCheck(foe, f, pkt, t);
            }
            // mtk_poll_rx(): skb_set_hash(skb, jhash_1word(foe, 0), PKT_HASH_TYPE_L4) when the descriptor has an
            // entry; without one the stack computes a hash when it needs one (flowHash[f] stands in for RPS)
            final int skbHash;
            if (foe >= 0) {
                skbHash = ppe.entrySkbHash(foe);
                store.hash(h, skbHash, PacketStore.HASH_L4);
            } else if (multiQueue) {
                // the NIC hashed the frame as it steered it to this queue (steer)
                skbHash = store.hashType(h) == PacketStore.HASH_L4 ? store.hash(h) : flowHash[f];
            } else if (rss != null && rssHash(h)) {
                // mlx5e_skb_set_hash(): the NIC's Toeplitz hash; skb_get_hash() (RPS) recomputes an L3-only one
                store.hash(h, rssValue, rssType);
                skbHash = rssType == PacketStore.HASH_L4 ? rssValue : flowHash[f];
            } else {
                skbHash = flowHash[f];
                store.hash(h, 0, PacketStore.HASH_NONE);
            }
            final int target2 = rpsCpu(skbHash);
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kRxHash, h, f,
                        store.hashType(h) != PacketStore.HASH_NONE ? store.hash(h) & 0xFFFF_FFFFL : -1L, foe,
                        target2, activeQueue);
            }
            if (groEligible(h, pkt, f)) {
                groReceive(h, f, t, target2);
            } else {
                groNormalOne(h, f, target2, 1, 0, 0, t);
            }
        }
        // a full poll: __napi_poll's gro_flush_normal(&n->gro, HZ >= 1000): with HZ below 1000 all, else only the
        // packets held before this jiffy (the rest wait for the next poll); one that emptied the ring ends in
        // napi_complete_done, which flushes as gro_flush_timeout says: with one set, napiCompleteDone does
        if (n == weight && hzAtLeast1000) {
            groFlushOld(t);
        } else if (groFlushTimeoutNs == 0 || n == weight) {
            groFlushAll(t);
        }
        // the mtk_napi_rx / mlx5e_napi_poll call goes on to napi_complete_done (work_done > 0) only if not full
        napiWorkDone = n < weight;
        groNormalList(t);
        final int budgetLeft = netdevBudget - n;
        // net_rx_action (net/core/dev.c, 6.18) polls each NAPI on its list once a run: a full poll goes to repoll,
        // the run ends and raises NET_RX_SOFTIRQ again, so the next poll starts a new run with the whole budget.
        // The run's time_squeeze test follows the poll whatever is left; a threaded NAPI's kthread
        // (napi_threaded_poll_loop) has none.
        final boolean squeezed = napiInSoftirq() && (budgetLeft <= 0 || budgetTimeSpent(pollStart, t));
        // this CPU's own backlog NAPI is on the same poll_list: its call takes what this budget left, in this run
        // (backlogPolled), unless the run ended here
        sharingPollSpent = napiInSoftirq() && !squeezed ? n : 0;
        sharingPollStartNs = pollStart;
        sendIpis(t);
        sharingPollSpent = 0;
        rxPacketsTotal += n;
        if (rxDim != null && !dimAtCompletion && rxDim.sample(t, rxEvents, rxPacketsTotal, rxBytesTotal)) {
            applyDim();
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kDim, TraceEvent.NO_PACKET, rxDim.profileIx(), rxUsecs, rxFrames,
                        activeQueue);
            }
        }
        if (trace.enabled()) {
            trace.publish(t, traceComponent, kNapiPoll, TraceEvent.NO_PACKET, rxCpu, n, ringCount, budgetLeft,
                    activeQueue);
        }
        if (multiQueue) {
            final RxQueue q = queues[activeQueue];
            q.polls++;
            q.packets += n;
        }
        // the softirq pass's end: the poll's own work and the protocol path it ran on this CPU, without RPS or
        // through this CPU's own backlog, whose NAPI ____napi_schedule() put on the same poll_list, so that
        // net_rx_action polls it in the same run (other CPUs' backlogs are theirs: backlogPolled)
        final long passEnd = Math.max(t, cpu.freeAtNs(rxCpu));
        if (inKsoftirqd) {
            cpu.ksoftirqd(rxCpu, pollStart, passEnd);
        }
        rxPassEndNs[rxCpu] = passEnd;
        if (squeezed) {
            softnetSqueeze[rxCpu]++;
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kTimeSqueeze, TraceEvent.NO_PACKET, rxCpu, ringCount,
                        activeQueue, 0L);
            }
        }
        if (ringCount > 0 || groFlushTimeoutNs > 0) {
            // frames left: the next poll; with a gro_flush_timeout, the ring empty: the end-of-poll check as an
            // event (napiCompleteDone may arm the hrtimer and flush GRO, which cannot wait for the next arrival)
            loop.schedule(t, kNapi, rxCpu, activeQueue);
        } else {
            // The ring is empty now; whether a frame arrives before the poll ends at t is settled by the next
            // arrival (settleNapi).
            napiRepollNs = t;
            napiCompletionOwed = true;
        }
    }

    /**
     * Whether anything can happen before {@code atNs}: an event due by then, or the end of the run before it.
     * When not, work due at {@code atNs} is done now (inline) rather than by an event: nothing it depends on can
     * change before then, and every event it schedules lies at or after it, so the trajectory is the one the
     * event would give. The warm-up's end is an event, so inline work never crosses into the window.
     *
     * @param atNs the time of the work, ns
     * @return true if it must be left to an event at {@code atNs}
     */
    private boolean dueBefore(final long atNs) {
        return atNs > totalNs || loop.nextEventTimeNs() <= atNs;
    }

    /**
     * Under DSA, the GRO cycles the RX poll pays for a frame: none for a frame from a DSA port (the conduit's
     * {@code napi_gro_receive} finds no GRO handler for {@code ETH_P_XDSA}, what {@code eth_type_trans} gives on a
     * conduit, and passes it on at once: its GRO is the cell's, on the protocol CPU, {@link #forward}), else
     * {@code gro}'s.
     */
    private long pollGroCycles(final int h, final long pkt) {
        if (rxFromDsaPort(h, pkt)) {
            cellGroFrames++;
            return 0;
        }
        return cGro;
    }

    /**
     * Under DSA, whether a frame the RX poll takes came in through a DSA user port: every frame from the LAN, and a
     * line's when its port is one ({@link #lineDsa}; read from the frame's tag, as {@code mtk_tag_rcv} reads the
     * source port).
     */
    private boolean rxFromDsaPort(final int h, final long pkt) {
        if (!toLan(pkt)) {
            return true;
        }
        final int line = VlanDevice.peekVlanId(store, h) - WAN_VID_BASE;
        return line < 0 || line >= lines || lineDsa[line];
    }

    // ---------------------------------------------------------------- router: forwarding

    private boolean backlogIdle(final int target, final long t) {
        return backlogCount[target] == 0 || backlogTimes[target][((backlogHead[target] + backlogCount[target] - 1)
                & backlogMask[target]) * BACKLOG_STRIDE + BL_END] <= t;
    }

    /**
     * GRO applies to TCP segments with payload addressed to the router's MAC, and to UDP datagrams only with fraglist
     * GRO or UDP GRO for forwarding ({@link #groList}, {@link #udpGroForwarding}: {@code udp_gro_receive},
     * net/ipv4/udp_offload.c, 6.18, takes a datagram that finds no socket to {@code udp_gro_receive_segment} when
     * its device has {@code NETIF_F_GRO_FRAGLIST} or {@code NETIF_F_GRO_UDP_FWD}, both off by default); not to
     * pure ACKs (nor the UDP flows' small upstream datagrams), and not to PPPoE session frames (with PPPoE dials every
     * frame from the WAN; the LAN's are plain Ethernet): 6.18 has no GRO handler for {@code ETH_P_PPP_SES}. With
     * OpenWrt's ({@link #pppoeGro}) a session frame goes to {@code pppoe_gro_receive} (drivers/net/ppp/pppoe.c,
     * OpenWrt's 650-net-pppoe-implement-GRO-support.patch), which passes it on to {@code inet_gro_receive} or {@code
     * ipv6_gro_receive} only when its PPPoE length field covers the frame exactly (no Ethernet padding) and its PPP
     * protocol is IPv4 or IPv6.
     */
    private boolean groEligible(final int h, final long pkt, final int f) {
        if (flowUdp[f] && !groList && !udpGroForwarding || kindOf(pkt) != KIND_DATA) {
            return false;
        }
        if (!(pppoe && toLan(pkt))) {
            return true;
        }
        if (!pppoeGro) {
            return false;
        }
        // skb_gro_len(skb) != be16_to_cpu(phdr->length) + hlen: the frame past the PPPoE header's 6 bytes
        final MutableDirectBuffer b = store.buffer();
        final int l3 = store.networkHeaderOffset(h);
        final int ppp = b.getShort(l3 - 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        return (ppp == PPP_IP || ppp == PPP_IPV6) && (b.getShort(l3 - 4, ByteOrder.BIG_ENDIAN) & 0xFFFF)
                == store.frameOffset(h) + store.length(h) - (l3 - 2);
    }

    /**
     * {@code dev_gro_receive} (net/core/gro.c, 6.18) for a TCP segment, with {@code inet_gro_receive} /
     * {@code ipv6_gro_receive} and {@code tcp_gro_receive} (net/ipv4/tcp_offload.c): the packets GRO holds sit in 8
     * hash buckets ({@code skb->hash & (GRO_HASH_BUCKETS - 1)}), at most {@code MAX_GRO_SKBS} = 8 in each. A segment
     * whose flow (same hash and five-tuple) holds a packet in its bucket merges when its TCP header equals the held
     * one's but for the sequence (flag word, ACK, every option word: a TSval that ticked stops the merge), it
     * continues the sequence, it is no longer than the held packet's {@code gso_size} and the aggregate stays below
     * {@code gro_max_size} (65536 bytes from the IP header, or from the PPPoE header of a session frame: 45 segments
     * of 1448); otherwise the held packet leaves
     * ({@code pp}) and the segment is held in its place. A merged segment shorter than {@code gso_size} ends the
     * aggregate at once. A ninth packet in a bucket pushes out the bucket's oldest ({@code gro_flush_oldest}). The
     * IP headers of one flow never differ here (DF, fixed ID, one TTL and TOS).
     */
    private void groReceive(final int h, final int f, final long t, final int target) {
        if (flowUdp[f]) {
            groReceiveUdp(h, f, t, target);
            return;
        }
        final MutableDirectBuffer b = store.buffer();
        final int l3 = store.networkHeaderOffset(h);
        final int l4 = store.transportHeaderOffset(h);
        final int thlen = (b.getByte(l4 + 12) & 0xF0) >>> 2;
        final int ipLen = ipPacketLength(b, l3);
        final int len = ipLen - (l4 - l3) - thlen;
        final boolean last = (b.getByte(l4 + 13) & TCP_FLAGS_FINAL) != 0;
        final int hash = store.hash(h);
        final int bucket = hash & (GRO_HASH_BUCKETS - 1);
        final boolean session = pppoeGro && toLan(store.aux(h));
        final int j = groFind(bucket, f, hash, session, b, l3);
        if (j < 0) {
            if (last) {
                groNormalOne(h, f, target, 1, 0, 0, t);
            } else {
                groHold(bucket, h, f, target, hash, ipLen, len, t);
            }
            return;
        }
        final int i = bucket * MAX_GRO_SKBS + j;
        final int p = groPkt[i];
        final int p4 = store.transportHeaderOffset(p);
        final long pkt = store.aux(h);
        int reason = 0;
        if (!groHeadersMatch(b, l4, p4, thlen)) {
            reason = GRO_FLUSH_HEADERS;
        } else if (len > groMss[i] || seqOf(pkt) != groNextSeq[i]) {
            reason = GRO_FLUSH_NOT_IN_SEQUENCE;
        } else if (groList) {
            reason = fraglistRefusal(b, l4, p4, groSegs[i], groLen[i] + ipLen + (session ? 2 * PPPOE_HEADER : 0));
        } else if (groLen[i] + len + (session ? PPPOE_HEADER : 0) >= GRO_MAX_SIZE) {
            // skb_gro_receive: p->len + len >= gro_max_size, p->len from the held skb's data, which for a
            // PPPoE session frame starts at its PPPoE header (8 bytes before the IP header)
            reason = GRO_FLUSH_FULL;
        }
        if (reason == 0) {
            // skb_gro_receive: the payload joins the held packet (frags, then its frag_list); the frame is freed
            store.free(h);
            groSegs[i]++;
            groLen[i] += len;
            groNextSeq[i]++;
            // (a fraglist aggregate's segments keep their own headers; its flags are all equal anyway)
            groPshFin[i] |= b.getByte(l4 + 13) & (TcpView.PSH | TcpView.FIN);
            groMerged++;
            if (trace.enabled()) {
                trace.publish(t, traceComponent, kGroMerge, p, f, groSegs[i]);
            }
            if (len < groMss[i] || last) {
                // out_check_final: a segment shorter than the MSS, or with PSH, URG, RST, SYN or FIN, ends it
                groComplete(bucket, j, t, GRO_FLUSH_FINAL);
            }
            return;
        }
        // pp: the held packet leaves; the segment takes its place as the bucket's newest (or, being final,
        // goes on alone: NAPI_GRO_CB(skb)->flush)
        groComplete(bucket, j, t, reason);
        if (last) {
            groNormalOne(h, f, target, 1, 0, 0, t);
        } else {
            groHold(bucket, h, f, target, hash, ipLen, len, t);
        }
    }

    /**
     * {@code dev_gro_receive}'s walk of a bucket (net/core/gro.c, 6.18): the slot (0 the oldest) of the held packet
     * of flow {@code f} with the same hash that a packet meets, or -1. A PPPoE session frame ({@code session}, its
     * IP header at {@code l3}) meets only a held packet of its session: OpenWrt's {@code pppoe_gro_receive}
     * clears {@code same_flow} when {@code compare_pppoe_header()} (session id, PPP protocol) finds them differ.
     */
    private int groFind(final int bucket, final int f, final int hash, final boolean session,
            final MutableDirectBuffer b, final int l3) {
        final int base = bucket * MAX_GRO_SKBS;
        for (int j = 0, n = groCount[bucket]; j < n; j++) {
            final int i = base + j;
            if (groFlow[i] == f && groHash[i] == hash
                    && !(session && differentSession(b, l3, store.networkHeaderOffset(groPkt[i])))) {
                return j;
            }
        }
        return -1;
    }

    /** The IP packet's length from its header at {@code l3}: IPv4 total length, or 40 + IPv6 payload length. */
    private static int ipPacketLength(final org.agrona.DirectBuffer b, final int l3) {
        return (b.getByte(l3) & 0xF0) == 0x40 ? b.getShort(l3 + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF
                : Ipv6View.LENGTH + (b.getShort(l3 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
    }

    /**
     * {@code udp_gro_receive_segment} (net/ipv4/udp_offload.c, 6.18) for a forwarded datagram, with fraglist GRO
     * ({@code is_flist}: no socket, {@code NETIF_F_GRO_FRAGLIST}) or, without it, UDP GRO for forwarding
     * ({@link #udpGroForwarding}, {@code NETIF_F_GRO_UDP_FWD}): a datagram of a flow that holds a packet in its
     * bucket (same hash, addresses and ports; a PPPoE session frame of the same session) and is no longer than the
     * held one ({@code ulen > ntohs(uh2->len)} flushes it and takes its place) joins its frag_list (or, without
     * {@code is_flist}, its payload joins it) unless 64 KiB refuses it (the held packet leaves and the datagram takes
     * its place): {@code skb_gro_receive_list}'s {@code p->len + skb->len >= 65536}, the new skb whole (44 datagrams
     * of 1472 bytes), or {@code skb_gro_receive}'s {@code p->len + len}, its payload only (50 of 1424 bytes: 46, where
     * fraglist GRO holds 45); a datagram shorter than the held one, or the 64th
     * ({@code UDP_GRO_CNT_MAX}), is chained and completes the aggregate. The engine's datagrams carry a checksum and
     * no padding, and one flow's IP headers never differ (DF, fixed ID, one TTL and TOS), so
     * {@code gro_receive_network_flush} and the checksum tests pass. Checked against the live kernel in
     * {@code RouterFraglistLiveKernelTest}.
     */
    private void groReceiveUdp(final int h, final int f, final long t, final int target) {
        final MutableDirectBuffer b = store.buffer();
        final int l3 = store.networkHeaderOffset(h);
        final int l4 = store.transportHeaderOffset(h);
        final int ipLen = ipPacketLength(b, l3);
        final int ulen = b.getShort(l4 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int hash = store.hash(h);
        final int bucket = hash & (GRO_HASH_BUCKETS - 1);
        final boolean session = pppoeGro && toLan(store.aux(h));
        final int j = groFind(bucket, f, hash, session, b, l3);
        if (j < 0) {
            groHold(bucket, h, f, target, hash, ipLen, ulen, t);
            return;
        }
        final int i = bucket * MAX_GRO_SKBS + j;
        // skb_gro_receive_list counts the new skb whole (from its network or PPPoE header), skb_gro_receive only its
        // UDP payload (skb_gro_len after the UDP header's pull)
        final int reason = udpFraglistRefusal(groMss[i], groLen[i] + (session ? PPPOE_HEADER : 0), ulen,
                udpGroForwarding ? ulen - UdpView.LENGTH : ipLen + (session ? PPPOE_HEADER : 0));
        if (reason != 0) {
            groComplete(bucket, j, t, reason);
            groHold(bucket, h, f, target, hash, ipLen, ulen, t);
            return;
        }
        store.free(h);
        groSegs[i]++;
        groLen[i] += ulen - UdpView.LENGTH;
        groMerged++;
        if (trace.enabled()) {
            trace.publish(t, traceComponent, kGroMerge, groPkt[i], f, groSegs[i]);
        }
        final int done = udpFraglistComplete(groMss[i], ulen, groSegs[i]);
        if (done != 0) {
            groComplete(bucket, j, t, done);
        }
    }

    /**
     * {@code udp_gro_receive_segment}'s refusal of a datagram (UDP length {@code ulen}; {@code skbLen} the bytes it
     * counts against 64 KiB: from its network header, or its PPPoE header, with fraglist GRO, its UDP payload
     * without) by the held packet (its first datagram's UDP length {@code heldUlen}, {@code heldLen} bytes:
     * {@code p->len}, the first datagram whole and the payload of the merged ones).
     *
     * @return 0 to chain it, {@link #GRO_FLUSH_NOT_IN_SEQUENCE} (longer than the held one) or
     *     {@link #GRO_FLUSH_FULL} ({@code -E2BIG}): the held packet leaves and the datagram is held in its place
     */
    static int udpFraglistRefusal(final int heldUlen, final int heldLen, final int ulen, final int skbLen) {
        if (ulen > heldUlen) {
            return GRO_FLUSH_NOT_IN_SEQUENCE;
        }
        return heldLen + skbLen >= GRO_MAX_SIZE ? GRO_FLUSH_FULL : 0;
    }

    /**
     * After a datagram of UDP length {@code ulen} was chained to a packet of {@code segs} datagrams now, whose first
     * had {@code heldUlen}: {@code ulen != ntohs(uh2->len) || NAPI_GRO_CB(p)->count >= UDP_GRO_CNT_MAX}.
     *
     * @return 0 to keep holding it, {@link #GRO_FLUSH_FINAL} (shorter than the first) or
     *     {@link #GRO_FLUSH_FRAGLIST_COUNT} (64 datagrams): the aggregate leaves at once
     */
    static int udpFraglistComplete(final int heldUlen, final int ulen, final int segs) {
        if (ulen != heldUlen) {
            return GRO_FLUSH_FINAL;
        }
        return segs >= FRAGLIST_MAX_SEGMENTS ? GRO_FLUSH_FRAGLIST_COUNT : 0;
    }

    /**
     * {@code tcp_gro_receive}'s fraglist branch (net/ipv4/tcp_offload.c, 6.18), after the tests every aggregate
     * passes: the whole flag word equal to the held packet's (PSH and FIN included: a fraglist aggregate keeps every
     * segment's header), fewer than 64 segments chained ({@code NAPI_GRO_CB(p)->count >= 64}), and
     * {@code skb_gro_receive_list}'s {@code p->len + skb->len < 65536}, the new skb counted whole from its network
     * header ({@code grown}; a PPPoE session frame's from its PPPoE header, as the held one's). The checksum states
     * ({@code ip_summed}, {@code csum_level}) of one device's frames are equal.
     *
     * @return 0 to merge, else the flush reason
     */
    static int fraglistRefusal(final org.agrona.DirectBuffer b, final int th, final int th2, final int segs,
            final int grown) {
        if (b.getInt(th + 12) != b.getInt(th2 + 12)) {
            return GRO_FLUSH_FRAGLIST_FLAGS;
        }
        if (segs >= FRAGLIST_MAX_SEGMENTS) {
            return GRO_FLUSH_FRAGLIST_COUNT;
        }
        return grown >= GRO_MAX_SIZE ? GRO_FLUSH_FULL : 0;
    }

    /**
     * {@code compare_pppoe_header()} of OpenWrt's {@code pppoe_gro_receive}: the PPPoE session id or the PPP protocol
     * of two session frames (their IP headers at {@code l3} and {@code p3}) differ.
     */
    private static boolean differentSession(final MutableDirectBuffer b, final int l3, final int p3) {
        return b.getShort(l3 - 6) != b.getShort(p3 - 6) || b.getShort(l3 - 2) != b.getShort(p3 - 2);
    }

    /**
     * {@code tcp_gro_receive}'s header test: the flag word but CWR, FIN and PSH (with the window), the ACK and every
     * option word equal (the data offset is in the flag word), and no CWR on the new segment.
     */
    private static boolean groHeadersMatch(final MutableDirectBuffer b, final int th, final int th2,
            final int thlen) {
        if (b.getInt(th + 8) != b.getInt(th2 + 8)
                || ((b.getInt(th + 12, ByteOrder.BIG_ENDIAN) ^ b.getInt(th2 + 12, ByteOrder.BIG_ENDIAN))
                        & ~TCP_FLAGS_IGNORED) != 0
                || (b.getByte(th + 13) & TcpView.CWR) != 0) {
            return false;
        }
        for (int o = TcpView.MIN_LENGTH; o < thlen; o += 4) {
            if (b.getInt(th + o) != b.getInt(th2 + o)) {
                return false;
            }
        }
        return true;
    }

    /** The flags that make a segment the last of its aggregate ({@code out_check_final}). */
    private static final int TCP_FLAGS_FINAL = TcpView.URG | TcpView.PSH | TcpView.RST | TcpView.SYN | TcpView.FIN;
    /** {@code TCP_FLAG_CWR | TCP_FLAG_FIN | TCP_FLAG_PSH} in the big-endian word at offset 12. */
    private static final int TCP_FLAGS_IGNORED = (TcpView.CWR | TcpView.FIN | TcpView.PSH) << 16;

    /**
     * Holds segment {@code h} as bucket {@code bucket}'s newest packet ({@code list_add} at the chain's head); a
     * bucket that holds {@code MAX_GRO_SKBS} already pushes out its oldest first ({@code gro_flush_oldest}).
     */
    private void groHold(final int bucket, final int h, final int f, final int target, final int hash, final int ipLen,
            final int len, final long t) {
        if (groCount[bucket] == MAX_GRO_SKBS) {
            groComplete(bucket, 0, t, GRO_FLUSH_OLDEST);
        }
        final int i = bucket * MAX_GRO_SKBS + groCount[bucket];
        if (groCount[bucket]++ == 0) {
            groBuckets |= 1 << bucket;
        }
        groFlow[i] = f;
        groPkt[i] = h;
        groSegs[i] = 1;
        groTarget[i] = target;
        groHash[i] = hash;
        groLen[i] = ipLen;
        groPshFin[i] = 0;
        groMss[i] = len;
        groNextSeq[i] = seqOf(store.aux(h)) + 1;
        groHeldNs[i] = t;
    }

    /**
     * {@code gro_complete}: held packet {@code j} of {@code bucket} (0 the oldest) leaves GRO for the stack at
     * {@code t}, with {@code reason} traced; the younger ones move up.
     */
    private void groComplete(final int bucket, final int j, final long t, final int reason) {
        final int base = bucket * MAX_GRO_SKBS;
        final int i = base + j;
        final int p = groPkt[i];
        final int f = groFlow[i];
        final int segs = groSegs[i];
        final int target = groTarget[i];
        final int ipLen = groLen[i];
        final int pshFin = groPshFin[i];
        if (trace.enabled()) {
            trace.publish(t, traceComponent, kGroFlush, p, f, segs, reason, 0L);
        }
        final int last = base + --groCount[bucket];
        for (int k = i; k < last; k++) {
            groFlow[k] = groFlow[k + 1];
            groPkt[k] = groPkt[k + 1];
            groSegs[k] = groSegs[k + 1];
            groTarget[k] = groTarget[k + 1];
            groHash[k] = groHash[k + 1];
            groLen[k] = groLen[k + 1];
            groPshFin[k] = groPshFin[k + 1];
            groMss[k] = groMss[k + 1];
            groNextSeq[k] = groNextSeq[k + 1];
            groHeldNs[k] = groHeldNs[k + 1];
        }
        if (groCount[bucket] == 0) {
            groBuckets &= ~(1 << bucket);
        }
        groNormalOne(p, f, target, segs, ipLen, pshFin, t);
    }

    /**
     * {@code gro_normal_one} (include/net/gro.h, 6.18): a packet GRO passes up (a frame it does not hold, or a
     * completed aggregate of {@code segs} segments, {@code gro_complete}) joins the poll's {@code rx_list}; when the
     * list holds {@code gro_normal_batch} segments it goes up at once ({@link #groNormalList}), else at the end of the
     * poll.
     */
    private void groNormalOne(final int h, final int f, final int target, final int segs, final int ipLength,
            final int pshFin, final long t) {
        final int k = rxListCount++;
        rxListPkt[k] = h;
        rxListFlow[k] = f;
        rxListTarget[k] = target;
        rxListSegs[k] = segs;
        rxListIpLength[k] = ipLength;
        rxListPshFin[k] = pshFin;
        rxListSegsTotal += segs;
        if (rxListSegsTotal >= groNormalBatch) {
            groNormalList(t);
        }
    }

    /**
     * {@code gro_normal_list} (include/net/gro.h, 6.18): the poll's {@code rx_list} goes up at {@code t}, in order,
     * through {@code netif_receive_skb_list_internal} (net/core/dev.c): each packet to its RPS CPU's backlog
     * ({@code enqueue_to_backlog}; {@code rps_ipi_queued} marks an IPI only when the target's backlog NAPI was not
     * already scheduled) or, without RPS, down the protocol path on this CPU. Called when the list holds
     * {@code gro_normal_batch} segments and at the end of every poll ({@code gro_flush_normal}).
     */
    private void groNormalList(final long t) {
        final int end = rxListCount;
        final int n = end - heldCount;
        if (n == 0) {
            return;
        }
        if (trace.enabled()) {
            trace.publish(t, traceComponent, kGroList, TraceEvent.NO_PACKET, rxCpu, n, rxListSegsTotal, activeQueue);
        }
        rxListSegsTotal = 0;
        for (int k = heldCount; k < end; k++) {
            final int target = rxListTarget[k];
            if (viaBacklog) {
                if (target != rxCpu && !ipiPending[target] && backlogIdle(target, t)) {
                    ipiPending[target] = true;
                }
                if (target == rxCpu || ipiPending[target]) {
                    // taken up only after the poll (releaseHeld), and counted into the backlog then: an idle
                    // backlog, or the polling CPU's own (drained after each poll), has room for a poll's packets
                    holdListed(k);
                    continue;
                }
            }
            forwardListed(rxListPkt[k], rxListFlow[k], t, target, rxListSegs[k], rxListIpLength[k],
                    rxListPshFin[k]);
        }
        rxListCount = heldCount;
    }

    /** {@link #groNormalList}: entry {@code k} of the {@code rx_list} joins the held ones at its front. */
    private void holdListed(final int k) {
        final int j = heldCount++;
        if (j != k) {
            rxListPkt[j] = rxListPkt[k];
            rxListFlow[j] = rxListFlow[k];
            rxListTarget[j] = rxListTarget[k];
            rxListSegs[j] = rxListSegs[k];
            rxListIpLength[j] = rxListIpLength[k];
            rxListPshFin[j] = rxListPshFin[k];
        }
    }

    /** {@link #forward} of a packet from the {@code rx_list}, the taps seeing an aggregate as one. */
    private void forwardListed(final int h, final int f, final long t, final int target, final int segs,
            final int ipLength, final int pshFin) {
        if (segs > 1) {
            // the taps see the aggregate (tapIn, tapOut)
            tapSegs = segs;
            tapIpLength = ipLength;
            tapPshFin = pshFin;
        }
        forward(h, f, t, target, segs);
        tapSegs = 1;
    }

    /**
     * The first {@code heldCount} entries of the {@code rx_list} arrays: the packets of the poll whose backlog could
     * not take them up while the poll ran ({@link #groNormalList}). They are those queued to the polling CPU's own
     * backlog, which that CPU polls only after the RX poll (at the NAPI thread's {@code local_bh_enable()}, or in
     * {@code net_rx_action}'s run after it), and those queued to another CPU's backlog that was idle, whose NAPI its
     * RPS IPI schedules at the poll's end ({@code napi_schedule_rps()} lists the CPU,
     * {@code net_rps_action_and_irq_enable()} sends the IPI; net/core/dev.c, 6.18). They go up at the poll's end
     * in their order ({@link #releaseHeld}). Before stop 32 they went up with their batch, so an idle CPU could start
     * on them before its IPI.
     */
    private int heldCount;

    /**
     * The held packets ({@link #heldCount}) go up at {@code t}, after the poll and its IPIs; the list itself went up
     * just before ({@link #groNormalList}), so they are all its arrays hold.
     */
    private void releaseHeld(final long t) {
        final int n = heldCount;
        heldCount = 0;
        rxListCount = 0;
        for (int j = 0; j < n; j++) {
            forwardListed(rxListPkt[j], rxListFlow[j], t, rxListTarget[j], rxListSegs[j], rxListIpLength[j],
                    rxListPshFin[j]);
        }
    }

    /** The poll's {@code rx_list} ({@link #groNormalOne}): packets, flows, RPS CPUs, segments, IP lengths, PSH/FIN. */
    private final int[] rxListPkt;
    private final int[] rxListFlow;
    private final int[] rxListTarget;
    private final int[] rxListSegs;
    private final int[] rxListIpLength;
    private final int[] rxListPshFin;
    /**
     * Entries in the arrays (the held ones, {@link #heldCount}, then the list's own), and the list's segments
     * ({@code gro->rx_count}).
     */
    private int rxListCount;
    private int rxListSegsTotal;

    /**
     * The end of the poll ({@code napi_complete_done} or a full poll with HZ below 1000: {@code gro_flush_normal}
     * with {@code flush_old} false): bucket by bucket in index order, each chain from its oldest packet
     * ({@code __gro_flush_chain}), at {@code t}.
     */
    private void groFlushAll(final long t) {
        while (groBuckets != 0) {
            final int bucket = Integer.numberOfTrailingZeros(groBuckets);
            while (groCount[bucket] > 0) {
                groComplete(bucket, 0, t, GRO_FLUSH_END_OF_POLL);
            }
        }
    }

    /**
     * {@code gro_flush_normal(gro, true)} at {@code napi_complete_done} with a {@code gro_flush_timeout}, and at the
     * end of a full poll with HZ of 1000 or more ({@code __napi_poll}: {@code gro_flush_normal(&n->gro, HZ >= 1000)}):
     * each
     * bucket's chain from its oldest packet until one held in the current jiffy ({@code __gro_flush_chain}:
     * {@code if (flush_old && NAPI_GRO_CB(skb)->age == jiffies) return;}), at {@code t}.
     */
    private void groFlushOld(final long t) {
        final long jiffy = t / jiffyNs;
        int buckets = groBuckets;
        while (buckets != 0) {
            final int bucket = Integer.numberOfTrailingZeros(buckets);
            buckets &= buckets - 1;
            final int base = bucket * MAX_GRO_SKBS;
            while (groCount[bucket] > 0 && groHeldNs[base] / jiffyNs != jiffy) {
                groComplete(bucket, 0, t, GRO_FLUSH_END_OF_POLL);
            }
        }
    }

    /** The packets GRO holds. */
    private int groHeld() {
        int n = 0;
        for (int b = groBuckets; b != 0; b &= b - 1) {
            n += groCount[Integer.numberOfTrailingZeros(b)];
        }
        return n;
    }

    /**
     * {@code gro_flush} reasons: the flow's next segment does not continue it (a gap, or longer than its MSS; a UDP
     * datagram longer than the held one's first).
     */
    private static final int GRO_FLUSH_NOT_IN_SEQUENCE = 1;
    /** The next segment would take the packet to {@code gro_max_size} (65536) bytes. */
    private static final int GRO_FLUSH_FULL = 2;
    /** The oldest packet of a bucket when a ninth arrives there ({@code gro_flush_oldest}). */
    private static final int GRO_FLUSH_OLDEST = 3;
    /** The end of the poll ({@code napi_complete_done} / {@code gro_normal_list}). */
    private static final int GRO_FLUSH_END_OF_POLL = 4;
    /** The next segment's TCP header differs (flags, window, ACK or an option: a new TSval). */
    private static final int GRO_FLUSH_HEADERS = 5;
    /**
     * A merged segment shorter than the packet's MSS, or with PSH, URG, RST, SYN or FIN, ends it (a UDP datagram
     * shorter than the first).
     */
    private static final int GRO_FLUSH_FINAL = 6;
    /** Fraglist GRO: the next segment's flag word differs from the held packet's in any bit (PSH and FIN too). */
    private static final int GRO_FLUSH_FRAGLIST_FLAGS = 7;
    /**
     * Fraglist GRO: the held packet chains 64 segments ({@code NAPI_GRO_CB(p)->count >= 64}: TCP refuses the 65th,
     * UDP completes the aggregate with its 64th, {@code UDP_GRO_CNT_MAX}).
     */
    private static final int GRO_FLUSH_FRAGLIST_COUNT = 8;
    /** Segments a fraglist aggregate may chain (tcp_gro_receive; udp_offload.c's UDP_GRO_CNT_MAX; 6.18). */
    private static final int FRAGLIST_MAX_SEGMENTS = 64;

    /** {@code GRO_HASH_BUCKETS} (include/net/gro.h, 6.18). */
    private static final int GRO_HASH_BUCKETS = 8;
    /** {@code MAX_GRO_SKBS} per bucket (net/core/gro.c, 6.18). */
    private static final int MAX_GRO_SKBS = 8;
    /** {@code GRO_LEGACY_MAX_SIZE}, the default {@code gro_max_size} and {@code gro_ipv4_max_size}. */
    private static final int GRO_MAX_SIZE = 65536;
    private static final int GRO_SLOTS = GRO_HASH_BUCKETS * MAX_GRO_SKBS;
    /** Per bucket, the packets held, oldest first (slot {@code bucket * 8 + j}). */
    private int[] groCount = new int[GRO_HASH_BUCKETS];
    /** Bit b set when bucket b holds a packet ({@code gro->bitmask}). */
    private int groBuckets;
    private int[] groFlow = new int[GRO_SLOTS];
    private int[] groPkt = new int[GRO_SLOTS];
    private int[] groSegs = new int[GRO_SLOTS];
    private int[] groTarget = new int[GRO_SLOTS];
    private int[] groHash = new int[GRO_SLOTS];
    /** The held packet's length from its IP header ({@code p->len}). */
    private int[] groLen = new int[GRO_SLOTS];
    /** FIN and PSH of its merged segments ({@code tcp_flag_word(th2) |= flags & (FIN | PSH)}), for the taps. */
    private int[] groPshFin = new int[GRO_SLOTS];
    /** Its first segment's payload ({@code gso_size}). */
    private int[] groMss = new int[GRO_SLOTS];
    /** The segment index that continues it. */
    private long[] groNextSeq = new long[GRO_SLOTS];
    /** When it was held, ns: its jiffy is its age ({@code NAPI_GRO_CB(skb)->age = jiffies}, dev_gro_receive). */
    private long[] groHeldNs = new long[GRO_SLOTS];
    private long groMerged;

    private void forward(final int h, final int f, final long readyNs, final int target, final int segs) {
        final long pkt = store.aux(h);
        // enqueue_to_backlog(): netdev_max_backlog per CPU.
        // With RPS on, every packet goes through a backlog, the polling CPU's own too (napi_schedule_rps() then
        // schedules the local backlog NAPI, which NET_RX_SOFTIRQ runs after the poll); with RPS off the poll
        // itself runs the protocol path (netif_receive_skb_list_internal, net/core/dev.c, 6.18). Under DSA the
        // conduit merges nothing: a GRO aggregate from a DSA port was that many frames in the backlog (all or none
        // fit here; the kernel would drop only the frames past the limit).
        final int frames = dsa ? backlogFrames(h, pkt, segs) : 1;
        if (viaBacklog && !backlogTake(target, readyNs, frames)) {
            softnetDropped[target]++;
            drops[Drop.BACKLOG_FULL.ordinal()] += segs;
            if (trace.enabled()) {
                trace.publish(readyNs, traceComponent, kDrop[Drop.BACKLOG_FULL.ordinal()], h, target);
            }
            store.free(h);
            return;
        }
        // softnet_stat's "processed" counts each pass through __netif_receive_skb_core() (its another_round
        // label; net/core/dev.c, 6.18) on the CPU making it: the RPS target, never the polling CPU that only
        // enqueued the packet.
        softnetProcessed[target]++;
        final int kind = kindOf(pkt);
        final boolean toLan = toLan(pkt);
        // the receive taps run when this CPU takes the packet up (__netif_receive_skb_core): after the work queued
        // on it before (an RPS backlog's process_backlog, or the list's earlier packets), as CpuSet.exec starts it
        if (!receiveDevices(h, f, toLan, tap == null ? readyNs : Math.max(readyNs, cpu.freeAtNs(target)))) {
            drops[Drop.NO_ROUTE.ordinal()] += segs;
            traceDrop(Drop.NO_ROUTE, readyNs, h);
            return;
        }
        // The flowtable's ingress hook (nf_flow_offload_ip_hook): a hit is NATed, TTL-decremented and sent.
        // pppoe_rcv -> ppp_input -> netif_rx: the frame's pass as the ppp device's, whose taps see it before that
        // device's ingress hook; a flowtable hooked on the dial's lower device (fw4: nf_flow_table_ip.c parses the
        // session header) forwards a hit before it, so the ppp device never sees that frame
        final boolean pppPass = toLan && pppoe;
        if (pppPass && !ftWanHooked) {
            tapIn(rxPppIfindex, rxPppTapNs, h);
        }
        final boolean fast = flowtableHit(h, f, toLan, readyNs);
        if (pppPass && ftWanHooked && !fast) {
            tapIn(rxPppIfindex, rxPppTapNs, h);
        }
        if (fastMisroutedAny && fast && !toLan && fastMisrouted[f]) {
            // the flow's fast path leaves by another dial than its NAT's (strandedOffload): that access server
            // drops it; the flow keeps its NAT's dial for the server's packets
            flowDial[f] = flowNatDial[f];
            drops[Drop.WRONG_DIAL.ordinal()] += segs;
            traceDrop(Drop.WRONG_DIAL, readyNs, h);
            store.free(h);
            return;
        }
        if (!fast) {
            if (!conntrack(h, f, kind, toLan, readyNs)) {
                drops[lastDrop] += segs - 1;
                store.free(h);
                return;
            }
            decrementTtl(h);
            if (!flowUdp[f] && (kind == KIND_SYN || kind == KIND_SYNACK) && !clampMss(h, f, toLan)) {
                drops[Drop.NO_ROUTE.ordinal()] += segs;
                traceDrop(Drop.NO_ROUTE, readyNs, h);
                store.free(h);
                return;
            }
        }
        // fq_codel's flow hash after NAT as conntrack kept it (nothing rewrites addresses or ports from here on)
        egressFlowHash = fast ? Qdisc.NO_FLOW_HASH : ct.qdiscFlowHash(lastCtRef);
        final int d = flowDial[f];
        // The path's fixed charges at once (buildPath); slowPath adds the dynamic ones to chargedCycles.
        final int path = (toLan ? PATH_TO_LAN : 0) | (fast ? PATH_FAST : 0)
                | (!fast && kind == KIND_SYN ? PATH_NEW : 0) | (dsa ? dsaPathBit(toLan, d) : 0);
        pathPackets[path]++;
        softnetProcessed[target] += pathPasses[path];
        chargedCycles = pathCycles[path];
        if (dsa) {
            cellReceive(target, toLan, segs);
        }
        if (fast) {
            ftHits += segs;
        } else {
            slowPath(h, f, kind, toLan, d, readyNs);
        }
        if (segs > 1) {
            aggregateLeaves(h, f, segs, toLan, d, (path & PATH_WAN_DSA) != 0, readyNs);
        }
        // The frame as it will leave: the WAN side carries the PPPoE header, the LAN side does not.
        final int frame = store.length(h) + EthernetView.LENGTH + VLAN_TAG + (!toLan && pppoe ? PPPOE_HEADER : 0);
        final int txBytes = frame * segs;
        if (txBytes != txCostBytes) {
            txCostBytes = txBytes;
            txCostCycles = cDriverTxPerByteMilli * txBytes / 1000;
        }
        charge(CostStage.DRIVER_TX, txCostCycles);
        final long total = chargedCycles;
        final int ctx = viaBacklog ? CpuSet.CTX_SOFTIRQ : napiContext;
        // when the CPU takes it up (as CpuSet.exec starts it): its backlog entry's start
        final long start = viaBacklog ? Math.max(readyNs, cpu.freeAtNs(target)) : 0L;
        final long done = cpu.exec(target, readyNs, total, ctx);
        if (trace.enabled()) {
            trace.publish(readyNs, traceComponent, kStack, h, target, f, fast ? 1 : 0,
                viaBacklog ? backlogCount[target] - backlogSpliced[target] : 0, done - readyNs);
        }
        if (viaBacklog) {
            backlogAdd(target, readyNs, start, done, frames);
            backlogPolled(target, start, done);
        }
        txPending += segs;
        if (multiQueue) {
            txOnOtherQueue(target, segs);
        }
        forwarded += segs;
        for (int i = 0; i < segs; i++) {
            // GSO at the egress device: segment i of a GRO packet is the head's headers with its own sequence.
            final int seg = i + 1 < segs ? (storeFull() ? PacketStore.NO_PACKET : store.copy(h)) : h;
            if (seg == PacketStore.NO_PACKET) {
                drop(Drop.NO_BUFFER);
                continue;
            }
            if (i > 0) {
                advanceSegment(seg, i);
            }
            if (tapSegs > 1) {
                // a device with TSO (every egress device but a ppp one) is handed the aggregate: its taps see it once
                tapOutSegment = i;
            }
            egress(seg, f, done, false, toLan);
        }
        tapOutSegment = 0;
    }

    /**
     * {@code enqueue_to_backlog} (net/core/dev.c, 6.18) of a packet of {@code frames} frames at {@code atNs} on CPU
     * {@code target}: the queue brought up to {@code atNs} ({@link #backlogAdvance}), the {@code input_pkt_queue}
     * length it finds counted ({@link #backlogOccupancy}), and the limit's test, {@code qlen <= max_backlog} for
     * each frame (a packet with no room for all its frames counts as finding the queue full and is dropped
     * whole). The caller then adds its entries ({@link #backlogAdd}).
     *
     * @return false when the packet is dropped ({@code cpu_backlog_drop})
     */
    private boolean backlogTake(final int target, final long atNs, final int frames) {
        backlogAdvance(target, atNs);
        final int qlen = backlogCount[target] - backlogSpliced[target];
        final boolean full = qlen + frames - 1 > netdevMaxBacklog;
        backlogOccupancy[target][full ? netdevMaxBacklog + 1 : qlen]++;
        return !full;
    }

    /**
     * {@code net_rx_action} (net/core/dev.c, 6.18) around CPU {@code c}'s backlog, for a packet it took up from
     * {@code startNs} to {@code doneNs}. {@code process_backlog} takes at most {@code dev_rx_weight} packets a call
     * (64: {@code weight_p} 64 times {@code dev_weight_rx_bias} 1). A call that takes its whole quota stays
     * scheduled and goes to {@code repoll}, which ends the run (a run polls each NAPI on its list once) and raises
     * NET_RX_SOFTIRQ again; a call that drains the backlog completes its NAPI. So each call is a run of its own,
     * with the whole {@code netdev_budget}, and it ends in a {@code time_squeeze} only when it spent that budget
     * (a budget of 64 or less) or the run's time limit ({@link #budgetTimeSpent}). The previous call drained the
     * backlog when the CPU was idle before this packet. On a CPU that also polls an RX queue without threaded
     * NAPI, the backlog's call and the RX poll share a run: the poll's pass ends with the work its frames queued
     * to this backlog, and runs in {@code ksoftirqd} with it ({@link #onNapi}); the call then spends what the
     * poll left of the budget, and the run's time limit counts from the poll's start. A run squeezes once: when
     * the poll spent the whole budget the call is a run of its own. (6.18 orders the two the other way round
     * after a full poll, which goes to {@code repoll} and ends its run; the next run polls the backlog, spliced
     * from {@code poll_list} ahead of {@code repoll}, then the RX NAPI: the same pairs of a call and a poll, the
     * same count.) At the default 300 the two (64 + 64) never spend it; below 128 they can.
     */
    private void backlogPolled(final int c, final long startNs, final long doneNs) {
        if (startNs > backlogRunLastNs[c]) {
            backlogCallEnded(c);
            backlogRunStartNs[c] = startNs;
            if (c == rxCpu && sharingPollSpent > 0) {
                // the RX poll's run, which this CPU's backlog NAPI (on the same poll_list) is polled in
                backlogSharedSpent[c] = sharingPollSpent;
                backlogSharedStartNs[c] = sharingPollStartNs;
            }
            // the drained backlog's NAPI completed; this packet's IPI raised the softirq, run at irq_exit
            backlogPasses[c] = 1;
            backlogSoftirqJiffy[c] = startNs / jiffyNs;
            backlogKsoftirqd[c] = false;
        } else if (backlogRunPackets[c] == 0 && !backlogKsoftirqd[c]
                && !softirqRestarts(++backlogPasses[c], backlogSoftirqJiffy[c], backlogRunLastNs[c])) {
            // the full call before this one raised NET_RX_SOFTIRQ again, and handle_softirqs hands it over
            backlogKsoftirqd[c] = true;
            ksoftirqdWake(c, backlogRunLastNs[c], backlogPasses[c] - 1, -1);
        }
        backlogRunLastNs[c] = doneNs;
        if (++backlogRunPackets[c] == BACKLOG_WEIGHT) {
            backlogCallEnded(c);
            backlogRunStartNs[c] = doneNs;
        }
    }

    /**
     * {@link #backlogPolled}: CPU {@code c}'s backlog call ended with its last packet: its run's squeeze test, and
     * its time is {@code ksoftirqd}'s if that runs it.
     */
    private void backlogCallEnded(final int c) {
        final int n = backlogRunPackets[c];
        if (n == 0) {
            return;
        }
        backlogCallKsoftirqd(c);
        final int shared = backlogSharedSpent[c];
        backlogSharedSpent[c] = 0;
        if (n + shared >= netdevBudget
            || budgetTimeSpent(shared > 0 ? backlogSharedStartNs[c] : backlogRunStartNs[c], backlogRunLastNs[c])) {
            timeSqueeze(c, backlogRunLastNs[c], n == BACKLOG_WEIGHT ? backlogCount[c] : 0);
        }
        backlogRunPackets[c] = 0;
    }

    /** CPU {@code c}'s current backlog call so far, as {@code ksoftirqd}'s time if that runs it. */
    private void backlogCallKsoftirqd(final int c) {
        if (backlogKsoftirqd[c] && backlogRunPackets[c] > 0) {
            cpu.ksoftirqd(c, backlogRunStartNs[c], backlogRunLastNs[c]);
        }
    }

    /**
     * Whether {@code handle_softirqs} (kernel/softirq.c, 6.18) runs pass {@code pass} of a softirq run that started
     * in jiffy {@code startJiffy}, the previous pass having ended at {@code lastEndNs} with NET_RX_SOFTIRQ raised
     * again: it restarts while {@code time_before(jiffies, end) && !need_resched() && --max_restart}
     * ({@code end = jiffies + MAX_SOFTIRQ_TIME} at the start, {@code max_restart} 10: ten passes at most), else
     * {@code wakeup_softirqd()} leaves the rest to the CPU's {@code ksoftirqd}, which runs until nothing is pending.
     * {@code need_resched()} is taken as false (the engine runs no tasks that would preempt).
     */
    private boolean softirqRestarts(final int pass, final long startJiffy, final long lastEndNs) {
        return pass <= MAX_SOFTIRQ_RESTART && lastEndNs / jiffyNs < startJiffy + softirqJiffies;
    }

    /**
     * {@link #onNapi}: a poll of the RX NAPI without threaded NAPI, starting at {@code pollStart}, is a pass of the
     * softirq run its hard IRQ started ({@link #scheduleNapi}) or, after a full poll, of a restart; once
     * {@code handle_softirqs} handed the run to {@code ksoftirqd} ({@link #softirqRestarts}), every poll until the
     * NAPI completes runs there.
     *
     * @return whether {@code ksoftirqd} runs this poll
     */
    private boolean rxSoftirqPass(final long pollStart) {
        final int c = rxCpu;
        if (rxSoftirqNew[c]) {
            rxSoftirqNew[c] = false;
            rxPasses[c] = 1;
            rxSoftirqJiffy[c] = pollStart / jiffyNs;
            rxKsoftirqd[c] = false;
        } else if (!rxKsoftirqd[c] && !softirqRestarts(++rxPasses[c], rxSoftirqJiffy[c], rxPassEndNs[c])) {
            rxKsoftirqd[c] = true;
            ksoftirqdWake(c, rxPassEndNs[c], rxPasses[c] - 1, activeQueue);
        }
        return rxKsoftirqd[c];
    }

    /** {@code ksoftirqd/c} takes CPU {@code c}'s softirq over at {@code atNs}, after {@code passes} passes. */
    private void ksoftirqdWake(final int c, final long atNs, final int passes, final int queue) {
        if (trace.enabled()) {
            trace.publish(atNs, traceComponent, kKsoftirqdWake, TraceEvent.NO_PACKET, c, passes, queue, 0L);
        }
    }

    /** {@code MAX_SOFTIRQ_RESTART} (kernel/softirq.c, 6.18): passes of one {@code handle_softirqs} run. */
    private static final int MAX_SOFTIRQ_RESTART = 10;
    /** {@code MAX_SOFTIRQ_TIME}, {@code msecs_to_jiffies(2)} (kernel/softirq.c, 6.18), in microseconds. */
    private static final long MAX_SOFTIRQ_TIME_US = 2000L;

    /**
     * {@code process_backlog}'s quota, {@code dev_rx_weight}: {@code weight_p} (64) times {@code dev_weight_rx_bias}
     * (1), net/core/dev.c, 6.18.
     */
    private static final int BACKLOG_WEIGHT = 64;

    /**
     * Whether {@code net_rx_action} polls the RX NAPI ({@link #napiContext} softirq): only then do its polls count
     * {@code time_squeeze} and pass through {@code handle_softirqs}' restarts; a threaded NAPI's kthread
     * ({@code napi_threaded_poll_loop}, net/core/dev.c, 6.18) has no budget of its own and counts none.
     */
    private boolean napiInSoftirq() {
        return napiContext == CpuSet.CTX_SOFTIRQ;
    }

    /**
     * Whether a {@code net_rx_action} run (net/core/dev.c, 6.18) that started at {@code fromNs} is past its time
     * limit at {@code atNs}: {@code time_after_eq(jiffies, time_limit)}, the limit
     * {@code jiffies + usecs_to_jiffies(netdev_budget_usecs)} at the run's start (two jiffies by default). Jiffies
     * tick at multiples of {@code 1 s / HZ} from time 0.
     */
    private boolean budgetTimeSpent(final long fromNs, final long atNs) {
        return atNs / jiffyNs >= fromNs / jiffyNs + budgetJiffies;
    }

    /** A {@code time_squeeze} of a backlog's run at {@code atNs}, {@code left} packets still in the backlog. */
    private void timeSqueeze(final int c, final long atNs, final int left) {
        softnetSqueeze[c]++;
        if (trace.enabled()) {
            trace.publish(atNs, traceComponent, kTimeSqueeze, TraceEvent.NO_PACKET, c, left, -1, 0L);
        }
    }

    /**
     * CPU {@code target}'s backlog brought up to {@code atNs}: {@code process_backlog} (net/core/dev.c, 6.18) takes
     * packets from {@code process_queue} and, when that is empty, moves the whole {@code input_pkt_queue} into it
     * ({@code skb_queue_splice_tail_init}); only {@code input_pkt_queue} counts against {@code netdev_max_backlog}.
     * Solved on the entries' times: the packets done by {@code atNs} leave; a drained {@code process_queue} took,
     * when it drained, every packet queued by then, or, when none was (the backlog NAPI completed), the next one's
     * packets queued by the time its CPU took that one up (the NAPI scheduled again and polled).
     */
    private void backlogAdvance(final int target, final long atNs) {
        final long[] b = backlogTimes[target];
        final int mask = backlogMask[target];
        int head = backlogHead[target];
        int count = backlogCount[target];
        int spliced = backlogSpliced[target];
        while (spliced > 0 && b[head * BACKLOG_STRIDE + BL_END] <= atNs) {
            head = (head + 1) & mask;
            count--;
            spliced--;
        }
        // an empty backlog starts again at the ring's first entries, which stay in the cache
        backlogHead[target] = count == 0 ? 0 : head;
        backlogCount[target] = count;
        backlogSpliced[target] = spliced;
        if (spliced == 0 && count > 0) {
            backlogSplice(target, atNs);
        }
    }

    /**
     * {@link #backlogAdvance}: {@code process_queue} drained with packets in {@code input_pkt_queue}: the splices due
     * by {@code atNs}, and the packets they moved that are done by then.
     */
    private void backlogSplice(final int target, final long atNs) {
        final long[] b = backlogTimes[target];
        final int mask = backlogMask[target];
        int head = backlogHead[target];
        int count = backlogCount[target];
        int spliced = 0;
        while (count > 0) {
            final long drained = backlogDrainNs[target];
            final long enqHead = b[head * BACKLOG_STRIDE + BL_ENQ];
            final long splice = enqHead <= drained ? drained : backlogIdleStartNs[target];
            if (splice > atNs) {
                break;
            }
            int n = 1;
            while (n < count && b[((head + n) & mask) * BACKLOG_STRIDE + BL_ENQ] <= splice) {
                n++;
            }
            spliced = n;
            backlogDrainNs[target] = b[((head + n - 1) & mask) * BACKLOG_STRIDE + BL_END];
            while (spliced > 0 && b[head * BACKLOG_STRIDE + BL_END] <= atNs) {
                head = (head + 1) & mask;
                count--;
                spliced--;
            }
            if (spliced > 0) {
                break;
            }
        }
        backlogHead[target] = count == 0 ? 0 : head;
        backlogCount[target] = count;
        backlogSpliced[target] = spliced;
    }

    /**
     * Under DSA, the share of a packet from a DSA port that {@link #buildPath}'s fixed charges (one frame) leave out:
     * the {@code gro_cells} NAPI's poll ({@code gro_cell_poll}, net/core/gro_cells.c, 6.18), once per RX poll that
     * fed this port's cell on this CPU (a simplification: the cell is not a NAPI of its own on the poll list, its
     * batch is the frames one RX poll sent it, flushed when that batch ends), and, for a GRO aggregate of
     * {@code segs} frames, every frame but the first: its backlog dequeue and conduit pass (the conduit's GRO merges
     * nothing, so RPS queues frames, not aggregates), its tagger and its {@code napi_gro_receive} in the cell.
     * Nothing for a packet from a line on its own GMAC (a K2P's {@code wan}).
     */
    private void cellReceive(final int target, final boolean toLan, final int segs) {
        final int line = toLan ? lineOfIfindex[rxDevice] : -1;
        if (line >= 0 && !lineDsa[line]) {
            return;
        }
        final int k = target * (lines + 1) + 1 + line;
        if (cellPolledAt[k] != pollSeq) {
            cellPolledAt[k] = pollSeq;
            cellPolls++;
            charge(CostStage.NAPI_POLL, cNapiPoll);
        }
        if (segs > 1) {
            final int more = segs - 1;
            softnetProcessed[target] += more;
            charge(CostStage.BACKLOG, cBacklog * more);
            charge(CostStage.NETIF_RECEIVE, cNetifReceive * more);
            charge(CostStage.DSA, cDsa * more);
            charge(CostStage.GRO, cGro * more);
        }
    }

    /**
     * A GRO aggregate leaving by a dial's ppp device, which in 6.18 has no GSO, scatter-gather or checksum offload
     * ({@code ppp_setup}, drivers/net/ppp/ppp_generic.c, sets none but lltx): {@code validate_xmit_skb}
     * (net/core/dev.c) cuts it with {@code skb_segment} into {@code segs} linear skbs, each payload copied and
     * checksummed, and each goes on alone below the ppp device ({@link #segmentsBelowPpp}). The path's fixed charges
     * hold those stages once; here the other segments' share and the segmentation itself.
     */
    private void softwareGso(final int h, final int segs, final boolean wanDsa) {
        charge(CostStage.GSO, cGso * segs + cGsoPerByteMilli * store.length(h) * segs / 1000);
        segmentsBelowPpp(segs - 1, wanDsa);
    }

    /**
     * A fraglist GRO aggregate ({@link #groList}) leaving: the first device without {@code NETIF_F_GSO_FRAGLIST}
     * splits it with {@code skb_segment_list} (net/core/skbuff.c; {@code __tcp4_gso_segment_list},
     * net/ipv4/tcp_offload.c, 6.18). The VLAN, macvlan and bridge devices keep {@code NETIF_F_GSO_SOFTWARE}, which
     * holds it in 6.18, and pass it on whole; a ppp device has none (an upload by a PPPoE dial:
     * {@link #segmentsBelowPpp}); a DSA user port has only its conduit's {@code vlan_features} and no qdisc (each
     * segment takes the tagger, eth0's qdisc and the driver); else eth0 splits it after its qdisc and each segment
     * takes only the driver ({@code sch_direct_xmit}, net/sched/sch_generic.c → {@code validate_xmit_skb_list},
     * net/core/dev.c). Where regular GRO's aggregate would have gone out whole by TSO, the fraglist one pays the
     * driver per segment: fraglist GRO saves the copy that software GSO makes, not TSO's single send.
     */
    private void fraglistGso(final int segs, final boolean toLan, final boolean wanDsa) {
        final long more = segs - 1;
        charge(CostStage.GSO_LIST, cGsoList * segs);
        if (!toLan && pppoe) {
            segmentsBelowPpp(more, wanDsa);
        } else {
            if (dsa && (toLan || wanDsa)) {
                charge(CostStage.DSA, cDsa * more);
                charge(CostStage.QDISC, cQdisc * more);
            }
            charge(CostStage.DRIVER_TX, cDriverTx * more);
        }
    }

    /**
     * A GRO aggregate of {@code segs} segments leaving ({@link #forward}, a method of its own to keep the per-packet
     * path short): a fraglist one split ({@link #fraglistGso}), any aggregate by a ppp device cut with a copy
     * ({@link #softwareGso}), a UDP one of {@link #udpGroForwarding} cut at eth0 or a DSA port ({@link #udpGso},
     * which the taps see below the VLAN devices: {@link #tapSplitBelow}, set for every aggregate and read only
     * while {@link #tapSegs} is above 1); traced as {@code gso}. A UDP aggregate is cut at the first device without
     * {@code NETIF_F_GSO_UDP_L4}: a DSA user port (its conduit's {@code vlan_features}, mlx5's included, lack it), or
     * eth0 unless it is an mlx5 NIC ({@link #nicUdpSegmentation}).
     */
    private void aggregateLeaves(final int h, final int f, final int segs, final boolean toLan, final int d,
            final boolean wanDsa, final long readyNs) {
        tapSplitBelow = udpGroForwarding && flowUdp[f] && (!nicUdpSegmentation || dsa && (toLan || wanDsa));
        if (groList) {
            fraglistGso(segs, toLan, wanDsa);
        } else if (!toLan && pppoe) {
            softwareGso(h, segs, wanDsa);
        } else if (tapSplitBelow) {
            udpGso(segs, toLan, wanDsa);
        }
        if (trace.enabled()) {
            traceGso(h, f, segs, toLan, d, wanDsa, readyNs);
        }
    }

    /**
     * A UDP aggregate of {@link #udpGroForwarding} ({@code SKB_GSO_UDP_L4}) leaving by eth0 or a DSA user port (a ppp
     * device cuts it as any aggregate, {@link #softwareGso}): the VLAN, macvlan and bridge devices keep {@code
     * NETIF_F_GSO_SOFTWARE} and pass it on whole; a DSA user port (its conduit's {@code vlan_features}) or eth0 on
     * mtk_eth_soc (no {@code NETIF_F_GSO_UDP_L4}) cuts it with {@code __udp_gso_segment} (net/ipv4/udp_offload.c,
     * 6.18) in {@code validate_xmit_skb}: {@code skb_segment} with scatter-gather and checksum offload, so a head and
     * the headers per segment, no payload copy or checksum (stage {@code gso} per segment, not per byte), and each
     * segment then takes the stages below as {@link #fraglistGso}'s do. (An mlx5 NIC segments UDP itself, as TSO:
     * {@link #aggregateLeaves} does not call this then.)
     */
    private void udpGso(final int segs, final boolean toLan, final boolean wanDsa) {
        final long more = segs - 1;
        charge(CostStage.GSO, cGso * segs);
        if (dsa && (toLan || wanDsa)) {
            charge(CostStage.DSA, cDsa * more);
            charge(CostStage.QDISC, cQdisc * more);
        }
        charge(CostStage.DRIVER_TX, cDriverTx * more);
    }

    /**
     * Traces how an aggregate leaves ({@code gso}): {@code how} 0 whole, by TSO (eth0, which every other device on
     * its way passes it on to); 1 cut by {@code skb_segment} at a ppp device (payloads copied); 2 split by
     * {@code skb_segment_list} (fraglist GRO) at a ppp device, a DSA user port or eth0; {@code ifindex} the device.
     */
    private void traceGso(final int h, final int f, final int segs, final boolean toLan, final int d,
            final boolean wanDsa, final long atNs) {
        final boolean ppp = !toLan && pppoe;
        // a UDP aggregate of udpGroForwarding is cut by skb_segment where a fraglist one is split (tapSplitBelow)
        final int how = groList ? 2 : ppp || tapSplitBelow ? 1 : 0;
        final int ifindex = ppp && how > 0 ? dialPppoe[d].ifindex()
                : how > 0 && dsa && toLan ? lanVlan.ifindex()
                : how > 0 && wanDsa ? lineVlan[lineOf(d)].ifindex() : ETH0_IFINDEX;
        trace.publish(atNs, traceComponent, kGso, h, f, segs, how, ifindex);
    }

    /**
     * The segments of an aggregate a ppp device split, but the first: each goes through {@code ppp_start_xmit}
     * (drivers/net/ppp/ppp_generic.c), {@code pppoe_xmit} (drivers/net/ppp/pppoe.c, 6.18), the dial's macvlan, the
     * line's VLAN device (or DSA user port) and eth0's qdisc and driver.
     */
    private void segmentsBelowPpp(final long more, final boolean wanDsa) {
        charge(CostStage.PPPOE, cPppoe * more);
        if (macvlan) {
            charge(CostStage.MACVLAN, cMacvlan * more);
        }
        if (!dsa) {
            charge(CostStage.VLAN, cVlan * more);
        } else if (wanDsa) {
            charge(CostStage.DSA, cDsa * more);
        }
        charge(CostStage.QDISC, cQdisc * more);
        charge(CostStage.DRIVER_TX, cDriverTx * more);
    }

    /** Under DSA, {@link #PATH_WAN_DSA} when the packet's WAN side (the line it came or goes by) is a DSA port. */
    private int dsaPathBit(final boolean toLan, final int d) {
        return lineDsa[toLan ? lineOfIfindex[rxDevice] : lineOf(Math.max(0, d))] ? PATH_WAN_DSA : 0;
    }

    /** Under DSA, the backlog slots a packet takes: its frames when it is an aggregate from a DSA port, else 1. */
    private int backlogFrames(final int h, final long pkt, final int segs) {
        return segs > 1 && rxFromDsaPort(h, pkt) ? segs : 1;
    }

    /**
     * A packet's backlog slots ({@link #backlogFrames}: its frames under DSA, else 1), queued at {@code enqNs}, taken
     * up at {@code startNs}, all done at {@code doneNs}.
     */
    private void backlogAdd(final int target, final long enqNs, final long startNs, final long doneNs,
            final int frames) {
        final boolean idle = backlogCount[target] == 0;
        if (idle) {
            backlogIdleStartNs[target] = startNs;
        }
        if (backlogCount[target] + frames > backlogMask[target] + 1) {
            growBacklog(target, backlogCount[target] + frames);
        }
        final long[] b = backlogTimes[target];
        final int mask = backlogMask[target];
        for (int i = 0; i < frames; i++) {
            final int at = ((backlogHead[target] + backlogCount[target]) & mask) * BACKLOG_STRIDE;
            b[at + BL_END] = doneNs;
            b[at + BL_ENQ] = enqNs;
            backlogCount[target]++;
        }
        if (idle && startNs == enqNs) {
            // the backlog NAPI, scheduled by this packet, polls at once and splices it (and nothing else: a packet
            // queued later finds it in process_queue), as backlogSplice would find at the next packet
            backlogSpliced[target] = frames;
            backlogDrainNs[target] = doneNs;
        }
    }

    /**
     * CPU {@code target}'s backlog ring doubled until it has {@code slots} slots, its entries moved in order to the
     * start: an allocation while the backlog grows to the model's working size only (a saturated CPU's, about twice
     * {@code netdev_max_backlog}).
     */
    private void growBacklog(final int target, final int slots) {
        final long[] old = backlogTimes[target];
        final int oldSlots = backlogMask[target] + 1;
        int size = oldSlots;
        while (size < slots) {
            size <<= 1;
        }
        final long[] b = new long[size * BACKLOG_STRIDE];
        final int head = backlogHead[target];
        for (int k = 0; k < backlogCount[target]; k++) {
            System.arraycopy(old, ((head + k) & (oldSlots - 1)) * BACKLOG_STRIDE, b, k * BACKLOG_STRIDE,
                    BACKLOG_STRIDE);
        }
        backlogTimes[target] = b;
        backlogMask[target] = size - 1;
        backlogHead[target] = 0;
    }

    /** The slots a backlog ring starts with ({@link #growBacklog}). */
    private static final int BACKLOG_RING_START = 1024;

    /**
     * The per-byte driver cycles of the last frame size {@link #onNapi} (RX) and {@link #forward} (TX, the segments'
     * bytes) charged, kept so that a run of equal frames does not multiply and divide again: the same integers.
     */
    private int rxCostFrame = -1;
    private long rxCostBytes;
    private int txCostBytes = -1;
    private long txCostCycles;

    private static final CostStage[] STAGES = CostStage.values();

    /**
     * {@link #forward}'s paths, {@code (toLan ? PATH_TO_LAN : 0) | (fast ? PATH_FAST : 0) | (new ? PATH_NEW : 0)}
     * (a slow-path packet of a new connection): each has fixed per-packet charges ({@link #buildPath}), so a packet
     * counts once against its path and the stages' cycles are the counts times the path's cycles when the results
     * read them (the same integer sums as charging every stage for every packet).
     */
    private static final int PATHS = 16;
    private static final int PATH_TO_LAN = 1;
    private static final int PATH_FAST = 2;
    private static final int PATH_NEW = 4;
    /** Under DSA: the WAN side's port (the line the packet arrived on or leaves by) is a DSA user port. */
    private static final int PATH_WAN_DSA = 8;
    private final long[][] pathStageCycles = new long[PATHS][STAGES.length];
    private final long[] pathCycles = new long[PATHS];
    private final int[] pathPasses = new int[PATHS];
    /** Packets {@link #forward} charged on each path since the window started. */
    private final long[] pathPackets = new long[PATHS];

    /**
     * A stage's cycles over the window: those charged one by one, plus the fixed charges of {@link #forward}'s
     * paths and of the RX poll's per-frame work ({@link #onNapi}: driver RX and GRO, once per frame).
     */
    private long stageCycles(final CostStage s) {
        long cy = cpu.stageCycles(s);
        for (int path = 0; path < PATHS; path++) {
            cy += pathPackets[path] * pathStageCycles[path][s.ordinal()];
        }
        if (s == CostStage.DRIVER_RX) {
            cy += groPackets * cDriverRx;
        } else if (s == CostStage.GRO) {
            cy += (groPackets - cellGroFrames) * cGro;
        }
        return cy;
    }

    /**
     * Charges cycles of one stage for the packet {@link #forward} is handling: to the stage's total at once, and
     * to the packet's sum ({@link #chargedCycles}), which {@code forward} then runs on its CPU. (The same sums as
     * collecting the stages in an array and adding all of them up, without a pass over every stage per packet.)
     */
    private void charge(final CostStage stage, final long cycles) {
        cpu.stage(stage, cycles);
        chargedCycles += cycles;
    }

    /**
     * {@code mtk_napi_tx}: the TX NAPI frees the descriptors sent since its last run. It runs when the shared
     * frame-engine interrupt schedules the NAPIs, so it is charged (in time order) at each RX poll.
     */
    private void txCompletion(final long now) {
        if (txPending == 0) {
            return;
        }
        final long c = cTxCompletion * txPending;
        txPending = 0;
        cpu.stage(CostStage.TX_COMPLETION, c);
        cpu.exec(txCpu, now, c, napiContext);
    }

    /**
     * Conntrack and NAT on the frame: {@code nf_conntrack_in} at PREROUTING through {@link ConntrackTable#in}
     * (NEW or ESTABLISHED, the table's limit and early drop), the dial's masquerade on the connection's first
     * packet ({@code nf_nat_masquerade_ipv4}/{@code _ipv6}, a port of its own when the tuple clashes), confirmation,
     * and the addresses and ports rewritten by {@link NatMangle} in both directions. A packet on the flowtable fast
     * path (or bound in the PPE) is not tracked again; it is mangled with its connection's NAT. The engine decides
     * only what the endpoints would: a connection whose NAT a redial removed stays broken, and its host's packet
     * brings the server's reset ({@link #serverReset}). False when
     * the packet was dropped ({@link #lastDrop} says why).
     */
    private boolean conntrack(final int h, final int f, final int kind, final boolean toLan, final long now) {
        if (natBroken[f]) {
            if (!toLan && ctRemoved[f] && !resetPending[f]) {
                serverReset(f, now);
            }
            drop(Drop.NAT_BROKEN);
            return false;
        }
        // the flow's own memo slots (2f for its original direction, 2f + 1 for the reply): see ConntrackTable.in
        final int ref = ct.in(store, h, now, 2 * f + (toLan ? 1 : 0));
        if (ref == ConntrackTable.DROP_TABLE_FULL) {
            drop(Drop.CONNTRACK_FULL);
            return false;
        }
        if (ref < 0) {
            drop(Drop.NAT_BROKEN);
            return false;
        }
        final int e = ref >> 1;
        final boolean created = (ct.status(e) & ConntrackTable.IPS_CONFIRMED) == 0;
        lastCtRef = ref;
        lastCtCreated = created;
        if (toLan) {
            if (created || (ref & 1) == 0) {
                // Not a reply of a masqueraded connection: nothing here to deliver it to.
                ct.abort(ref);
                drop(Drop.NAT_BROKEN);
                return false;
            }
        } else if (!conntrackToWan(h, f, kind, ref, created, now)) {
            return false;
        }
        NatMangle.apply(ct, store, h, ref);
        return true;
    }

    /**
     * {@link #conntrack}'s LAN-to-WAN part (apart, so that the common path stays small enough to inline): the dial
     * ({@link #routeLanToWan}) and, for a new connection, its masquerade and confirmation. False when the packet was
     * dropped.
     */
    private boolean conntrackToWan(final int h, final int f, final int kind, final int ref, final boolean created,
            final long now) {
        if (!routeLanToWan(h, f, kind, now, created)) {
            ct.abort(ref);
            return false;
        }
        if (created) {
            final int e = ref >> 1;
            final int d = flowDial[f];
            final int r = ipv6 ? ct.masquerade6(ref, DIAL6_HI + d, 1L, dialIfindex[d])
                    : ct.masquerade(ref, dialAddress[d], dialIfindex[d]);
            if (r < 0) {
                drop(Drop.NAT_BROKEN);
                return false;
            }
            ct.confirm(ref);
            flowNatDial[f] = d;
            flowNatAddr[f] = ct.tupleDst(e, 1);
            flowNatPort[f] = ct.tuplePorts(e, 1) & 0xFFFF;
            templatesChanged(f);
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kConntrackNew, TraceEvent.NO_PACKET, f, d, flowNatPort[f], 0L);
            }
        }
        return true;
    }

    /**
     * The flowtable's ingress hook through {@link FlowTable#forward}: a packet of an offloaded flow that arrives on
     * the flow's input device is NATed, TTL-decremented and given the flow's output device; for LAN-to-WAN that
     * device is the dial (a flow keeps its dial, whatever the balancing would pick per packet). SYNs never take it.
     */
    private boolean flowtableHit(final int h, final int f, final boolean toLan, final long now) {
        if (ft == null || natBroken[f]) {
            return false;
        }
        final int out = ft.forward(store, h, now);
        if (out == FlowTable.MISS) {
            return false;
        }
        if (!toLan) {
            flowDial[f] = dialOfIfindex[out];
        }
        return true;
    }

    /** The LAN-to-WAN decisions of the slow path that pick the dial; false when the packet was dropped. */
    private boolean routeLanToWan(final int h, final int f, final int kind, final long now,
            final boolean created) {
        if (created) {
            if (kind != KIND_SYN && !flowUdp[f]) {
                // conntrack lost the connection (early drop): the server would not know the new mapping.
                breakFlow(f);
                drop(Drop.NAT_BROKEN);
                return false;
            }
            ctState[f] = 1;
            flowDial[f] = chooseDial(h, f, now);
            flowRouteGen[f] = routeGeneration;
            flowRehashed[f] = false;
            flowMisrouted[f] = false;
        } else if (natBroken[f]) {
            drop(Drop.NAT_BROKEN);
            return false;
        } else if (perPacketBalancing) {
            flowDial[f] = chooseDial(h, f, now);
        } else if (ecmpBalancing && !offloaded[f] && (flowRouteGen[f] != routeGeneration || flowRehashed[f])) {
            // fib_select_multipath() picks the route of every packet, while conntrack keeps the connection's NAT.
            // After a route change (a dial down or up: fib_rebalance() moves the hash thresholds of the live
            // nexthops) or a new flow label (sk_rethink_txhash, hashed by policies 0, 2 without inner headers and
            // 3 with its flowlabel field), the route may lead out of another dial than the NAT's.
            flowRouteGen[f] = routeGeneration;
            flowRehashed[f] = false;
            final int routeDial = chooseDial(h, f, now);
            flowRouteDial[f] = routeDial;
            flowMisrouted[f] = routeDial != flowNatDial[f];
        }
        if (flowMisrouted[f] && !offloaded[f]) {
            // Out of another dial with the NAT dial's source address: that dial's access server drops it (its
            // source is not the session's), until the route leads home again (the dial back up, or a later
            // timeout's label).
            if (ftNeigh && now >= offloadHeldUntil[f]) {
                strandedOffload(h, f, now);
            }
            drop(Drop.WRONG_DIAL);
            return false;
        }
        final int d = flowDial[f];
        if (d < 0 || !dialUp[d]) {
            drop(Drop.NO_ROUTE);
            return false;
        }
        return true;
    }

    private int chooseDial(final int h, final int f, final long now) {
        final int d = pickDial(h, f, now);
        if (trace.enabled()) {
            switch (config.balancing().mode()) {
                case ECMP:
                    trace.publish(now, traceComponent, kDialEcmp, TraceEvent.NO_PACKET, f, d, ecmp.lastHash31(),
                            ecmp.nexthopCount());
                    break;
                case MWAN3:
                    trace.publish(now, traceComponent, kDialMwan3, TraceEvent.NO_PACKET, f, d,
                            mwan3.lastStatisticRules(), 0L);
                    break;
                case PER_PACKET:
                    trace.publish(now, traceComponent, kDialRoundRobin, TraceEvent.NO_PACKET, f, d);
                    break;
                default:
                    trace.publish(now, traceComponent, kDialDefault, TraceEvent.NO_PACKET, f, d);
                    break;
            }
        }
        return d;
    }

    /**
     * The dial of a new connection (or of every packet, per-packet round robin) from its packet {@code h}. ECMP:
     * {@code fib_multipath_hash()} / {@code rt6_multipath_hash()} (net/ipv4/route.c, net/ipv6/route.c, 6.18) of
     * the packet; under policy 1 a packet with an L4 {@code skb->hash} (the PPE's, {@link #onNapi}) takes
     * {@code skb->hash >> 1} as it is.
     */
    private int pickDial(final int h, final int f, final long now) {
        switch (config.balancing().mode()) {
            case ECMP: {
                lookup.reset();
                if (ipv6) {
                    lookup.key().setIpv6(HOST6_HI, host6Lo(flowHost[f]), SERVER6_HI,
                            serverIp(flowServer[f]), flowUdp[f] ? FlowKey.PROTO_UDP : FlowKey.PROTO_TCP,
                            flowSport[f], 443, flowLabel[f]);
                } else {
                    lookup.key().setIpv4(hostIp(flowHost[f]), serverIp(flowServer[f]),
                            flowUdp[f] ? FlowKey.PROTO_UDP : FlowKey.PROTO_TCP, flowSport[f], 443);
                }
                if (store.hashType(h) == PacketStore.HASH_L4) {
                    lookup.skbHash(store.hash(h), true);
                }
                return ecmp.selectNexthop(lookup);
            }
            case MWAN3:
                return mwan3.choose(hostIp(flowHost[f]), now);
            case PER_PACKET: {
                int tries = 0;
                do {
                    roundRobin = (roundRobin + 1) % dials;
                } while (!dialUp[roundRobin] && ++tries < dials);
                return roundRobin;
            }
            default:
                return 0;
        }
    }

    private void slowPath(final int h, final int f, final int kind, final boolean toLan, final int d, final long now) {
        final boolean isNew = kind == KIND_SYN;
        if (mwan3Cost != null) {
            chargeMwan3(toLan, d, isNew);
        }
        if (isNew) {
            // an established packet's firewall rules are part of its path's fixed charges (buildPath)
            charge(CostStage.NF_RULE, cNfRule * firewall.rulesPerPacket(true, Math.max(0, d) + 1));
        }
        if (toLan && ctState[f] == 1) {
            ctState[f] = 2;
        }
        // The forward chain's "flow add @ft" (nft_flow_offload_eval) on the connection, not on its first packet
        // (unconfirmed until POSTROUTING): TCP established and assured without FIN/RST, UDP confirmed.
        if (ft != null && !offloaded[f] && !lastCtCreated && now >= offloadHeldUntil[f]) {
            offloadEval(h, f, toLan, d, now);
        }
    }

    /** {@link #slowPath}'s mwan3 charges: the policy routing rules and the mangle rules of the packet. */
    private void chargeMwan3(final boolean toLan, final int d, final boolean isNew) {
        charge(CostStage.FIB_RULE, cFibRule
                * (toLan ? mwan3Cost.fibRuleChecksArrivingOn(d + 1) : mwan3Cost.fibRuleChecks(d + 1)));
        final int rules = isNew ? mwan3Cost.newConnectionRules(1, mwan3.lastStatisticRules(), false)
                : mwan3Cost.establishedRules() + Mwan3RuleCost.CONNMARK_OPERATIONS;
        charge(CostStage.NF_RULE, cNfRule * rules);
    }

    /**
     * The forward chain's {@code flow add @ft} for a host's packet routed out of another dial than its NAT's:
     * {@code nft_flow_route()} takes this packet's route for its direction (the other direction's is looked up on
     * the device it came in on, the LAN), so the flow's upload direction leaves by that dial too, whose access
     * server drops it ({@link #forward}), until a route change tears the flow down.
     */
    private void strandedOffload(final int h, final int f, final long now) {
        if (ft.offloadEval(store, h, lastCtRef, dialIfindex[flowRouteDial[f]], pathMtu, LAN_MTU, now)) {
            offloaded[f] = true;
            flowCtEntry[f] = lastCtRef >> 1;
            ftOffloaded++;
            fastMisrouted[f] = true;
            fastMisroutedAny = true;
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kFlowOffload, TraceEvent.NO_PACKET, f, 0);
            }
        }
    }

    /** {@link #slowPath}'s {@code flow add @ft} for a flow not offloaded yet, past its connection's first packet. */
    private void offloadEval(final int h, final int f, final boolean toLan, final int d, final long now) {
        if (ft.offloadEval(store, h, lastCtRef,
                toLan ? lanVlan.ifindex() : dialIfindex[d], toLan ? LAN_MTU : pathMtu, toLan ? pathMtu : LAN_MTU,
                now)) {
            offloaded[f] = true;
            flowCtEntry[f] = lastCtRef >> 1;
            ftOffloaded++;
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kFlowOffload, TraceEvent.NO_PACKET, f, toLan ? 1 : 0);
            }
        }
    }

    /**
     * {@code mtk_poll_rx} saw {@code HIT_UNBIND_RATE_REACHED} in a descriptor and calls {@code mtk_ppe_check_skb}
     * (drivers/net/ethernet/mediatek/mtk_eth_soc.c, mtk_ppe.h, 6.18): {@link PpeFlowTable#checkSkb} binds the
     * direction if the flowtable offloaded it (at most one check per hash every HZ/10). Its CPU cost is not
     * charged (a hash-list walk under a spinlock, a few times per flow).
     */
    private void ppeCheck(final int foe, final int f, final long pkt, final long now) {
        if (ppe.checkSkb(foe, now) && trace.enabled()) {
            trace.publish(now, traceComponent, kPpeBind, TraceEvent.NO_PACKET, f, toLan(pkt) ? 1 : 0);
        }
    }

    /** The PPE's ageing ({@link PpeFlowTable#age}), once per {@link #PPE_AGE_SCAN_NS}. */
    private void onPpeAge(final int target, final long arg, final long now) {
        ppe.age(now);
        if (now + PPE_AGE_SCAN_NS < totalNs) {
            loop.schedule(now + PPE_AGE_SCAN_NS, kPpeAge, 0, 0L);
        }
    }

    /**
     * OpenWrt's {@code mtu_fix} on the WAN zone: {@code TCPMSS --clamp-mss-to-pmtu} on SYNs in both directions
     * ({@code tcpmss_mangle_packet}, net/netfilter/xt_TCPMSS.c, 6.18), on the frame's bytes through
     * {@link MssClamp}. The MSS the LAN host's SYN leaves with is the connection's MSS (the server sends no
     * larger segments; the host learns the clamped value from the SYN-ACK). False when the rule drops the packet.
     */
    private boolean clampMss(final int h, final int f, final boolean toLan) {
        final MssClampCounter r = mssClamp.clampToPmtu(store, h, toLan ? LAN_MTU : pathMtu, toLan ? pathMtu : LAN_MTU);
        if (r == MssClampCounter.DROPPED) {
            return false;
        }
        if (!toLan) {
            final int mss = tcpView.wrap(store.buffer(), store.transportHeaderOffset(h)).mssOption();
            if (mss > 0) {
                flowMss[f] = mss;
                flowPayload[f] = mss - TCP_TIMESTAMP_OPTION;
                templatesChanged(f);
            }
            if (r == MssClampCounter.CLAMPED) {
                mssClamped++;
            }
        }
        return true;
    }

    /**
     * Segment {@code i} of a GRO packet, made from a copy of the head: a TCP sequence number moves on by i payloads
     * (checksum updated); a fraglist segment also gets its own IP header fields ({@link #fraglistSegmentHeaders}).
     */
    private void advanceSegment(final int h, final int i) {
        final long pkt = store.aux(h);
        store.aux(h, pkt + ((long) i << 24));
        if (groList) {
            fraglistSegmentHeaders(store.buffer(), store.networkHeaderOffset(h), i);
        }
        if (flowUdp[flowOf(pkt)]) {
            if (!groList) {
                // __udp_gso_segment: every datagram the head's headers, inet_gso_segment numbering the IPv4 IDs
                udpGsoSegmentHeaders(store.buffer(), store.networkHeaderOffset(h), i);
            }
            // the engine's datagrams of a flow differ in nothing else (their UDP lengths are equal)
            return;
        }
        tcpView.wrap(store.buffer(), store.transportHeaderOffset(h));
        final int old = tcpView.seq();
        final int now = old + i * flowPayload[flowOf(pkt)];
        tcpView.seq(now).checksum(io.pktsim.core.header.InetChecksum.replace32(tcpView.checksum(), old, now));
    }

    /**
     * Segment {@code i} (from 1) of a fraglist aggregate as {@code skb_segment_list} gives it back, written over a
     * copy of the forwarded head whose IP header is at {@code l3}: {@code skb_segment_list} (net/core/skbuff.c,
     * 6.18) copies only the head's MAC header into a chained skb, which keeps its own IP header, so
     * {@code ip_forward}'s TTL (hop limit) decrement, done on the head alone, never reaches it: its TTL is one more
     * than the head's. NAT's rewrite of addresses and ports does reach it ({@code __tcpv4_gso_segment_list_csum},
     * {@code __udpv4_gso_segment_list_csum} and their IPv6 twins copy the head's), and {@code inet_gso_segment}
     * (net/ipv4/af_inet.c) numbers the IPv4 IDs from the head's ({@code iph->id = htons(id++)}: a fraglist aggregate
     * has no {@code SKB_GSO_TCP_FIXEDID}) and recomputes the header checksum. The live kernel does exactly this
     * ({@code RouterFraglistLiveKernelTest}): 8 datagrams with TTL 64 and ID 0 leave as TTL 63, 64, 64, ... with
     * IDs 0 to 7.
     */
    static void fraglistSegmentHeaders(final MutableDirectBuffer b, final int l3, final int i) {
        segmentIpHeader(b, l3, i, 1);
    }

    /**
     * Datagram {@code i} (from 1) of a UDP aggregate of {@link #udpGroForwarding} as {@code __udp_gso_segment}
     * (net/ipv4/udp_offload.c, 6.18) cuts it, written over a copy of the forwarded head whose IP header is at
     * {@code l3}: {@code skb_segment} copies the head's headers, so the TTL (hop limit) is the head's, decremented
     * once; {@code inet_gso_segment} numbers the IPv4 IDs from the head's (UDP GSO has no fixed-ID flag: a flow sent
     * with one fixed ID leaves with IDs counting up, as the live kernel does, {@code GroUdpForwardingLiveKernelTest})
     * and recomputes the header checksum.
     */
    static void udpGsoSegmentHeaders(final MutableDirectBuffer b, final int l3, final int i) {
        segmentIpHeader(b, l3, i, 0);
    }

    /** The IPv4 ID plus {@code i} and the TTL (hop limit) plus {@code ttlUp}, the header checksum recomputed. */
    private static void segmentIpHeader(final MutableDirectBuffer b, final int l3, final int i, final int ttlUp) {
        if ((b.getByte(l3) & 0xF0) == 0x40) {
            final int id = (b.getShort(l3 + 4, ByteOrder.BIG_ENDIAN) + i) & 0xFFFF;
            b.putShort(l3 + 4, (short) id, ByteOrder.BIG_ENDIAN);
            b.putByte(l3 + 8, (byte) ((b.getByte(l3 + 8) & 0xFF) + ttlUp));
            final int ihl = (b.getByte(l3) & 0x0F) * 4;
            b.putShort(l3 + 10, (short) 0);
            b.putShort(l3 + 10, (short) InetChecksum.finish(InetChecksum.sum(b, l3, ihl, 0L)), ByteOrder.BIG_ENDIAN);
        } else {
            b.putByte(l3 + Ipv6View.HOP_LIMIT_OFFSET,
                    (byte) ((b.getByte(l3 + Ipv6View.HOP_LIMIT_OFFSET) & 0xFF) + ttlUp));
        }
    }

    /**
     * The frame's way through the router's devices, on the bytes: the ingress VLAN device pops the tag
     * ({@code vlan_do_receive}), a WAN frame then passes the line's macvlan port ({@code macvlan_handle_frame}) and
     * the PPPoE session ({@code pppoe_rcv}) or {@code eth_type_trans}; {@code ip_forward} decrements the TTL; the
     * egress side pushes PPPoE ({@code pppoe_xmit}) or an Ethernet header (neighbour output), hands the frame
     * through the dial's macvlan and tags it with the line's VLAN, or, to the LAN, an Ethernet header to the host
     * and the LAN tag. False when a device refused the frame (it was freed). Each device the frame reaches is
     * shown to the frame tap at {@code tapNs} (negative: the kernel does not see the frame, the PPE forwards it).
     */
    private boolean receiveDevices(final int h, final int f, final boolean toLan, final long tapNs) {
        // __netif_receive_skb_core(): eth0's taps, then the tag (in the skb's metadata since skb_vlan_untag or the
        // driver's RX VLAN offload; libpcap puts it back from the packet's auxdata) finds the VLAN device
        if (dsa) {
            tapConduit(tapNs, h, false);
        } else {
            tapIn(ETH0_IFINDEX, tapNs, h);
        }
        int dev = vlans.receive(store, h);
        if (dev == RxHandler.CONSUMED) {
            return false;
        }
        rxDevice = dev;
        tapIn(dev, tapNs, h);
        if (!toLan && bridge) {
            // the port's rx_handler (br_handle_frame) hands the frame up to br-lan: br_pass_frame_up
            tapIn(brLanIfindex, tapNs, h);
        }
        if (toLan) {
            if (macvlan) {
                // the macvlan port of the VLAN the frame came in on (its rx_handler), whichever dial the flow uses now
                dev = linePort[lineOfIfindex[dev]].handleFrame(store, h);
                if (dev == RxHandler.CONSUMED) {
                    return false;
                }
                tapIn(dev, tapNs, h);
            }
            if (pppoe) {
                final int ppp = sessions.receive(store, h, dev);
                if (ppp == RxHandler.CONSUMED) {
                    return false;
                }
                // the ppp device's taps come with its own pass, after netif_rx (forward): not for a frame the
                // flowtable takes below it
                rxPppIfindex = ppp;
                rxPppTapNs = tapNs;
            } else {
                ethTypeTrans(h);
            }
        } else {
            ethTypeTrans(h);
        }
        return true;
    }

    /**
     * The egress half of {@link #receiveDevices}'s walk. False when a device refused the frame (freed). Each device
     * is shown the frame as it is handed to it, at {@code tapNs} (negative: not seen, the PPE forwards it).
     */
    private boolean transmitDevices(final int h, final int f, final boolean toLan, final long tapNs) {
        final int d = flowDial[f];
        if (toLan) {
            pushEthernet(h, ETH0_MAC, HOST_MAC_BASE + flowHost[f]);
            if (bridge) {
                // br_dev_xmit, then br_forward to the port
                tapOut(brLanIfindex, tapNs, h);
            }
            if (splitsBelow && dsa) {
                tapsSplitFraglist();
            }
            tapOut(lanVlan.ifindex(), tapNs, h);
            return lanVlan.transmit(store, h) || freed(h);
        }
        if (pppoe) {
            // no TSO on a ppp device: GSO cuts an aggregate before its taps; it and the devices below see segments
            tapOutSegment = -1;
            tapOut(dialPppoe[d].ifindex(), tapNs, h);
            if (!dialPppoe[d].transmit(store, h)) {
                return freed(h);
            }
        } else {
            pushEthernet(h, dialMac(d), BRAS_MAC_BASE + lineOf(d));
        }
        if (macvlan) {
            tapOut(dialMacvlan[d].ifindex(), tapNs, h);
            if (!dialMacvlan[d].transmit(store, h)) {
                return freed(h);
            }
        }
        if (splitsBelow && lineDsa[lineOf(d)]) {
            tapsSplitFraglist();
        }
        tapOut(lineVlan[lineOf(d)].ifindex(), tapNs, h);
        return lineVlan[lineOf(d)].transmit(store, h) || freed(h);
    }

    /**
     * The packet {@link #forward} is handling, as the taps see it: 1 for a packet that went through GRO alone (or not
     * at all), else the segments of a GRO aggregate ({@link #groComplete}), with {@link #tapIpLength} and
     * {@link #tapPshFin}.
     */
    private int tapSegs = 1;
    /** The aggregate's length from its IP header ({@code inet_gro_complete}'s {@code tot_len}), in bytes. */
    private int tapIpLength;
    /** FIN and PSH of the aggregate's later segments ({@code tcp_gro_receive}). */
    private int tapPshFin;
    /**
     * While {@link #forward} sends the segments of an aggregate: the segment being sent. A device with TSO (eth0,
     * its VLAN devices, a macvlan: {@code validate_xmit_skb} leaves the aggregate whole) shows the aggregate with
     * segment 0 and nothing with the others. -1 from a ppp device on (no TSO: {@code validate_xmit_skb} cuts the
     * aggregate before its taps in {@code xmit_one}): each segment is shown.
     */
    private int tapOutSegment;

    /**
     * Under DSA, eth0's (the conduit's) tap: the frame with the MTK tag ({@code mtk_tag_rcv} / {@code mtk_tag_xmit},
     * net/dsa/tag_mtk.c, 6.18) where the engine's bytes carry the 802.1Q tag standing in for it (the same 4 bytes in
     * the same place): received, the source port in the first 16 bits; sent, 0 (untagged) then the port's bit, then
     * 0. A frame of a line on its own GMAC (a K2P's {@code wan}) is not on eth0 at all. The switch ports are the
     * device trees': {@code lan1}..{@code lan4} ports 0..3, the MT7620's {@code wan} port 4.
     */
    private void tapConduit(final long tapNs, final int h, final boolean sent) {
        if (tap == null || tapNs < 0) {
            return;
        }
        final long at = store.storedFrameAddress(h, EthernetView.LENGTH + VLAN_TAG);
        if (at < 0) {
            return;
        }
        final byte[] a = store.buffer().byteArray();
        final long tagAt = at + EthernetView.LENGTH - 2;
        final int saved = FrameBytes.getInt(a, tagAt);
        final int line = (saved & 0x0FFF) - WAN_VID_BASE;
        if (line >= 0 && line < lines && !lineDsa[line]) {
            return;
        }
        final int port = line < 0 ? 0 : line == 0 ? 4 : line;
        FrameBytes.putInt(a, tagAt, sent ? (1 << port) << 16 : port << 16);
        if (sent) {
            tapOut(ETH0_IFINDEX, tapNs, h);
        } else {
            tapIn(ETH0_IFINDEX, tapNs, h);
        }
        FrameBytes.putInt(a, tagAt, saved);
    }

    /**
     * Shows a received frame to the tap as device {@code ifindex} sees it ({@code deliver_skb} to the
     * {@code ptype_all} taps in {@code __netif_receive_skb_core}, after GRO): a GRO aggregate as one packet. Nothing
     * if there is no tap or tapNs < 0.
     */
    private void tapIn(final int ifindex, final long tapNs, final int h) {
        if (tap != null && tapNs >= 0 && ifindex > 0) {
            if (tapSegs > 1) {
                tap.captureAggregate(ifindex, tapNs, store, h, false, tapSegs, tapIpLength, tapPshFin, groList);
            } else {
                tap.capture(ifindex, tapNs, store, h, false);
            }
        }
    }

    /**
     * Shows a frame the device {@code ifindex} sends to the tap ({@code dev_queue_xmit_nit} in
     * {@code xmit_one}, after {@code validate_xmit_skb}'s GSO): a GRO aggregate once, as one packet, on a device
     * with TSO ({@link #tapOutSegment}). Nothing if there is no tap or tapNs < 0.
     */
    private void tapOut(final int ifindex, final long tapNs, final int h) {
        if (tap != null && tapNs >= 0 && ifindex > 0) {
            if (tapSegs == 1 || tapOutSegment < 0) {
                tap.capture(ifindex, tapNs, store, h, true);
            } else if (tapOutSegment == 0) {
                tap.captureAggregate(ifindex, tapNs, store, h, true, tapSegs, tapIpLength, tapPshFin, groList);
            }
        }
    }

    /**
     * A fraglist aggregate ({@link #groList}), or a UDP one of {@link #udpGroForwarding} that is cut below the VLAN
     * devices ({@link #tapSplitBelow}), is split by the first device without {@code NETIF_F_GSO_FRAGLIST} (or
     * {@code NETIF_F_GSO_UDP_L4}): a DSA user port ({@code validate_xmit_skb} on its noqueue path) or eth0 after its
     * qdisc. Both tap each segment ({@code dev_queue_xmit_nit} in {@code xmit_one}, after the split; net/core/dev.c,
     * 6.18), as every device below them does; the VLAN, macvlan and bridge devices above tap the aggregate whole.
     * (A ppp device splits every aggregate: see {@link #transmitDevices}.)
     */
    private void tapsSplitFraglist() {
        if (splitsBelow && tapSegs > 1 && (groList || tapSplitBelow)) {
            tapOutSegment = -1;
        }
    }

    private boolean freed(final int h) {
        store.free(h);
        return false;
    }

    /** {@code eth_type_trans}: the Ethernet header is pulled; the packet starts at its IP header. */
    private void ethTypeTrans(final int h) {
        store.pull(h, EthernetView.LENGTH);
        store.setFlag(h, PacketStore.FLAG_RAW_IP);
    }

    /** {@code neigh_hh_output}: an Ethernet header in front of the IP packet. */
    private void pushEthernet(final int h, final long src, final long dst) {
        // the push and the header's range at one check of the handle (no headroom: written over the frame's start)
        long at = store.pushAddress(h, EthernetView.LENGTH, EthernetView.LENGTH);
        if (at < 0) {
            at = store.frameAddress(h, EthernetView.LENGTH);
        }
        EthernetView.write(store.buffer().byteArray(), at, dst, src,
                ipv6 ? EthernetView.ETHERTYPE_IPV6 : EthernetView.ETHERTYPE_IPV4);
        store.clearFlag(h, PacketStore.FLAG_RAW_IP);
    }

    /** {@code ip_forward}/{@code ip6_forward}: TTL or hop limit minus one (the IPv4 checksum updated). */
    private void decrementTtl(final int h) {
        if (ipv6) {
            // the header's range at one check of the handle, then its hop limit byte
            final long at = store.networkHeaderAddress(h, Ipv6View.LENGTH) + Ipv6View.HOP_LIMIT_OFFSET;
            final byte[] a = store.buffer().byteArray();
            FrameBytes.putByte(a, at, (byte) ((FrameBytes.getByte(a, at) & 0xFF) - 1));
        } else {
            ipv4View.wrap(store.buffer(), store.networkHeaderOffset(h)).decrementTtl();
        }
    }

    private void egress(final int h, final int f, final long readyNs, final boolean hardware, final boolean toLan) {
        if (!transmitDevices(h, f, toLan, hardware ? -1L : readyNs)) {
            drop(Drop.NO_ROUTE);
            return;
        }
        if (!hardware) {
            tapsSplitFraglist();
            if (dsa) {
                tapConduit(readyNs, h, true);
            } else {
                tapOut(ETH0_IFINDEX, readyNs, h);
            }
        }
        if (hardware) {
            // The PPE hands the frame straight back to the GMAC: no qdisc.
            final int length = store.length(h);
            final long out = cpuOut.send(readyNs, cpuPortWireBytes(length));
            if (out < 0) {
                dropFrame(h, Drop.QDISC);
                return;
            }
            toWire(h, out, length);
            return;
        }
        // dev_queue_xmit() when the CPU has finished with the packet: the qdisc of eth0 (the CPU port's GMAC).
        qdiscFlowHash[h] = egressFlowHash;
        if (!eagerQdisc || readyNs > totalNs) {
            schedulePacket(readyNs, kQdisc, h);
        } else if (!windowStarted && readyNs >= warmupNs) {
            holdForWindow(h, readyNs);
        } else {
            qdiscEager(h, readyNs);
        }
    }

    /**
     * The eager qdisc (see {@link #eagerQdisc}): runs the port's completions due by {@code atNs}, then the
     * frame's enqueue at {@code atNs}, now, ahead of the loop's clock.
     */
    private void qdiscEager(final int h, final long atNs) {
        final long was = clockNs;
        while (txDonePending && txDoneAtNs <= atNs) {
            loop.cancel(txDoneEventId);
            txDonePending = false;
            clockNs = txDoneAtNs;
            transmitNext(txDoneAtNs);
        }
        clockNs = atNs;
        qdiscArrive(h, atNs);
        clockNs = was;
    }

    /** A frame for the eager qdisc due in the window before the window has started: held until it starts. */
    private void holdForWindow(final int h, final long atNs) {
        if (warmupHeldCount == warmupHeld.length) {
            warmupHeld = java.util.Arrays.copyOf(warmupHeld, 2 * warmupHeld.length);
            warmupHeldAt = java.util.Arrays.copyOf(warmupHeldAt, 2 * warmupHeldAt.length);
        }
        warmupHeld[warmupHeldCount] = h;
        warmupHeldAt[warmupHeldCount] = atNs;
        warmupHeldCount++;
        pendingPacketEvents++;
    }

    /** The dial a WAN frame leaves by, read from it: its PPPoE session, else its macvlan's MAC, else its VLAN. */
    /** {@link #dialOfFrame} of a frame towards the router: a macvlan dial's MAC is its destination. */
    private int dialOfDownstreamFrame(final int h) {
        if (macvlan && !pppoe) {
            return store.buffer().getInt(store.frameOffset(h) + 2, java.nio.ByteOrder.BIG_ENDIAN)
                    - (int) DIAL_MAC_BASE;
        }
        return dialOfFrame(h);
    }

    private int dialOfFrame(final int h) {
        final int at = store.frameOffset(h);
        if (pppoe) {
            final int sid = store.buffer().getShort(at + EthernetView.LENGTH + VLAN_TAG + 2,
                    java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int x = sid - SESSION_BASE;
            return x >= 0 && x < dials ? x : x % dials;
        }
        if (macvlan) {
            return store.buffer().getInt(at + 8, java.nio.ByteOrder.BIG_ENDIAN) - (int) DIAL_MAC_BASE;
        }
        return VlanDevice.peekVlanId(store, h) - WAN_VID_BASE;
    }

    /** {@code __dev_xmit_skb}: fq_codel enqueue (its drops freed and counted), then the port takes what it can. */
    private void onQdiscEnqueue(final int target, final long arg, final long now) {
        pendingPacketEvents--;
        qdiscArrive((int) arg, now);
    }

    /** A frame enters eth0's qdisc at {@code now}; the port takes the next frame if it is idle. */
    private void qdiscArrive(final int h, final long now) {
        boolean idle = !txDonePending;
        if (txDequeueOwed) {
            txDequeueOwed = false;
            if (now >= txFreeAtNs) {
                // The port fell idle at txFreeAtNs with the qdisc empty: its dequeue then (no frame) comes first.
                transmitNext(txFreeAtNs);
            } else {
                // The port is still sending: something waits now, so the port's completion becomes an event.
                txDonePending = true;
                txDoneAtNs = txFreeAtNs;
                txDoneEventId = loop.schedule(txFreeAtNs, kTxDone, 0, 0L);
                idle = false;
            }
        }
        // fq_codel's own drops are counted by the qdisc (dropCounts() adds them to drops[QDISC]); an idle port
        // dequeues at once (enqueueIdle: both in one pass when the qdisc is empty)
        if (idle) {
            transmitFrom(qdisc.enqueueIdle(h, now, qdiscFlowHash[h]), now);
        } else {
            qdisc.enqueue(h, now, qdiscFlowHash[h]);
        }
    }

    private void onTxDone(final int target, final long arg, final long now) {
        txDonePending = false;
        transmitNext(now);
    }

    /**
     * {@code qdisc_restart}: one frame from fq_codel (CoDel may drop at the head) onto the 2 Gbit/s CPU port; the
     * port is busy until its last bit has left.
     */
    private void transmitNext(final long now) {
        transmitFrom(qdisc.dequeue(now), now);
    }

    /** {@link #transmitNext} with the qdisc's first dequeue done: its frame {@code first} (or none). */
    private void transmitFrom(final int first, final long now) {
        int h = first;
        while (true) {
            if (h == PacketStore.NO_PACKET) {
                return;
            }
            // The port may still be busy with frames the PPE sent: they share the wire, not the qdisc.
            final int length = store.length(h);
            final long out = cpuOut.send(now, cpuPortWireBytes(length));
            if (out < 0) {
                dropFrame(h, Drop.QDISC);
                h = qdisc.dequeue(now);
                continue;
            }
            txFreeAtNs = out;
            if (qdisc.qlen() > 0) {
                txDonePending = true;
                txDoneAtNs = out;
                txDoneEventId = loop.schedule(out, kTxDone, 0, 0L);
            } else {
                txDequeueOwed = true;
            }
            toWire(h, out, length);
            return;
        }
    }

    /** From the CPU port (last bit out at {@code out}) through the switch to the LAN port or the WAN line. */
    private void toWire(final int h, final long out, final int length) {
        final long pkt = store.aux(h);
        final int f = flowOf(pkt);
        final boolean toLan = toLan(pkt);
        (toLan ? latencyDown : latencyUp).recordValue(Math.max(0L, out - store.arrivalNs(h)));
        final int edgeBytes = Math.max(64, length) + 20;
        if (toLan) {
            final long dep = lanDown.send(out + SWITCH_LATENCY_NS, edgeBytes);
            if (dep < 0) {
                dropFrame(h, Drop.LAN_DOWN);
                return;
            }
            if (flowUdp[f] && kindOf(pkt) == KIND_DATA && deliverableNow(dep)) {
                // A UDP datagram to a LAN host: its arrival only adds to the counters (the host does not
                // answer), so it is counted now, in the window of its arrival time, instead of by an event.
                delivered++;
                store.free(h);
                account(f, flowPayload[f], true);
                return;
            }
            // The endpoint reads only the packet word: the frame's slot is free once it has left the port.
            store.free(h);
            scheduleDelivery(dep, kHost, pkt);
        } else {
            final int d = dialOfFrame(h);
            flowLastDial[f] = d;
            final long dep = lineUp[lineOf(d)].send(out + SWITCH_LATENCY_NS, edgeBytes);
            if (dep < 0) {
                dropFrame(h, Drop.SWITCH_LINE_UP);
                return;
            }
            long at = dep;
            if (shaperUp[d] != null) {
                at = shaperUp[d].send(dep, edgeBytes);
                if (at < 0) {
                    dropFrame(h, Drop.SHAPER_UP);
                    return;
                }
            }
            store.free(h);
            scheduleDelivery(at + halfRttNs, kServer, pkt);
        }
    }

    /**
     * Whether a delivery at {@code atNs} can be counted now: it falls in the window the counters now count
     * (before the warm-up's end while that has not come, or after it once it has) and not after the run's end.
     *
     * @param atNs the delivery time, ns
     * @return true if counting it now gives the counters it would have at every time the results read them
     */
    private boolean deliverableNow(final long atNs) {
        return (windowStarted || atNs < warmupNs) && atNs <= totalNs;
    }

    private void onRedial(final int dial, final long up, final long now) {
        // the dial's PPPoE session changes: the templates' checks (templateValid) are made again
        for (int t = 0; t < flowCount * TEMPLATES_PER_FLOW; t++) {
            tmplValidDial[t] = UNCHECKED;
        }
        if (up == 0L) {
            dialUp[dial] = false;
            if (route instanceof Ipv4MultipathRoute) {
                ((Ipv4MultipathRoute) route).deviceDown(dial);
            } else if (route instanceof Ipv6MultipathRoute) {
                ((Ipv6MultipathRoute) route).deviceDown(dial);
            }
            if (mwan3 != null) {
                mwan3.setOnline(dial, false);
            }
            // The PPPoE session ends and the dial goes down: conntrack removes the connections masqueraded
            // through it (masq_device_event) and the flowtable its flows, as device events.
            if (pppoe) {
                sessions.remove(dialPppoe[dial]);
            }
            devices.down(dialIfindex[dial], now);
            for (int f = 0; f < spareNext; f++) {
                if (flowDial[f] == dial && ctState[f] != 0 && !natBroken[f] && closedBy[f] == OPEN) {
                    lostNat(f);
                }
            }
        } else {
            // pppd reconnects: a new session id and a new address (a plain dial gets a new DHCP lease).
            redials++;
            final int address = DIAL_ADDRESS_BASE + dials * redials + dial;
            if (pppoe) {
                devices.redial(dialPppoe[dial], SESSION_BASE + dials * redials + dial, address, now);
                sessions.add(dialPppoe[dial]);
            } else {
                devices.ipv4Address(dialIfindex[dial], address, now);
                devices.up(dialIfindex[dial], now);
            }
            dialAddress[dial] = address;
            dialUp[dial] = true;
            if (route instanceof Ipv4MultipathRoute) {
                ((Ipv4MultipathRoute) route).deviceUp(dial, true);
            } else if (route instanceof Ipv6MultipathRoute) {
                ((Ipv6MultipathRoute) route).deviceUp(dial, true);
            }
            if (mwan3 != null) {
                mwan3.setOnline(dial, true);
            }
        }
        routeGeneration++;
        if (ftNeigh) {
            // The route change made every cached route stale: nf_flow_dst_check() tears the flowtable's flows down
            // at their next packet, which takes the classic path and its route of now. IPS_OFFLOAD stays set until
            // the garbage collector removes the flow at its next run (once a second from the flowtable's start),
            // so the connection is not offloaded again before (its flows through the dial are gone already).
            ftStaleTeardowns += ft.teardownStaleRoutes(now);
            final long gc = (now / FT_GC_PERIOD_NS + 1) * FT_GC_PERIOD_NS;
            for (int f = 0; f < spareNext; f++) {
                if (offloaded[f]) {
                    offloaded[f] = false;
                    offloadHeldUntil[f] = gc;
                }
                fastMisrouted[f] = false;
            }
            fastMisroutedAny = false;
        }
        // Flows offloaded through the dial lose their flowtable entry (device down cleanup).
        for (int f = 0; f < flowCount; f++) {
            if (flowDial[f] == dial && offloaded[f]) {
                offloaded[f] = false;
            }
        }
    }

    private void breakFlow(final int f) {
        natBroken[f] = true;
        ctState[f] = 3;
        if (offloaded[f]) {
            offloaded[f] = false;
        }
        // nothing of this connection gets through any more: its application's idle timer watches it
        armAppTimer(f);
    }

    /**
     * A redial's masquerade cleanup ({@code masq_device_event}, {@code nf_nat_masquerade}) removed the flow's
     * conntrack entry. A connection the host has not finished opening (its SYN sent again) and a UDP upload's next
     * datagram are new connections to conntrack: they take the route of that time and its dial's masquerade. An
     * established TCP connection is broken: the server's packets go to an address that is gone, and the host's
     * next packet is picked up again ({@code nf_conntrack_tcp_loose}), masqueraded to a live dial's address, and
     * answered by the server with a reset ({@link #serverReset}). A UDP download's server sends to the old address.
     */
    private void lostNat(final int f) {
        if (flowUdp[f] ? !flowDownload[f] : !established[f]) {
            // no conntrack entry: the next packet from the host creates one and takes a dial (routeLanToWan);
            // until then the flow keeps its old dial, which frames still on their way were sent through
            ctState[f] = 0;
            flowMisrouted[f] = false;
            if (!flowUdp[f]) {
                // the request socket of the SYN's first address: its SYN-ACKs go to an address that is gone
                serverRequest[f] = false;
            }
            return;
        }
        ctRemoved[f] = !flowUdp[f];
        breakFlow(f);
    }

    /**
     * The server's reset of a connection whose conntrack entry a redial removed, on its way back to the host: the
     * host's packet went out of a live dial with that dial's address, to which the server has no socket
     * ({@code tcp_v4_send_reset} / {@code tcp_v6_send_reset}); its reset comes back the same way. The host gets it
     * a round trip later ({@link #onApp}). The packet and the reset are not simulated as frames.
     */
    private void serverReset(final int f, final long now) {
        resetPending[f] = true;
        loop.schedule(now + 2 * halfRttNs + 2 * SWITCH_LATENCY_NS, kApp, f, APP_RESET);
    }

    /** The flowtable's garbage collector's period ({@code nf_flow_offload_work_gc}: {@code HZ}, a second). */
    private static final long FT_GC_PERIOD_NS = 1_000_000_000L;
    private static final long APP_RESET = 0L;
    private static final long APP_IDLE = 1L;
    private static final long APP_CONNECT = 2L;
    /** A p2p application's next try to a peer after its wait ({@link #retry}). */
    private static final long APP_RETRY = 3L;
    private static final byte OPEN = 0;
    private static final byte CLOSED_RESET = 1;
    private static final byte CLOSED_IDLE = 2;
    /** The kernel gave up ({@code ETIMEDOUT}): a connect after its SYNs, or an upload after its timeouts. */
    private static final byte CLOSED_TIMEDOUT = 3;
    /** The application's own connect timeout ended it while still opening ({@code SYN_SENT}). */
    private static final byte CLOSED_CONNECT = 4;
    /** The results' {@code closedBy} of each way a connection ended, by {@link #closedBy} (none while open). */
    private static final String[] CLOSED_NAMES = {null, "reset", "idle_timeout", "etimedout", "connect_timeout"};
    /** {@link #rtoBackoff}'s cap: {@link HandshakeTimers#backoffNs} reaches {@code TCP_RTO_MAX} well before. */
    private static final int RTO_BACKOFF_MAX = 30;

    /**
     * Arms the application's idle timer of a TCP connection: at its start, and again whenever it may be stalled
     * (an RTO expired, the connection lost its NAT) or the timer found progress. It expires
     * {@link #flowIdleTimeoutNs} after the application last saw progress. Not armed when the application has no
     * timeout, when it is armed already, or when it would expire after the run (so a run shorter than the timeout
     * has no such event).
     */
    private void armAppTimer(final int f) {
        final long timeout = flowIdleTimeoutNs[f];
        if (timeout <= 0 || appTimerPending[f] || closedBy[f] != OPEN || flowUdp[f]) {
            return;
        }
        // idle for longer already (no progress since before the timer was armed): it expires now
        final long due = Math.max(appProgressNs[f] + timeout, loop.nowNs());
        if (due > totalNs) {
            return;
        }
        appTimerPending[f] = true;
        loop.schedule(due, kApp, f, APP_IDLE);
    }

    /**
     * The host's application: a reset ends the connection at once (ECONNRESET); the idle timer ends it when
     * nothing came for the application's timeout (aria2's {@code --timeout}, libtorrent's {@code peer_timeout},
     * Firefox's {@code network.http.response.timeout}), and watches again when something did; the connect timer
     * ends it when it is still opening ({@code SYN_SENT}) at the application's connect timeout (aria2's
     * {@code --connect-timeout}, libtorrent's {@code peer_connect_timeout}, Firefox's
     * {@code network.http.connection-timeout}): the application closes the socket ({@code tcp_close()} of a
     * {@code SYN_SENT} socket frees its port and sends nothing); a p2p application's connect timer fires at the
     * {@code second_tick()} after it ({@link #connectTimeoutDueNs}). Each way the application opens a new
     * connection to the same server, at once or after a p2p application's wait, or gives up ({@link #retry};
     * {@link #APP_RETRY}: the wait is over). An idle timer that expires while the connection is still opening
     * ends nothing (the applications apply their idle timeout to a connected socket only, and the connect timeout,
     * or the kernel's, to one opening): it runs again from the handshake's end ({@link #idleFromEstablished}).
     */
    private void onApp(final int f, final long which, final long now) {
        if (which == APP_RETRY) {
            reconnectsWaiting--;
            reconnect(f, now);
            return;
        }
        if (closedBy[f] != OPEN) {
            return;
        }
        if (which == APP_RESET) {
            tcpResets++;
            closeFlow(f, CLOSED_RESET, now);
        } else if (which == APP_CONNECT) {
            if (established[f] || connectFailed[f]) {
                return;
            }
            appConnectTimeouts++;
            if (trace.enabled()) {
                trace.publish(now, traceComponent, kAppConnectTimeout, TraceEvent.NO_PACKET, f,
                        connectTimeoutNs(f) / 1_000_000L, synTimeouts[f], 0L);
            }
            closeFlow(f, CLOSED_CONNECT, now);
        } else {
            appTimerPending[f] = false;
            if (now < appProgressNs[f] + flowIdleTimeoutNs[f]) {
                armAppTimer(f);
                return;
            }
            if (!established[f]) {
                appIdleDeferred[f] = true;
                return;
            }
            appTimeouts++;
            closeFlow(f, CLOSED_IDLE, now);
        }
        retry(f, now);
    }

    /**
     * The handshake's end: an idle timer that expired while the connection was still opening
     * ({@link #appIdleDeferred}) runs again from now.
     */
    private void idleFromEstablished(final int f, final long now) {
        if (appIdleDeferred[f]) {
            appIdleDeferred[f] = false;
            appProgressNs[f] = now;
            armAppTimer(f);
        }
    }

    /**
     * The application's close, or the reset that ended the connection, and what becomes of its source port
     * ({@link EphemeralPorts}): a reset frees it at once ({@code tcp_done()}), and so does closing a connection
     * still opening ({@code tcp_close()} of a {@code SYN_SENT} socket) or one whose {@code connect()} timed out
     * (freed then); the application's close of an established connection is an active close, which keeps the port
     * in {@code TIME_WAIT} for {@code TCP_TIMEWAIT_LEN} ({@code tcp_time_wait()}). The FIN exchange is not
     * simulated: {@code TIME_WAIT} is taken to start at the close.
     */
    private void closeFlow(final int f, final byte how, final long now) {
        closedBy[f] = how;
        if (!connectFailed[f]) {
            if (how == CLOSED_IDLE && established[f]) {
                flowPorts.timeWait(flowHost[f], flowServer[f], flowSport[f], now);
            } else {
                flowPorts.release(flowHost[f], flowServer[f], flowSport[f]);
            }
        }
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kAppClose, TraceEvent.NO_PACKET, f, how == CLOSED_RESET ? 1L : 0L,
                    (now - appProgressNs[f]) / 1_000_000L, how == CLOSED_TIMEDOUT ? 1L : 0L);
        }
    }

    /**
     * The application opens a new connection to the same server in place of a closed one: the next spare flow
     * slot, a new source port ({@link EphemeralPorts}) and flow label, a new handshake, slow start. None is opened
     * once the run's spare slots are used up (each TCP connection of the workload once per scheduled redial, plus
     * once; {@code reconnects_refused}), or when the host has no free source port to that server left
     * ({@link EphemeralPorts#NO_PORT}: {@code connect()} fails with {@code EADDRNOTAVAIL}; also counted in
     * {@code reconnects_refused}).
     */
    private void reconnect(final int f, final long now) {
        if (spareNext >= flowCount) {
            reconnectsRefused++;
            return;
        }
        final int sport = flowPorts.next(flowHost[f], flowServer[f], false, now);
        if (sport == EphemeralPorts.NO_PORT) {
            // connect() fails with EADDRNOTAVAIL: every port of the host's range is taken to that server
            reconnectsRefused++;
            return;
        }
        final int s = spareNext++;
        reconnects++;
        reconnectOf[s] = f;
        flowApp[s] = flowApp[f];
        flowAppKind[s] = flowAppKind[f];
        flowHost[s] = flowHost[f];
        flowServer[s] = flowServer[f];
        cubicFlow[s] = cubicFlow[f];
        flowDownload[s] = flowDownload[f];
        flowIdleTimeoutNs[s] = flowIdleTimeoutNs[f];
        flowConnectTimeoutNs[s] = flowConnectTimeoutNs[f];
        appFailedTries[s] = appFailedTries[f];
        flowSport[s] = sport;
        flowLabel[s] = flowLabels.nextInt() & 0xFFFFF;
        final int mss = 1500 - (ipv6 ? 40 : 20) - 20;
        flowMss[s] = mss;
        flowPayload[s] = mss - TCP_TIMESTAMP_OPTION;
        flowHash[s] = mix32(hostIp(flowHost[s]) * 31 + serverIp(flowServer[s]) * 17 + flowSport[s]);
        flowStartNs[s] = now;
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kAppReconnect, TraceEvent.NO_PACKET, f, s, flowSport[s], 0L);
        }
        loop.schedule(now, kStart, s, 0L);
    }

    /** libtorrent's {@code second_tick()}: once a second of its session ({@code session_impl::on_tick()}). */
    private static final long SECOND_TICK_NS = 1_000_000_000L;
    /** libtorrent adds this to {@code peer_connect_timeout} per earlier failure of the peer (3 s). */
    private static final long FAILCOUNT_CONNECT_TIMEOUT_NS = 3_000_000_000L;
    /** libtorrent's {@code settings_pack::min_reconnect_time} (60 s, src/settings_pack.cpp), in seconds. */
    private static final long MIN_RECONNECT_TIME_S = 60L;
    /** libtorrent's {@code torrent_peer::failcount} is a 5-bit field: it stops at 31. */
    private static final int FAILCOUNT_MAX = 31;

    /**
     * The connect timeout of connection {@code f}, ns: its application's; a p2p application's grows by 3 s per
     * earlier failure of the peer, {@code peer_connect_timeout + 3 * failcount} ({@code
     * peer_connection::second_tick()}, src/peer_connection.cpp).
     */
    private long connectTimeoutNs(final int f) {
        final long timeout = flowConnectTimeoutNs[f];
        return flowAppKind[f] == RouterConfig.AppKind.P2P
                ? timeout + FAILCOUNT_CONNECT_TIMEOUT_NS * appFailedTries[f] : timeout;
    }

    /**
     * When the application gives up on connection {@code f}, opened at {@code openedNs}, if it is still opening:
     * its connect timeout later, or, for a p2p application, at the first {@code second_tick()} of its libtorrent
     * session (whole seconds from the application's start) at which more than that has passed since the
     * connection's start ({@code d > seconds(connect_timeout)}, {@code d} counted from {@code m_last_receive}, set
     * when the connection was made): between 15 and 16 s after it for the first try.
     */
    private long connectTimeoutDueNs(final int f, final long openedNs) {
        final long due = openedNs + connectTimeoutNs(f);
        if (flowAppKind[f] != RouterConfig.AppKind.P2P) {
            return due;
        }
        final long session = appStartNs[flowApp[f]];
        return session + ((due - session) / SECOND_TICK_NS + 1) * SECOND_TICK_NS;
    }

    /**
     * The handshake of connection {@code f} completed: a p2p application's failures of the peer start again from
     * 0 ({@code torrent::clear_failcount()}, which libtorrent calls at the BitTorrent handshake, a round trip later;
     * that exchange is not simulated).
     */
    private void clearFailcount(final int f) {
        if (flowAppKind[f] == RouterConfig.AppKind.P2P) {
            appFailedTries[f] = 0;
        }
    }

    /**
     * Whether the end of connection {@code f} is a failed try to its application. aria2 (downloader) counts every
     * end: each is a {@code DlRetryEx} in {@code AbstractCommand::execute()} (src/AbstractCommand.cc), whether its
     * connect timeout, its {@code --timeout}, or a socket error (a reset, {@code ETIMEDOUT}) ended it. libtorrent
     * (p2p) counts a failed connect only: {@code connect_failed()} disconnects with {@code failure}
     * (src/peer_connection.cpp), at its connect timeout or the kernel's {@code ETIMEDOUT}; a reset, its
     * {@code peer_timeout} or an established connection's {@code ETIMEDOUT} disconnect with {@code normal}, which
     * {@code peer_list::connection_closed()} does not count. The others count nothing.
     */
    private boolean failedTry(final int f) {
        switch (flowAppKind[f]) {
            case DOWNLOADER:
                return true;
            case P2P:
                return closedBy[f] == CLOSED_CONNECT || closedBy[f] == CLOSED_TIMEDOUT && connectFailed[f];
            default:
                return false;
        }
    }

    /**
     * What the application does once connection {@code f} has ended ({@link #closeFlow}). A failed try
     * ({@link #failedTry}) counts in its chain's {@link #appFailedTries}; at its limit
     * ({@link RouterConfig.App#maxTries}) the application gives the chain up ({@link #giveUp}): aria2 gives the URI
     * up once {@code tryCount >= --max-tries} (the download of that connection ends), libtorrent connects no more
     * to a peer whose {@code failcount >= max_failcount}. Otherwise it opens a new connection to the same server
     * ({@link #reconnect}): at once, or, for a p2p application, at its next try of the same peer, which stands for
     * the peer the engine has no other of ({@link #nextTryNs}).
     */
    private void retry(final int f, final long now) {
        if (failedTry(f)) {
            final int tries = appFailedTries[f] + 1;
            appFailedTries[f] = flowAppKind[f] == RouterConfig.AppKind.P2P ? Math.min(tries, FAILCOUNT_MAX) : tries;
        }
        final int max = appMaxTries[flowApp[f]];
        if (max > 0 && appFailedTries[f] >= max) {
            giveUp(f, now);
            return;
        }
        if (flowAppKind[f] != RouterConfig.AppKind.P2P) {
            reconnect(f, now);
            return;
        }
        // it waits for its try (counted in reconnects_waiting until the try comes)
        reconnectsWaiting++;
        final long at = nextTryNs(f, now);
        if (at <= totalNs) {
            loop.schedule(at, kApp, f, APP_RETRY);
        }
    }

    /**
     * A p2p application's next try of the peer of connection {@code f}, closed at {@code closedNs}: libtorrent
     * connects to peers at its {@code second_tick()} ({@code session_impl::try_connect_more_peers()}, after the
     * torrents' ticks that time connects out), and skips a peer while {@code session_time - last_connected}
     * is less than {@code (failcount + 1) * min_reconnect_time} ({@code peer_list::find_connect_candidates()},
     * src/peer_list.cpp), with
     * {@code last_connected} the session's whole seconds at the close and {@code failcount} counted then
     * ({@code peer_list::connection_closed()}): 120 s after a first failure, 180 s after a second, 60 s after a
     * close that was no failure; none when {@code last_connected} is 0 (a close in the session's first second), the
     * next tick then.
     */
    private long nextTryNs(final int f, final long closedNs) {
        final long session = appStartNs[flowApp[f]];
        final long lastConnected = (closedNs - session) / SECOND_TICK_NS;
        if (lastConnected == 0) {
            return session + (closedNs - session + SECOND_TICK_NS - 1) / SECOND_TICK_NS * SECOND_TICK_NS;
        }
        return session + (lastConnected + (appFailedTries[f] + 1L) * MIN_RECONNECT_TIME_S) * SECOND_TICK_NS;
    }

    /**
     * The application gives up the chain of connection {@code f}: no connection replaces it
     * ({@code app_gave_up}, the flow's {@code gaveUp}).
     */
    private void giveUp(final int f, final long now) {
        appGaveUp++;
        gaveUp[f] = true;
        if (trace.enabled()) {
            trace.publish(now, traceComponent, kAppGiveUp, TraceEvent.NO_PACKET, f, appFailedTries[f],
                    appMaxTries[flowApp[f]], 0L);
        }
    }

    // ---------------------------------------------------------------- housekeeping

    private void onProgress(final int target, final long arg, final long now) {
        final long total = totalNs;
        progress.progress(now, total);
        final long next = now + Math.max(1L, total / PROGRESS_STEPS);
        if (next < total) {
            loop.schedule(next, kProgress, 0, 0L);
        }
    }

    private void onWarmupEnd(final int target, final long arg, final long now) {
        windowStarted = true;
        windowStartNs = now;
        cpu.resetStages();
        java.util.Arrays.fill(pathPackets, 0L);
        lanDown.resetWindow(now);
        lanUp.resetWindow(now);
        cpuIn.resetWindow(now);
        cpuOut.resetWindow(now);
        for (int l = 0; l < lines; l++) {
            lineDown[l].resetWindow(now);
            lineUp[l].resetWindow(now);
        }
        for (int d = 0; d < dials; d++) {
            if (shaperDown[d] != null) {
                shaperDown[d].resetWindow(now);
                shaperUp[d].resetWindow(now);
            }
        }
        java.util.Arrays.fill(deliveredBytes, 0L);
        java.util.Arrays.fill(dialDownBytes, 0L);
        java.util.Arrays.fill(dialUpBytes, 0L);
        java.util.Arrays.fill(softnetProcessed, 0L);
        java.util.Arrays.fill(softnetDropped, 0L);
        java.util.Arrays.fill(softnetSqueeze, 0L);
        java.util.Arrays.fill(softnetReceivedRps, 0L);
        windowDrops = dropCounts();
        forwardedBeforeWindow += forwarded;
        forwarded = 0;
        ftHits = 0;
        ppeHits = 0;
        groPackets = 0;
        groMerged = 0;
        irqs = 0;
        polls = 0;
        napiTimerExpiries = 0;
        napiWatchdogPolls = 0;
        cellGroFrames = 0;
        cellPolls = 0;
        latencyDown.reset();
        latencyUp.reset();
        pollHist.reset();
        java.util.Arrays.fill(ringOccupancy, 0L);
        for (final long[] o : backlogOccupancy) {
            java.util.Arrays.fill(o, 0L);
        }
        if (multiQueue) {
            for (final RxQueue q : queues) {
                q.packets = 0;
                q.irqs = 0;
                q.polls = 0;
                q.ringDrops = 0;
            }
        }
        // The frames the eager qdisc held for the window, in time order (all due from now on).
        for (int i = 0; i < warmupHeldCount; i++) {
            pendingPacketEvents--;
            qdiscEager(warmupHeld[i], warmupHeldAt[i]);
        }
        warmupHeldCount = 0;
    }

    private long[] windowDrops = new long[Drop.values().length];

    /**
     * Drops per reason since the start: {@link #drops}, plus, for {@link Drop#QDISC}, those fq_codel made itself
     * (its {@code DROPPED} counter, which only the enqueues and dequeues of {@link #qdiscArrive} and
     * {@link #transmitNext} move), read here rather than around every enqueue and dequeue.
     */
    private long[] dropCounts() {
        final long[] counts = drops.clone();
        counts[Drop.QDISC.ordinal()] += qdisc.counters().get(QdiscCounter.DROPPED);
        return counts;
    }

    /**
     * A frame's arrival at an endpoint ({@code host_rx}, {@code server_rx}), which reads only its packet word: the
     * event carries the word, and the frame's slot was freed when it left the router.
     */
    private void scheduleDelivery(final long atNs, final int kind, final long pkt) {
        pendingDeliveries++;
        loop.schedule(atNs, kind, 0, pkt);
    }

    private void schedulePacket(final long atNs, final int kind, final long pkt) {
        pendingPacketEvents++;
        loop.schedule(atNs, kind, 0, pkt);
    }

    private void drop(final Drop reason) {
        drop(reason, TraceEvent.NO_PACKET);
    }

    /** Counts one dropped packet and traces it, naming the frame {@code h} when the engine holds it. */
    private void drop(final Drop reason, final int h) {
        drops[reason.ordinal()]++;
        lastDrop = reason.ordinal();
        traceDrop(reason, clockNs, h);
    }

    /** Traces a drop, one event (a GRO packet's segments counted at once included); {@code h} or NO_PACKET. */
    private void traceDrop(final Drop reason, final long atNs, final int h) {
        if (trace.enabled()) {
            trace.publish(atNs, traceComponent, kDrop[reason.ordinal()], h);
        }
    }

    private int lastDrop;

    // ---------------------------------------------------------------- sizes and packet words

    private static long packet(final int f, final int kind, final long seq) {
        return (seq << 24) | ((long) kind << 20) | f;
    }

    private static int flowOf(final long pkt) {
        return (int) (pkt & FLOW_MASK);
    }

    private static int kindOf(final long pkt) {
        return (int) ((pkt >>> 20) & 0xF);
    }

    private static long seqOf(final long pkt) {
        return pkt >>> 24;
    }

    /** True when the packet travels WAN to LAN. */
    private boolean toLan(final long pkt) {
        final int kind = kindOf(pkt);
        final int f = flowOf(pkt);
        switch (kind) {
            case KIND_SYN:
            case KIND_HSACK:
                return false;
            case KIND_SYNACK:
                return true;
            case KIND_DATA:
            case KIND_ACK_REV:
                return flowDownload[f];
            default:
                return !flowDownload[f];
        }
    }

    // ---------------------------------------------------------------- package-private views for tests

    private long rtoCount;
    /** SYNs, SYN-ACKs and requests sent again by the handshake's timers, and connects that gave up. */
    private long synRetransmits;
    private long synAckRetransmits;
    private long requestRetransmits;
    private long connectFailures;
    /** Established connections whose sender gave up after {@code tcp_retries2}'s time ({@link #writeTimeout}). */
    private long writeTimeouts;
    /** Connections their application closed at its connect timeout, still opening ({@link #onApp}). */
    private long appConnectTimeouts;
    /** Chains of connections their application gave up at its limit on its tries ({@link #giveUp}). */
    private long appGaveUp;
    /** Ended connections whose p2p application waits to try their peer again ({@link #retry}). */
    private long reconnectsWaiting;
    private long txhashRethinks;
    private long fastRetransmits;
    /** Slow starts HyStart ended, by detector ({@code TCPHystartTrainDetect}, {@code TCPHystartDelayDetect}). */
    private long hystartTrainDetects;
    private long hystartDelayDetects;
    /** Resets that ended connections, the applications' idle timeouts, and the connections opened again. */
    private long tcpResets;
    private long appTimeouts;
    private long reconnects;
    private long reconnectsRefused;
    /**
     * The workload's TCP connections and UDP sockets that found no free source port at the start (their
     * {@code connect()}'s {@code EADDRNOTAVAIL}, their first send's {@code EAGAIN}): never opened.
     */
    private long connectsRefused;
    private long udpBindsRefused;
    /** {@link #duplicateDataRehash}: Linux's {@code TCPDuplicateDataRehash}. */
    private long dupDataRehashes;

    /** @return the flows so far: the workload's, then the connections opened again in their place */
    int flowCount() {
        return spareNext;
    }

    long synRetransmits() {
        return synRetransmits;
    }

    long synAckRetransmits() {
        return synAckRetransmits;
    }

    long requestRetransmits() {
        return requestRetransmits;
    }

    long connectFailures() {
        return connectFailures;
    }

    long writeTimeouts() {
        return writeTimeouts;
    }

    long appConnectTimeouts() {
        return appConnectTimeouts;
    }

    long appGaveUp() {
        return appGaveUp;
    }

    boolean flowGaveUp(final int f) {
        return gaveUp[f];
    }

    int flowFailedTries(final int f) {
        return appFailedTries[f];
    }

    boolean flowEstablished(final int f) {
        return established[f];
    }

    int flowDial(final int f) {
        return flowDial[f];
    }

    int flowMss(final int f) {
        return flowMss[f];
    }

    boolean flowNatBroken(final int f) {
        return natBroken[f];
    }

    boolean flowMisrouted(final int f) {
        return flowMisrouted[f];
    }

    int reconnectOf(final int f) {
        return reconnectOf[f];
    }

    boolean flowOffloaded(final int f) {
        return offloaded[f];
    }

    /**
     * @param f a flow
     * @param dir 0 original (LAN to WAN), 1 reply (WAN to LAN)
     * @return the PPE's id for that direction of the flow ({@link PpeFlowTable#offloadReplace}: negative when the
     *     driver refused it), -1 when the flowtable has not taken the flow or there is no PPE
     */
    int flowPpeId(final int f, final int dir) {
        return ppe == null || flowCtEntry[f] < 0 ? -1 : ft.hardwareId(flowCtEntry[f], dir);
    }

    /**
     * @param f a flow
     * @param dir 0 original (LAN to WAN), 1 reply (WAN to LAN)
     * @return whether that direction is bound in the PPE now
     */
    boolean flowPpeBound(final int f, final int dir) {
        final int id = flowPpeId(f, dir);
        return id >= 0 && ppe.isBound(id);
    }

    long injected() {
        return injected;
    }

    /** @return events the loop has dispatched since the start (tests: events per forwarded packet) */
    long eventsDispatched() {
        return loop.dispatched();
    }

    /** Tests: every frame enters the qdisc by a {@code qdisc_enqueue} event (call before {@link #start}). */
    void qdiscByEvents() {
        eagerQdisc = false;
    }

    /** Tests: every CBR datagram is sent by its own {@code udp_tick} event (call before {@link #start}). */
    void udpTicksByEvents() {
        tickPerDatagram = true;
    }

    long delivered() {
        return delivered;
    }

    long droppedTotal() {
        long s = 0;
        for (long d : dropCounts()) {
            s += d;
        }
        return s;
    }

    /** @return frames eth0's fq_codel has taken in */
    long qdiscEnqueued() {
        return qdisc.counters().get(QdiscCounter.ENQUEUED);
    }

    /** Frames allocated in the packet store (every packet held is one). */
    int framesInUse() {
        return store.inUse();
    }

    /** @return the root qdisc of eth0 (for tests) */
    Qdisc qdisc() {
        return qdisc;
    }

    /**
     * Packets held at the end: in flight between hops (pending events), in the RX ring, in the qdisc, and on their
     * way from the router to an endpoint.
     */
    long held() {
        return pendingPacketEvents + pendingDeliveries + ringFrames() + qdisc.qlen();
    }

    /** Packets held in the packet store: {@link #held} but those on their way to an endpoint (no frame any more). */
    long heldFrames() {
        return pendingPacketEvents - lazyCount + ringFrames() + qdisc.qlen();
    }

    /** Frames in the RX rings: the active queue's and, with several queues, the others'. */
    private long ringFrames() {
        long n = ringCount;
        if (multiQueue) {
            for (final RxQueue q : queues) {
                n += q.queue != activeQueue ? q.ringCount : 0;
            }
        }
        return n;
    }

    /** The router's devices by interface index (tests compare them with {@link #interfaceNames}). */
    NetDeviceTable devices() {
        return devices;
    }

    /** The ECMP selector (null unless ECMP), for tests that recompute the kernel's choice independently. */
    EcmpSelector ecmp() {
        return ecmp;
    }

    int hostIpOf(final int f) {
        return hostIp(flowHost[f]);
    }

    int serverIpOf(final int f) {
        return serverIp(flowServer[f]);
    }

    /** A flow's LAN host's IPv6 address, low 64 bits (its high 64 are {@link #HOST6_HI}). */
    long host6LoOf(final int f) {
        return host6Lo(flowHost[f]);
    }

    /** A flow's server's IPv6 address, low 64 bits (its high 64 are {@link #SERVER6_HI}). */
    long server6LoOf(final int f) {
        return serverIp(flowServer[f]);
    }

    /** Tests: the hosts' source ports, as drawn at set-up (a test may take more before {@link #start}). */
    EphemeralPorts ports() {
        return flowPorts;
    }

    int sportOf(final int f) {
        return flowSport[f];
    }

    /** A flow's masqueraded IPv4 address (its dial's), the destination of the servers' frames; 0 before NAT. */
    int natAddressOf(final int f) {
        return flowNatAddr[f];
    }

    /** A flow's masqueraded port, the destination port of the servers' frames; 0 before NAT. */
    int natPortOf(final int f) {
        return flowNatPort[f];
    }

    /** @return the {@code fib_multipath_hash_seed} the ECMP hash is keyed with, -1 without ECMP */
    long multipathHashSeed() {
        return multipathHashSeed;
    }

    int flowLabelOf(final int f) {
        return flowLabel[f];
    }

    // ---------------------------------------------------------------- results

    private RouterResults results(final long endNs) {
        final long window = endNs - windowStartNs;
        long down = 0;
        long up = 0;
        final List<RouterResults.Flow> flows = new ArrayList<>(spareNext);
        final int[] dialFlows = new int[dials];
        for (int f = 0; f < spareNext; f++) {
            final long bytes = deliveredBytes[f];
            if (flowDownload[f]) {
                down += bytes;
            } else {
                up += bytes;
            }
            if (flowLastDial[f] >= 0) {
                dialFlows[flowLastDial[f]]++;
            }
            flows.add(new RouterResults.Flow(f, flowApp[f], flowHost[f], flowServer[f], flowUdp[f],
                    flowDownload[f] ? RouterConfig.Direction.DOWNLOAD : RouterConfig.Direction.UPLOAD,
                    flowLastDial[f], bps(bytes, window), bytes, flowSport[f], reconnectOf[f],
                    CLOSED_NAMES[closedBy[f]],
                    flowSport[f] != EphemeralPorts.NO_PORT ? null : flowUdp[f] ? "EAGAIN" : "EADDRNOTAVAIL",
                    gaveUp[f]));
        }
        final List<RouterResults.Dial> dialList = new ArrayList<>(dials);
        for (int d = 0; d < dials; d++) {
            final String name = (pppoe ? "pppoe-wan" : "wan") + d;
            dialList.add(new RouterResults.Dial(name, d / dialsPerLine, bps(dialDownBytes[d], window),
                    bps(dialUpBytes[d], window), dialFlows[d]));
        }
        final List<RouterResults.Port> ports = new ArrayList<>();
        ports.add(new RouterResults.Port("lan", config.lan().portRateBps(), lanUp.utilization(endNs),
                lanDown.utilization(endNs)));
        for (int l = 0; l < lines; l++) {
            ports.add(new RouterResults.Port("wan" + l, config.wan().lineRateBps(), lineDown[l].utilization(endNs),
                    lineUp[l].utilization(endNs)));
        }
        ports.add(new RouterResults.Port("cpu", CPU_PORT_BPS, cpuIn.utilization(endNs), cpuOut.utilization(endNs)));
        // the backlog calls still open at the end: their ksoftirqd time so far
        for (int c = 0; c < cpu.cpus(); c++) {
            backlogCallKsoftirqd(c);
        }
        final int n = cpu.cpus();
        final List<RouterResults.CpuThread> threads = new ArrayList<>(n);
        double sum = 0;
        int hottest = 0;
        for (int c = 0; c < n; c++) {
            final double b = cpu.busy(c);
            sum += b;
            if (b > cpu.busy(hottest)) {
                hottest = c;
            }
            threads.add(new RouterResults.CpuThread(c, cpu.coreOf(c), b, cpu.busy(c, CpuSet.CTX_HARDIRQ),
                    cpu.busy(c, CpuSet.CTX_SOFTIRQ), cpu.busy(c, CpuSet.CTX_THREAD), cpu.ksoftirqdBusy(c)));
        }
        final int cores = profile.cores();
        final List<RouterResults.CpuCoreLoad> coreLoads = new ArrayList<>(cores);
        for (int k = 0; k < cores; k++) {
            double s = 0;
            for (int t = 0; t < profile.threadsPerCore(); t++) {
                s += threads.get(k * profile.threadsPerCore() + t).busy();
            }
            coreLoads.add(new RouterResults.CpuCoreLoad(k, s / profile.threadsPerCore()));
        }
        final double avg = sum / n;
        final List<RouterResults.Stage> stages = new ArrayList<>();
        final double capacity = (double) cpu.clockHz() * n * window / 1e9;
        for (CostStage s : STAGES) {
            final long cy = stageCycles(s);
            if (cy > 0) {
                stages.add(new RouterResults.Stage(s.label(), cy, capacity > 0 ? cy / capacity : 0.0));
            }
        }
        final List<RouterResults.Softnet> softnet = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            softnet.add(new RouterResults.Softnet(c, softnetProcessed[c], softnetDropped[c], softnetSqueeze[c],
                    softnetReceivedRps[c]));
        }
        final List<RouterResults.Count> byReason = new ArrayList<>();
        for (Drop r : Drop.values()) {
            byReason.add(new RouterResults.Count(r.label, w(r)));
        }
        final RouterResults.Drops dropRec = new RouterResults.Drops(w(Drop.RING_FULL), w(Drop.BACKLOG_FULL),
                w(Drop.QDISC), byReason);
        final List<RouterResults.Count> ctCounts = List.of(new RouterResults.Count("entries", ct.count()),
                new RouterResults.Count("max", config.firewall().conntrackMax()),
                new RouterResults.Count("inserted", ct.counters().get(ConntrackCounter.NEW)),
                new RouterResults.Count("searched", ct.counters().get(ConntrackCounter.FOUND)),
                new RouterResults.Count("drop", drops[Drop.CONNTRACK_FULL.ordinal()]),
                new RouterResults.Count("early_drop", ct.counters().get(ConntrackCounter.EARLY_DROP)),
                new RouterResults.Count("nat_broken", countBroken()),
                new RouterResults.Count("mss_clamped", mssClamped));
        final List<RouterResults.Count> ft = List.of(new RouterResults.Count("offloaded", ftOffloaded),
                new RouterResults.Count("stale_route_teardowns", ftStaleTeardowns),
                new RouterResults.Count("fast_path_packets", ftHits));
        final List<RouterResults.Count> ppe = ppeCounts();
        final List<RouterResults.Count> gro = new ArrayList<>(List.of(new RouterResults.Count("received", groPackets),
                new RouterResults.Count("merged", groMerged),
                new RouterResults.Count("flushed", groPackets - groMerged),
                new RouterResults.Count("irqs", irqs), new RouterResults.Count("polls", polls)));
        if (groFlushTimeoutNs > 0) {
            // with a gro_flush_timeout: the NAPI hrtimer's expiries, and the polls napi_watchdog scheduled
            gro.add(new RouterResults.Count("hrtimer_expiries", napiTimerExpiries));
            gro.add(new RouterResults.Count("timer_polls", napiWatchdogPolls));
        }
        if (dsa) {
            // under DSA: the frames whose GRO ran in a user port's gro_cells NAPI, and those NAPIs' polls
            gro.add(new RouterResults.Count("cell_received", cellGroFrames));
            gro.add(new RouterResults.Count("cell_polls", cellPolls));
        }
        final String bottleneck = bottleneck(endNs, threads, avg, hottest);
        final List<RouterResults.Count> tcp = tcpCounts();
        final List<RouterResults.Queue> rxQueueList = new ArrayList<>(rxQueues);
        if (multiQueue) {
            for (final RxQueue q : queues) {
                rxQueueList.add(new RouterResults.Queue(q.queue, q.cpu, q.packets, q.irqs, q.polls, q.ringDrops));
            }
        } else {
            rxQueueList.add(new RouterResults.Queue(0, rxCpu, groPackets, irqs, polls, w(Drop.RING_FULL)));
        }
        return new RouterResults(window, bps(down, window), bps(up, window), forwarded, dialList, flows, ports,
                threads, coreLoads, avg, stages, softnet, dropRec, ctCounts, ft, ppe, gro, tcp, bottleneck,
                loop.dispatched()
                + loop.pending(), loop.dispatched(), multipathHashSeed, rxQueueList, udpCounts(), latencyCounts(),
                pollCounts(), occupancy());
    }

    /**
     * The window's forwarding latency ({@link RouterResults#latency()}): both directions' frames, percentiles and
     * maximum, then the download's (to the LAN) and the upload's, as HdrHistogram gives them (2 significant digits:
     * the highest value equivalent to the recorded ones), ns.
     */
    private List<RouterResults.Count> latencyCounts() {
        final Histogram all = latencyDown.copy();
        all.add(latencyUp);
        if (all.getTotalCount() == 0) {
            return List.of();
        }
        final List<RouterResults.Count> c = new ArrayList<>();
        latencyCounts(c, "", all, true);
        latencyCounts(c, "down_", latencyDown, false);
        latencyCounts(c, "up_", latencyUp, false);
        return c;
    }

    private static void latencyCounts(final List<RouterResults.Count> c, final String prefix, final Histogram h,
            final boolean all) {
        c.add(new RouterResults.Count(prefix + "frames", h.getTotalCount()));
        if (h.getTotalCount() == 0) {
            return;
        }
        c.add(new RouterResults.Count(prefix + "p50_ns", h.getValueAtPercentile(50.0)));
        if (all) {
            c.add(new RouterResults.Count(prefix + "p90_ns", h.getValueAtPercentile(90.0)));
        }
        c.add(new RouterResults.Count(prefix + "p99_ns", h.getValueAtPercentile(99.0)));
        if (all) {
            c.add(new RouterResults.Count(prefix + "p99_9_ns", h.getValueAtPercentile(99.9)));
        }
        c.add(new RouterResults.Count(prefix + "max_ns", h.highestEquivalentValue(h.getMaxValue())));
    }

    /** The frames the window's RX polls took: the driver RX count, per queue with several. */
    private long polledFrames() {
        if (!multiQueue) {
            return groPackets;
        }
        long frames = 0;
        for (final RxQueue q : queues) {
            frames += q.packets;
        }
        return frames;
    }

    /**
     * The window's occupancy distributions ({@link RouterResults#occupancy()}): the RX ring as each arriving frame
     * found it (cpu -1), then each CPU's RPS backlog as each packet handed to it found it, in CPU order, only CPUs
     * that were handed packets. From HdrHistograms of the counts (3 significant digits: exact up to 2,047).
     */
    private List<RouterResults.Occupancy> occupancy() {
        final List<RouterResults.Occupancy> o = new ArrayList<>();
        occupancy(o, -1, ringOccupancy);
        for (int c = 0; c < backlogOccupancy.length; c++) {
            occupancy(o, c, backlogOccupancy[c]);
        }
        return o;
    }

    private static void occupancy(final List<RouterResults.Occupancy> o, final int cpuId, final long[] counts) {
        final Histogram h = new Histogram(Math.max(2L, counts.length), 3);
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                h.recordValueWithCount(k, counts[k]);
            }
        }
        final long n = h.getTotalCount();
        if (n == 0) {
            return;
        }
        o.add(new RouterResults.Occupancy(cpuId, n, h.getValueAtPercentile(50.0), h.getValueAtPercentile(90.0),
                h.getValueAtPercentile(99.0), h.getMaxValue(), counts[counts.length - 1]));
    }

    /** The window's RX polls by the frames each took ({@link RouterResults#pollBatch()}). */
    private List<RouterResults.Count> pollCounts() {
        final Histogram h = pollHist;
        if (h.getTotalCount() == 0) {
            return List.of();
        }
        return List.of(new RouterResults.Count("polls", h.getTotalCount()),
                new RouterResults.Count("frames", polledFrames()),
                new RouterResults.Count("p50", h.getValueAtPercentile(50.0)),
                new RouterResults.Count("p90", h.getValueAtPercentile(90.0)),
                new RouterResults.Count("p99", h.getValueAtPercentile(99.0)),
                new RouterResults.Count("max", h.getMaxValue()));
    }

    /**
     * The TCP endpoints' counters over the whole run, warm-up included (connections open there):
     * {@code connections} (TCP flows), {@code established} (handshake done by the end), {@code connect_failed}
     * ({@code tcp_write_timeout} gave up on the SYN), {@code timeouts} (data retransmission timeouts),
     * {@code fast_retransmits}, and the handshake's packets sent again ({@code syn_retransmits},
     * {@code synack_retransmits}, {@code request_retransmits}), {@code txhash_rethinks},
     * {@code duplicate_data_rehashes} ({@link #duplicateDataRehash}), and the connections'
     * ends: {@code resets} (a server's reset after a redial took the connection's NAT), {@code idle_timeouts}
     * (the application's), {@code reconnects} (connections opened in their place) and {@code reconnects_refused}
     * (none opened: the run's spare slots were used up, or the host had no free source port to that server); then,
     * only when nonzero (so that the results of every other run keep their fields), {@code write_timeouts}
     * (established connections whose sender gave up after {@code tcp_retries2}'s time, {@link #writeTimeout};
     * Linux counts them with {@code connect_failed} in {@code TCPAbortOnTimeout}), {@code app_connect_timeouts}
     * (connections their application closed at its own connect timeout, still opening), {@code app_gave_up}
     * (connections their application replaced by none, at its limit on failed tries, {@link #retry}),
     * {@code reconnects_waiting} (ended connections whose p2p application had not tried their peer again by the
     * end: libtorrent's wait, {@link #nextTryNs}) and {@code connects_refused}: the workload's connections never
     * opened, their host having no free source port to their server at the start ({@code connect()}'s
     * {@code EADDRNOTAVAIL}). They count in {@code connections}, never in {@code established}.
     */
    private List<RouterResults.Count> tcpCounts() {
        long connections = 0;
        long up = 0;
        for (int f = 0; f < spareNext; f++) {
            if (!flowUdp[f]) {
                connections++;
                if (established[f]) {
                    up++;
                }
            }
        }
        final List<RouterResults.Count> counts = List.of(new RouterResults.Count("connections", connections),
                new RouterResults.Count("established", up),
                new RouterResults.Count("connect_failed", connectFailures),
                new RouterResults.Count("timeouts", rtoCount),
                new RouterResults.Count("fast_retransmits", fastRetransmits),
                new RouterResults.Count("hystart_train_detects", hystartTrainDetects),
                new RouterResults.Count("hystart_delay_detects", hystartDelayDetects),
                new RouterResults.Count("syn_retransmits", synRetransmits),
                new RouterResults.Count("synack_retransmits", synAckRetransmits),
                new RouterResults.Count("request_retransmits", requestRetransmits),
                new RouterResults.Count("txhash_rethinks", txhashRethinks),
                new RouterResults.Count("duplicate_data_rehashes", dupDataRehashes),
                new RouterResults.Count("resets", tcpResets),
                new RouterResults.Count("idle_timeouts", appTimeouts),
                new RouterResults.Count("reconnects", reconnects),
                new RouterResults.Count("reconnects_refused", reconnectsRefused));
        final List<RouterResults.Count> more = new ArrayList<>(counts);
        addNonZero(more, "write_timeouts", writeTimeouts);
        addNonZero(more, "app_connect_timeouts", appConnectTimeouts);
        addNonZero(more, "app_gave_up", appGaveUp);
        addNonZero(more, "reconnects_waiting", reconnectsWaiting);
        addNonZero(more, "connects_refused", connectsRefused);
        return more;
    }

    /** Adds a count when it is not 0 (the counters that most runs never see keep their results as they were). */
    private static void addNonZero(final List<RouterResults.Count> counts, final String name, final long value) {
        if (value != 0) {
            counts.add(new RouterResults.Count(name, value));
        }
    }

    /**
     * The UDP sockets' counters, only when some UDP socket got no source port (empty otherwise, so that the
     * results of every other run keep their fields): {@code sockets} (UDP flows) and {@code binds_refused} (never
     * opened: the automatic bind of their first send found no free port in the host's range, {@code EAGAIN}).
     */
    private List<RouterResults.Count> udpCounts() {
        if (udpBindsRefused == 0) {
            return List.of();
        }
        long sockets = 0;
        for (int f = 0; f < spareNext; f++) {
            if (flowUdp[f]) {
                sockets++;
            }
        }
        return List.of(new RouterResults.Count("sockets", sockets),
                new RouterResults.Count("binds_refused", udpBindsRefused));
    }

    /**
     * The PPE's counters: {@code entries} (entries bound at the end), {@code hw_packets} (forwarded by hardware in
     * the window), then every {@link PpeCounter} of the run, warm-up included (flows bind there), in enum order.
     */
    private List<RouterResults.Count> ppeCounts() {
        final PpeCounter[] all = PpeCounter.values();
        final List<RouterResults.Count> out = new ArrayList<>(all.length + 2);
        out.add(new RouterResults.Count("entries", ppe == null ? 0 : ppe.boundEntries()));
        out.add(new RouterResults.Count("hw_packets", ppeHits));
        for (PpeCounter c : all) {
            out.add(new RouterResults.Count(c.label(), ppe == null ? 0 : ppe.counters().get(c)));
        }
        return out;
    }

    private long w(final Drop d) {
        final long qdiscOwn = d == Drop.QDISC ? qdisc.counters().get(QdiscCounter.DROPPED) : 0L;
        return drops[d.ordinal()] + qdiscOwn - windowDrops[d.ordinal()];
    }

    private long countBroken() {
        long n = 0;
        for (int f = 0; f < spareNext; f++) {
            if (natBroken[f]) {
                n++;
            }
        }
        return n;
    }

    private String bottleneck(final long endNs, final List<RouterResults.CpuThread> threads, final double avg,
            final int hottest) {
        double lineMax = 0;
        double lineAvg = 0;
        for (int l = 0; l < lines; l++) {
            final double u = Math.max(lineDown[l].utilization(endNs), lineUp[l].utilization(endNs));
            lineAvg += u / lines;
            lineMax = Math.max(lineMax, u);
        }
        double shaper = 0;
        for (int d = 0; d < dials; d++) {
            if (shaperDown[d] != null) {
                shaper = Math.max(shaper, Math.max(shaperDown[d].utilization(endNs), shaperUp[d].utilization(endNs)));
            }
        }
        final double lan = Math.max(lanDown.utilization(endNs), lanUp.utilization(endNs));
        final double cpuPort = Math.max(cpuIn.utilization(endNs), cpuOut.utilization(endNs));
        final double hot = threads.get(hottest).busy();
        final double best = Math.max(Math.max(lineAvg, shaper), Math.max(Math.max(lan, cpuPort), hot));
        if (best < 0.85) {
            return String.format(java.util.Locale.ROOT,
                    "none saturated: the workload limits (busiest: %s at %.0f %%)",
                    hot >= Math.max(lineAvg, lan) ? "cpu" + hottest : "links", best * 100);
        }
        if (hot == best) {
            // ksoftirqd/N: the CPU's softirq ran mostly in its ksoftirqd (handle_softirqs gave up its restarts), the
            // thread top shows
            final RouterResults.CpuThread h = threads.get(hottest);
            final boolean polls = multiQueue ? hottest < rxQueues : hottest == rxCpu;
            final String rx = multiQueue ? "RX queue " + hottest + "'s napi"
                    : napiInSoftirq() ? "RX NAPI poll" : "napi/mtk_eth rx";
            final String what = !polls ? "RPS backlog"
                    : !multiQueue && (profile.rpsCpus() >>> hottest & 1L) != 0 ? rx + " and its own RPS backlog" : rx;
            final String who = h.ksoftirqd() >= 0.5 * h.busy() ? "ksoftirqd/" + hottest + " (" + what + ")"
                    : !polls ? "softirq (RPS backlog)" : what;
            if (avg >= 0.85 && threads.size() > 1) {
                return String.format(java.util.Locale.ROOT, "CPU: all %d threads at %.0f %% (hottest %s on cpu%d)",
                        threads.size(), avg * 100, who, hottest);
            }
            return String.format(java.util.Locale.ROOT, "CPU: %s on cpu%d at %.0f %%", who, hottest, hot * 100);
        }
        if (lineAvg == best) {
            return String.format(java.util.Locale.ROOT, "WAN lines: %d x %s at %.0f %%", lines,
                    rate(config.wan().lineRateBps()), lineAvg * 100);
        }
        if (shaper == best) {
            return String.format(java.util.Locale.ROOT, "dial shaping: %d x %s at %.0f %%", dials,
                    rate(config.wan().dialShapingBps()), shaper * 100);
        }
        if (lan == best) {
            return String.format(java.util.Locale.ROOT, "LAN port: %s at %.0f %%", rate(config.lan().portRateBps()),
                    lan * 100);
        }
        return String.format(java.util.Locale.ROOT, "CPU ports (GMACs): 2 Gbit/s at %.0f %%", cpuPort * 100);
    }

    private static String rate(final long bps) {
        if (bps % 1_000_000_000L == 0) {
            return bps / 1_000_000_000L + " Gbit/s";
        }
        return bps / 1_000_000L + " Mbit/s";
    }

    private static long bps(final long bytes, final long windowNs) {
        return windowNs <= 0 ? 0 : (long) (bytes * 8.0 * 1e9 / windowNs);
    }
}
