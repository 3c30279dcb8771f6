package io.pktsim.stack.gro;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketLayout;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * The GRO state of one NAPI instance ({@code struct gro_node}, include/net/gro.h, Linux 6.18): 8 buckets of at
 * most 8 held packets, the merge / hold / flush decision for TCP over IPv4, IPv6 and IPv4-in-IPv4, fraglist GRO
 * of TCP and of UDP, UDP GRO of forwarded datagrams ({@code rx-udp-gro-forwarding}), the {@code gro_normal_batch}
 * list towards the stack, and the GRO part of a poll's end.
 *
 * <p>The NAPI model drives it: {@link #receive(int, long)} per frame ({@code napi_gro_receive()}, which runs
 * {@code dev_gro_receive()} in net/core/gro.c), then {@link #onPollEnd(int, int, long)} when the driver's poll
 * returns ({@code __napi_poll()} / {@code napi_complete_done()} in net/core/dev.c), and {@link #onTimer(long)}
 * when the {@code gro_flush_timeout} hrtimer fires. Delivered packets go to the {@link GroDeliverySink} in
 * delivery order. Every outcome is counted ({@link GroCounter}, and per {@link GroReason}) and reported to an
 * optional {@link GroTraceListener}.
 *
 * <p>Per packet the table reads the headers through the store's buffer in network byte order, in the manner of
 * the header views (whose fields it uses by offset), and allocates nothing. Held-packet state lives in one
 * {@code long[]} of fixed-size records indexed by bucket &times; 8 + position (position 0 is the oldest); each record
 * keeps what the merge decision needs of the head, as the kernel keeps {@code NAPI_GRO_CB} state: the flow key
 * words (hash and device, Ethernet header, addresses, ports), the TCP ack/flag word and option words, the IPv4
 * words, segments, gso_size, the next expected sequence number, the length so far, and from its first merge on an
 * image of its first 72 frame bytes. A flow compare and a merge decision of a simple packet therefore read the new
 * packet once and the head's record, not the head's bytes (only TCP options past 16 bytes are compared in place,
 * and the general path compares what the record does not hold). The fast paths check a packet's slot once ({@link
 * PacketStore#slotOffset(int)}) and then read its metadata and frame words without a range check per field.
 *
 * <p>Three paths, each taking exactly the decisions of the next: {@code mergeImaged} merges a simple packet (below)
 * that repeats its head's image in every compared byte and carries the next IP ID and sequence number; {@code
 * receiveSimple} takes the common packet (Ethernet, IPv4 without options, TCP, no GSO, checksum trusted or
 * verified) in one pass over header words read once; every other packet, and every outcome but a plain merge,
 * goes through the general path.
 *
 * <p>Rules, in the order {@code tcp_gro_receive()} evaluates them (6.18, see {@code docs/gro.md}): flow
 * identity (raw hash, device, Ethernet header, IP addresses and protocol, IPv6 flow label and extension bytes,
 * ports; failing it is not a flush); then CWR on the new segment, the TCP flag word without FIN/PSH, ack_seq,
 * option bytes, TTL/TOS/DF/ID per IPv4 level ({@code inet_gro_flush()}) or traffic class / hop limit for IPv6,
 * the segment size against gso_size, the sequence number, and {@code gro_max_size}; any of them refuses the
 * merge and completes the held packet.
 *
 * <p>UDP is merged only with {@link GroConfig#rxGroList(boolean)} ({@code rx-gro-list}) or
 * {@link GroConfig#udpGroForwarding(boolean)} ({@code rx-udp-gro-forwarding}); without both a datagram goes up
 * alone ({@link GroReason#NOT_TCP}). {@code udp4_gro_receive()} / {@code udp6_gro_receive()} look a socket up only
 * for UDP encapsulation, so {@code udp_gro_receive()} (net/ipv4/udp_offload.c, 6.18) finds none: a datagram is
 * {@code is_flist} whenever {@code rx-gro-list} is on (it wins when both are), and {@code
 * udp_gro_receive_segment()} decides in either mode: a zero checksum or a UDP length other than the datagram's goes
 * up alone; a datagram of a held flow that passes the IP rules and is no longer than the flow's first datagram
 * joins it unless the size limit would be reached; a shorter datagram or the 64th ends the aggregate. Fraglist GRO
 * chains the datagram ({@code skb_gro_receive_list()}: the new datagram counts whole against 64 KiB), but sends a
 * datagram of another checksum state up alone, the held packet staying; its aggregate gets its IP and UDP lengths
 * rewritten, its UDP checksum untouched (FRAGLIST | UDP_L4). Without {@code is_flist} the payload is merged as TCP
 * payload is ({@code skb_gro_receive()}: the new datagram's payload counts against the limit; the checksum state is
 * not compared), and the aggregate gets its IP and UDP lengths, the pseudo-header sum in its UDP checksum (unless
 * that was 0) and {@code CHECKSUM_PARTIAL} (UDP_L4 alone, {@code udp_gro_complete_segment()}). UDP never takes the
 * fast paths.
 *
 * <p>With {@link GroConfig#pppoeGro(boolean)} a PPPoE session frame goes through OpenWrt's {@code pppoe_gro_receive()}
 * first ({@link #pppoeHeader}: exact length, PPP protocol IPv4 or IPv6; another session is another flow), then the
 * rules above at its inner IP header; its aggregate counts the 8 PPPoE bytes against the size limit and gets its
 * PPPoE length rewritten on completion ({@code pppoe_gro_complete()}). Such frames always take the general path.
 */
public final class GroTable {

    /** {@code GRO_HASH_BUCKETS}. */
    public static final int BUCKETS = 8;
    /** {@code MAX_GRO_SKBS}: held packets per bucket. */
    public static final int MAX_HELD_PER_BUCKET = 8;
    /**
     * Segments a fraglist aggregate may chain: {@code tcp_gro_receive()} refuses the 65th ({@code count >= 64}),
     * {@code udp_gro_receive_segment()} completes the aggregate with its 64th ({@code UDP_GRO_CNT_MAX}), fraglist or
     * not.
     */
    public static final int FRAGLIST_MAX_SEGMENTS = 64;
    /** {@code GRO_LEGACY_MAX_SIZE}: above this only BIG TCP aggregates grow. */
    public static final int LEGACY_MAX_SIZE_BYTES = 65536;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    /** Network-order long / int views of a byte array (one array-bounds check each; see {@link #mem}). */
    private static final VarHandle NET_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, NET);
    private static final VarHandle NET_INT = MethodHandles.byteArrayViewVarHandle(int[].class, NET);
    private static final int SLOTS = BUCKETS * MAX_HELD_PER_BUCKET;
    private static final int ETH_LEN = 14;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    /** {@code ETH_P_PPP_SES}: a PPPoE session frame (OpenWrt's handler only, {@link GroConfig#pppoeGro(boolean)}). */
    private static final int ETH_PPPOE_SESSION = EthernetView.ETHERTYPE_PPPOE_SESSION;
    /** {@code sizeof(struct pppoe_hdr)}: the PPPoE session header without the PPP protocol. */
    private static final int PPPOE_HDR = PppoeView.PPP_PROTOCOL_OFFSET;
    /** The PPPoE session header and the 2-byte PPP protocol {@code pppoe_gro_receive} pulls. */
    private static final int PPPOE_HLEN = PppoeView.LENGTH;
    /** {@code PPP_IP} and {@code PPP_IPV6} (include/uapi/linux/ppp_defs.h). */
    private static final int PPP_IP = PppoeView.PPP_IPV4;
    private static final int PPP_IPV6 = PppoeView.PPP_IPV6;
    private static final int PROTO_IPIP = 4;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    /** {@code sizeof(struct udphdr)}. */
    private static final int UDP_HLEN = 8;
    private static final int PROTO_IPV6 = 41;
    /** Ethernet, IPv4 and TCP headers without options. */
    private static final int SIMPLE_MIN_BYTES = ETH_LEN + 20 + 20;
    /** Where the TCP header of a simple packet starts. */
    private static final int SIMPLE_L4_OFFSET = ETH_LEN + 20;

    // TCP flag bits as they sit in the big-endian 32-bit word at TCP offset 12 (tcp_flag_word)
    private static final int TCP_FIN = 0x01 << 16;
    private static final int TCP_SYN = 0x02 << 16;
    private static final int TCP_RST = 0x04 << 16;
    private static final int TCP_PSH = 0x08 << 16;
    private static final int TCP_URG = 0x20 << 16;
    private static final int TCP_CWR = 0x80 << 16;
    private static final int CLOSING_FLAGS = TCP_URG | TCP_PSH | TCP_RST | TCP_SYN | TCP_FIN;

    // held-entry flag bits
    private static final int H_FLIST = 1;
    private static final int H_FIXEDID_OUTER = 2;
    private static final int H_FIXEDID_INNER = 4;
    private static final int H_ENCAP = 8;
    /** Ethernet + IPv4 (no options) + TCP, not tunnelled: the flow compares by the cached keys alone. */
    private static final int H_SIMPLE = 16;
    /** A PPPoE session frame's aggregate (OpenWrt's handler): the PPPoE header sits in front of the IP header. */
    private static final int H_PPPOE = 32;
    /**
     * A UDP aggregate ({@code udp_gro_receive_segment()}), of fraglist GRO with {@link #H_FLIST}, else of
     * {@code rx-udp-gro-forwarding}; its {@link #R_MSS} is its first datagram's UDP payload, so that datagram's UDP
     * length less 8.
     */
    private static final int H_UDP = 64;
    private static final long U32 = 0xFFFFFFFFL;
    /** In {@link #R_PORTS} above the ports: the head is simple ({@link #H_SIMPLE}), so a simple key compares in one. */
    private static final long K_SIMPLE = 1L << 32;
    // held-entry record layout (longs)
    /** Raw hash (high 32 bits) and ingress device (low 32 bits). */
    private static final int R_HASH_DEV = 0;
    /** IPv4 source and destination address (simple heads). */
    private static final int R_KEY_ADDR = 1;
    /** TCP ports word, plus {@link #K_SIMPLE} for a simple head. */
    private static final int R_PORTS = 2;
    /** Ethernet bytes 0..7 and 6..13 (simple heads). */
    private static final int R_KEY_ETH0 = 3;
    private static final int R_KEY_ETH1 = 4;
    /** TCP bytes 8..15: ack_seq (high 32 bits) and the flag word (low 32 bits). */
    private static final int R_TCP_W1 = 5;
    private static final int R_FLAGS = 6;
    /** TCP option bytes 20..27 and 28..35 of the head as {@link #optionWord0} / {@link #optionWord1} read them. */
    private static final int R_OPT0 = 7;
    private static final int R_OPT1 = 8;
    private static final int R_IP_W0 = 9;
    private static final int R_IP_W1 = 10;
    private static final int R_SEGS = 11;
    private static final int R_MSS = 12;
    /** The sequence number the next in-order segment carries: head seq + payload merged so far (mod 2^32). */
    private static final int R_NEXT_SEQ = 13;
    private static final int R_NET_LEN = 14;
    private static final int R_FRAME = 15;
    private static final int R_HANDLE = 16;
    private static final int R_TAIL = 17;
    private static final int R_AGE = 18;
    /**
     * Low 32 bits: the head's frame length when it has an image ({@link #R_IMG}); minus that length while it may
     * have one but has merged nothing yet (the first merge takes it); 0 when it cannot: an image is for a simple,
     * non-GSO head (its payload is its gso_size) without CWR whose TCP header is at most {@link #IMG_MAX_THLEN} bytes
     * and whose slot has {@link #IMG_BYTES} bytes behind the frame. High 32 bits, taken with the image: the head's
     * IPv4 header summed without its ID and checksum (raw 16-bit halves, folded to 1..0xFFFF); a later segment that
     * repeats the image has a valid header sum iff this plus its ID and checksum folds to 0xFFFF.
     */
    private static final int R_IMG_LEN = 19;
    /**
     * The head's first {@link #IMG_BYTES} frame bytes as {@link #IMG_WORDS} raw words (platform order), the image
     * the next in-order segment of its flow repeats in every byte {@link #IMG_MASKS} keeps (all but the IP ID and
     * checksum, the sequence number, the TCP checksum and urgent pointer, and what lies past the TCP header).
     */
    private static final int R_IMG = 20;
    private static final int IMG_WORDS = 9;
    private static final int IMG_BYTES = IMG_WORDS * 8;
    /**
     * The masks of image words 6..8 for the head's TCP header length ({@link #IMG_MASKS}), taken with the image:
     * read beside it rather than through the header length. They make a record 32 longs (256 bytes); 34 made the
     * 64-flow receive measurably slower, 32 did not.
     */
    private static final int R_IMG_MASK6 = R_IMG + IMG_WORDS;
    private static final int REC = R_IMG_MASK6 + 3;
    /** The longest TCP header an image covers (Ethernet + IPv4 + TCP within {@link #IMG_BYTES}). */
    private static final int IMG_MAX_THLEN = 36;
    /** Per TCP header length / 4 (5..9): which bytes of each image word a merge compares; other rows null. */
    private static final long[][] IMG_MASKS = imageMasks();
    // image words 0..5 (bytes 0..47) lie inside every TCP header length's compared range: constant masks
    private static final long IMG_MASK0 = IMG_MASKS[5][0];
    private static final long IMG_MASK1 = IMG_MASKS[5][1];
    private static final long IMG_MASK2 = IMG_MASKS[5][2];
    private static final long IMG_MASK3 = IMG_MASKS[5][3];
    private static final long IMG_MASK4 = IMG_MASKS[5][4];
    private static final long IMG_MASK5 = IMG_MASKS[5][5];
    /** TCP header length up to which {@link #R_OPT0} and {@link #R_OPT1} hold every option byte. */
    private static final int OPT_CACHED_THLEN = 36;
    /** Whether this platform's order is network order (then no byte swap after a raw read). */
    private static final boolean NATIVE_NET = ByteOrder.nativeOrder() == NET;
    private static final int CS_NONE = ChecksumState.NONE.ordinal();
    private static final int CS_COMPLETE = ChecksumState.COMPLETE.ordinal();

    private final PacketStore store;
    private final MutableDirectBuffer buf;
    /**
     * The store buffer's backing array when buffer offsets are array indices (a heap buffer without wrap
     * adjustment, as PacketStore makes it), else null. The fast path reads frame words from it through
     * {@link #NET_LONG} / {@link #NET_INT}, the same bytes in the same order as {@code buf.getLong(i, NET)}, with
     * the array's own bounds check in place of Agrona's per-call range check.
     */
    private final byte[] mem;
    /**
     * The store buffer's backing array (null off heap) and the address of its byte 0: the fast paths check a
     * packet's slot once ({@link PacketStore#slotOffset(int)} and the frame against {@link #dataCapacity}) and read
     * the slot's metadata and frame words from here with {@link UnsafeApi}, without a range check per field.
     */
    private final byte[] memArray;
    private final long memAddress;
    /** Bytes of each slot's data area (headroom plus frame). */
    private final int dataCapacity;
    private final GroDeliverySink sink;
    private final boolean groEnabled;
    private final long nsPerJiffy;
    private final int hz;
    private final int groMaxSizeBytes;
    private final int groIpv4MaxSizeBytes;
    private final long groFlushTimeoutNs;
    private final int napiDeferHardIrqs;
    private final int groNormalBatch;
    private final boolean rxGroList;
    /** {@code rx-udp-gro-forwarding} ({@code NETIF_F_GRO_UDP_FWD}): UDP GRO without fraglist. */
    private final boolean udpGroForwarding;
    private final boolean keepMergedSegments;
    /** OpenWrt's PPPoE handler ({@link GroConfig#pppoeGro(boolean)}). */
    private final boolean pppoeGro;
    private final GroSocketLookup socketLookup;
    private final Counters<GroCounter> counters = new Counters<>(GroCounter.class);
    private final Counters<GroReason> reasonCounters = new Counters<>(GroReason.class);
    private GroTraceListener trace;

    // held packets
    private final int[] bucketCount = new int[BUCKETS];
    // fields of each held head, cached when it was parsed (its headers do not change while it is held)
    /**
     * The held entries as records of {@link #REC} longs (int fields widened), entry i at i * REC: the fields the
     * flow lookup compares first, then those the merge decision reads and updates, then the rest, so that the
     * common receive touches one entry's first two cache lines rather than one line per field array.
     */
    private final long[] held = new long[SLOTS * REC];
    private int heldTotal;
    // scratch for the entries a flush completes from the front of one bucket
    private final int[] doneHandle = new int[MAX_HELD_PER_BUCKET];
    private final int[] doneSegs = new int[MAX_HELD_PER_BUCKET];
    private final int[] doneNetLen = new int[MAX_HELD_PER_BUCKET];
    private final int[] doneFlags = new int[MAX_HELD_PER_BUCKET];

    // the jiffy of the last simulated time asked for (a division only when the time moves)
    private long jiffyAtNs;
    private long jiffy;

    // gro_normal list
    private final int[] rxHandle;
    /** The reasons of the rx_list as {@link GroReason} ordinals (no reference stores per packet). */
    private final byte[] rxReason;
    private static final GroReason[] REASONS = GroReason.values();
    private final int[] rxSegments;
    private int rxPackets;
    private int rxSegs;

    // NAPI completion state
    private int deferHardIrqsCount;
    private boolean timerArmed;
    private long timerDeadlineNs;
    private boolean irqMasked;

    // the packet under receive (NAPI_GRO_CB of the new skb)
    private int frame;
    private int netAt;
    private int innerAt;
    private int l4At;
    private int family;
    private int innerFamily;
    private int netLen;
    private int payloadLen;
    private int segs;
    private boolean flushMark;
    private boolean gsoIn;
    private int gsoSizeIn;
    private int hashIn;
    private int devIn;
    /** A PPPoE session frame taken by OpenWrt's handler: its IP header at Ethernet + {@link #PPPOE_HLEN}. */
    private boolean pppoeIn;
    /**
     * A UDP datagram for UDP GRO ({@link #parseUdp}): {@link #tcpW0} then holds its UDP header (ports, length,
     * checksum) and {@link #tcpW1} is 0.
     */
    private boolean udpIn;
    /** {@link #pppoeHeader}'s answer: 4 or 6 for a frame the handler passes on. */
    private int pppoeFamily;
    /** Ethernet + IPv4 without options + TCP, not tunnelled (see {@link #H_SIMPLE}). */
    private boolean simple;
    /** After {@link #SIMPLE_PARSED}: the held entry of the packet's flow ({@link #lookup} result), or -1. */
    private int simpleHead;
    /** Neither rx-gro-list nor kept segments: a simple merge frees the new packet ({@link #receiveSimple}). */
    private final boolean mergeFrees;
    /** {@link #mergeImaged} may decide merges (always but in tests; only where a merge frees the packet; GRO on). */
    private final boolean imageMerges;
    /** Outer IPv4 header bytes 0..7 (version to fragment word), network order; valid when family is 4. */
    private long ipW0;
    /** Outer IPv4 header bytes 8..11 (TTL, protocol, checksum), network order; valid when family is 4. */
    private int ipW1;
    /** The last IPv4 level {@link #ipv4(int, int, int)} read: bytes 0..7, 8..11 and the two addresses. */
    private long lastIpW0;
    private int lastIpW1;
    private long lastIpAddr;
    /** TCP header bytes 0..7 (ports, seq) and 8..15 (ack_seq, flag word), network order. */
    private long tcpW0;
    private long tcpW1;
    // flow key of a simple packet: Ethernet bytes 0..7 and 6..13, IPv4 addresses
    private long keyEth0;
    private long keyEth1;
    private long keyAddr;

    /**
     * Creates the GRO state of one NAPI instance.
     *
     * @param store the packet store
     * @param config the knobs (copied)
     * @param sink where packets go up to the stack
     */
    public GroTable(final PacketStore store, final GroConfig config, final GroDeliverySink sink) {
        this(store, config, sink, true);
    }

    /**
     * As {@link #GroTable(PacketStore, GroConfig, GroDeliverySink)}; without image merges every packet takes the
     * exact path (tests compare the two: an image only ever takes a merge the exact path would take).
     */
    GroTable(final PacketStore store, final GroConfig config, final GroDeliverySink sink, final boolean imageMerges) {
        if (store == null || config == null || sink == null) {
            throw new IllegalArgumentException("GroTable: store, config and sink are required");
        }
        this.store = store;
        this.buf = store.buffer();
        this.mem = buf.byteArray() != null && buf.wrapAdjustment() == 0 ? buf.byteArray() : null;
        this.memArray = buf.byteArray();
        this.memAddress = buf.addressOffset();
        this.dataCapacity = store.dataCapacity();
        this.sink = sink;
        this.groEnabled = config.groEnabled();
        this.nsPerJiffy = 1_000_000_000L / config.hz();
        this.groMaxSizeBytes = config.groMaxSizeBytes();
        this.groIpv4MaxSizeBytes = config.groIpv4MaxSizeBytes();
        this.groFlushTimeoutNs = config.groFlushTimeoutNs();
        this.napiDeferHardIrqs = config.napiDeferHardIrqs();
        this.groNormalBatch = config.groNormalBatch();
        this.rxGroList = config.rxGroList();
        this.udpGroForwarding = config.udpGroForwarding();
        this.keepMergedSegments = config.keepMergedSegments();
        this.pppoeGro = config.pppoeGro();
        this.mergeFrees = !rxGroList && !keepMergedSegments;
        this.imageMerges = imageMerges && mergeFrees && groEnabled;
        this.socketLookup = config.socketLookup();
        this.rxHandle = new int[groNormalBatch + 1];
        this.rxReason = new byte[groNormalBatch + 1];
        this.rxSegments = new int[groNormalBatch + 1];
        this.hz = config.hz();
    }

    /** @return the outcome counters */
    public Counters<GroCounter> counters() {
        return counters;
    }

    /** @return deliveries counted per reason */
    public Counters<GroReason> reasonCounters() {
        return reasonCounters;
    }

    /**
     * Attaches the trace hook.
     *
     * @param listener the listener, or null for none
     */
    public void traceListener(final GroTraceListener listener) {
        this.trace = listener;
    }

    /** @return packets held now, over all buckets */
    public int heldCount() {
        return heldTotal;
    }

    /**
     * @param bucket 0..7
     * @return packets held in the bucket
     */
    public int heldCount(final int bucket) {
        return bucketCount[bucket];
    }

    /** @return packets completed or delivered alone but not yet passed up (the {@code rx_list}) */
    public int pendingCount() {
        return rxPackets;
    }

    /** @return whether the {@code gro_flush_timeout} hrtimer is armed */
    public boolean timerArmed() {
        return timerArmed;
    }

    /** @return when the armed hrtimer fires, ns (meaningless when not armed) */
    public long timerDeadlineNs() {
        return timerDeadlineNs;
    }

    /** @return whether the last completion kept the device interrupt masked ({@code napi_defer_hard_irqs}) */
    public boolean irqMasked() {
        return irqMasked;
    }

    /**
     * The jiffies value at a simulated time (time 0 starts jiffy 0).
     *
     * @param nowNs simulated time, ns
     * @return jiffies
     */
    public long jiffies(final long nowNs) {
        return nowNs / nsPerJiffy;
    }

    // ================================================================ receive

    /**
     * Takes one received frame: {@code napi_gro_receive()} / {@code dev_gro_receive()} (net/core/gro.c, 6.18).
     * The frame starts with its Ethernet header (or with the IP header when {@code FLAG_RAW_IP} is set); its
     * receive hash, ingress device, checksum state and gso fields are read from the store.
     *
     * <p>Counters: {@link GroCounter#RECEIVED}, then one of {@link GroCounter#MERGED}, {@link GroCounter#HELD},
     * {@link GroCounter#NORMAL} (+ {@link GroCounter#BYPASS}); completions count {@link GroCounter#COMPLETED}.
     *
     * @param handle the packet; GRO owns it from now on
     * @param nowNs simulated time, ns
     * @return what happened to the packet
     */
    public GroResult receive(final int handle, final long nowNs) {
        // kept small so that it inlines into the driver's loop: the common merge is decided by mergeImaged
        counters.increment(GroCounter.RECEIVED);
        return imageMerges && mergeImaged(handle, nowNs) ? GroResult.MERGED_FREE
            : receiveExact(handle, nowNs);
    }

    /** {@link #receive} when {@link #mergeImaged} did not merge: the simple path, then the general one. */
    private GroResult receiveExact(final int handle, final long nowNs) {
        final int simpleOutcome = groEnabled ? receiveSimple(handle, nowNs) : NOT_SIMPLE;
        return simpleOutcome == SIMPLE_MERGED ? GroResult.MERGED_FREE : receiveGeneral(handle, simpleOutcome, nowNs);
    }

    /**
     * The shortest path: a simple packet (as {@link #receiveSimple} requires, checksum UNNECESSARY or PARTIAL) whose
     * newest held head of the same hash and device has an image that decides the merge ({@link #mergesAsImaged}).
     * Merges it and returns true, or returns false having changed nothing.
     */
    private boolean mergeImaged(final int h, final long nowNs) {
        final byte[] m = memArray;
        final long meta = memAddress + store.slotOffset(h);
        final int hash = UnsafeApi.getInt(m, meta + PacketLayout.HASH_OFFSET);
        final int bucket = hash & (BUCKETS - 1);
        final int n = bucketCount[bucket];
        // checksum UNNECESSARY or PARTIAL (odd ordinals); not raw IP, not GSO, not chained
        if (n == 0 || (UnsafeApi.getByte(m, meta + PacketLayout.CSUM_STATE_OFFSET) & ~2) != 1
            || ((UnsafeApi.getInt(m, meta + PacketLayout.FLAGS_OFFSET) & PacketStore.FLAG_RAW_IP)
            | UnsafeApi.getInt(m, meta + PacketLayout.GSO_SIZE_OFFSET)
            | ~UnsafeApi.getInt(m, meta + PacketLayout.NEXT_OFFSET)) != 0) {
            return false;
        }
        final int p = newestSameHashDev(bucket, n,
            hashDev(hash, UnsafeApi.getInt(m, meta + PacketLayout.INGRESS_DEVICE_OFFSET)));
        return p >= 0 && mergesAsImaged(h, p, m, meta, nowNs);
    }

    /** The newest of the n held entries of a bucket with this {@link #R_HASH_DEV} key, or -1. */
    private int newestSameHashDev(final int bucket, final int n, final long hashDev) {
        final long[] e = held;
        final int base = bucket * MAX_HELD_PER_BUCKET;
        for (int p = base + n - 1; p >= base; p--) {
            if (e[p * REC + R_HASH_DEV] == hashDev) {
                return p;
            }
        }
        return -1;
    }

    /** {@link #receive} past the fast path: GRO off, not simple, or simple but not merged there. */
    private GroResult receiveGeneral(final int handle, final int simpleOutcome, final long nowNs) {
        if (!groEnabled) {
            return normal(handle, GroReason.GRO_DISABLED, nowNs, -1);
        }
        if (simpleOutcome == NOT_SIMPLE) {
            final GroReason bad = parse(handle);
            if (bad != null) {
                return normal(handle, bad, nowNs, -1);
            }
            if (udpIn) {
                return receiveUdp(handle, nowNs);
            }
        }
        final int bucket = hashIn & (BUCKETS - 1);
        // receiveSimple has looked the flow up already
        final int p = simpleOutcome == SIMPLE_PARSED ? simpleHead : lookup(handle, bucket);
        final int len = payloadLen;
        final int flags = (int) tcpW1;
        boolean flist = false;
        if (rxGroList) {
            flist = p >= 0 ? ((int) held[p * REC + R_FLAGS] & H_FLIST) != 0
                : !socketLookup.hasLocalSocket(store, handle);
        }
        int mss = 1;
        if (p >= 0) {
            final GroReason refused = mergeRefusal(handle, p, flags, flist);
            if (refused == null) {
                return merge(handle, bucket, p, flags, len, nowNs);
            }
            completeAt(bucket, p, refused, nowNs);
        }
        // out_check_final without a merge: mss is 1
        final boolean tailFlush = gsoIn ? len != segs * gsoSizeIn : len < mss;
        if (flushMark) {
            return normal(handle, gsoIn && gsoUntrusted(handle) ? GroReason.GSO_UNTRUSTED : GroReason.L3_FLUSH_MARK,
                nowNs, -1);
        }
        if (tailFlush) {
            return normal(handle, gsoIn ? GroReason.GSO_PARTIAL_TAIL : GroReason.NO_PAYLOAD, nowNs, -1);
        }
        if ((flags & CLOSING_FLAGS) != 0) {
            return normal(handle, GroReason.SPECIAL_FLAGS, nowNs, -1);
        }
        hold(handle, bucket, flist, nowNs);
        return GroResult.HELD;
    }

    /**
     * {@code udp_gro_receive_segment()}'s flow loop (net/ipv4/udp_offload.c, 6.18) for a datagram {@link #parseUdp}
     * passed on, {@code is_flist} exactly when {@code rx-gro-list} is on ({@code udp_gro_receive()}: no socket is
     * found). The held packet p of its flow (found as for TCP: hash, device, Ethernet header, IP addresses and
     * protocol, ports) is completed and the datagram held in its place when an IP level refuses ({@code
     * gro_receive_network_flush()}: TTL, TOS, DF, the IPv4 ID rule) or the datagram is longer than p's first ({@code
     * ulen > ntohs(uh2->len)}, {@link GroReason#LARGER_THAN_MSS}). With {@code is_flist} a checksum state other than
     * p's sends the datagram up alone and leaves p held ({@link GroReason#UDP_CHECKSUM_STATE}) and {@code
     * skb_gro_receive_list()} refuses by {@link #udpListRefusal}; without it {@code skb_gro_receive()} refuses by
     * {@link #udpReceiveRefusal}. A refusal at the size limit ({@link
     * GroReason#MAX_SIZE}) completes p and holds the datagram. Otherwise the datagram joins p ({@link #mergeUdp}). A
     * datagram with the L3 flush mark refuses the merge as in {@link #mergeRefusal} and goes up alone.
     */
    private GroResult receiveUdp(final int h, final long nowNs) {
        final int bucket = hashIn & (BUCKETS - 1);
        final int p = lookup(h, bucket);
        final boolean flist = rxGroList;
        if (p >= 0) {
            final long[] e = held;
            final int r = p * REC;
            final int headPayload = (int) e[r + R_MSS];
            final int qf = (int) e[r + R_FRAME];
            final int segsInP = (int) e[r + R_SEGS];
            GroReason refused = family == 4
                ? ipv4Flush(ipW0, ipW1, e[r + R_IP_W0], (int) e[r + R_IP_W1], p, segsInP, H_FIXEDID_OUTER)
                : ipFlush(family, netAt, qf + (netAt - frame), p, segsInP, H_FIXEDID_OUTER);
            if (refused == null && innerAt >= 0) {
                refused = ipFlush(innerFamily, innerAt, qf + (innerAt - frame), p, segsInP, H_FIXEDID_INNER);
            }
            if (refused == null && payloadLen > headPayload) {
                refused = GroReason.LARGER_THAN_MSS;
            }
            if (refused == null && flist) {
                final int q = (int) e[r + R_HANDLE];
                if (store.checksumState(h) != store.checksumState(q)
                    || store.checksumLevel(h) != store.checksumLevel(q)) {
                    return normal(h, GroReason.UDP_CHECKSUM_STATE, nowNs, q);
                }
            }
            if (refused == null) {
                refused = flist ? udpListRefusal(r) : udpReceiveRefusal(r);
                if (refused == null) {
                    return mergeUdp(h, bucket, p, headPayload, flist, nowNs);
                }
            }
            completeAt(bucket, p, refused, nowNs);
        }
        if (flushMark) {
            return normal(h, gsoIn && gsoUntrusted(h) ? GroReason.GSO_UNTRUSTED : GroReason.L3_FLUSH_MARK, nowNs, -1);
        }
        hold(h, bucket, flist, nowNs);
        return GroResult.HELD;
    }

    /**
     * {@code skb_gro_receive_list()} (net/core/gro.c, 6.18) of the datagram under receive into the held packet of
     * record r, with {@code is_flist}: {@code -E2BIG} ({@link GroReason#MAX_SIZE}) when {@code p->len + skb->len}
     * reaches 65536, the new datagram counted whole from its IP header (as for TCP, {@code p->len} and {@code
     * skb->len} count a PPPoE header each); a datagram with the L3 flush mark is refused ({@link
     * GroReason#L3_MARK_REFUSED}). Null: chain it.
     */
    private GroReason udpListRefusal(final int r) {
        if ((int) held[r + R_NET_LEN] + netLen + (pppoeIn ? 2 * PPPOE_HLEN : 0) >= LEGACY_MAX_SIZE_BYTES) {
            return GroReason.MAX_SIZE;
        }
        return flushMark ? GroReason.L3_MARK_REFUSED : null;
    }

    /**
     * {@code skb_gro_receive()} (net/core/gro.c, 6.18) of the datagram under receive into the held packet of record
     * r, without {@code is_flist}: {@code len = skb_gro_len(skb)} is the datagram's UDP payload (the UDP header was
     * pulled), {@code p->len} the held packet's length from its IP header (a PPPoE aggregate's 8 header bytes
     * count). {@code -E2BIG} ({@link GroReason#MAX_SIZE}) when {@code p->len + len} reaches {@code
     * netif_get_gro_max_size()} (gro_ipv4_max_size for IPv4 and PPPoE, gro_max_size for IPv6) or, the datagram not
     * being TCP, {@code GRO_LEGACY_MAX_SIZE} (65536); a datagram with the L3 flush mark ({@code
     * NAPI_GRO_CB(skb)->flush}) is refused too ({@link GroReason#L3_MARK_REFUSED}, as for TCP). Null: merge.
     */
    private GroReason udpReceiveRefusal(final int r) {
        final int max = family == 4 || pppoeIn ? groIpv4MaxSizeBytes : groMaxSizeBytes;
        final int grown = (int) held[r + R_NET_LEN] + payloadLen + (pppoeIn ? PPPOE_HLEN : 0);
        if (grown >= max) {
            return GroReason.MAX_SIZE;
        }
        if (flushMark) {
            return GroReason.L3_MARK_REFUSED;
        }
        return grown >= LEGACY_MAX_SIZE_BYTES ? GroReason.MAX_SIZE : null;
    }

    /**
     * Datagram h joins held packet p (whose first datagram carried headPayload bytes): with flist {@code
     * skb_gro_receive_list()} chains it to p's frag_list; without, {@code skb_gro_receive()} merges its payload
     * (counted in p's length; the datagram is chained behind p only where {@link GroConfig#keepMergedSegments()}
     * asks, else freed, as for TCP). p then completes at once if the datagram was shorter ({@code ulen !=
     * ntohs(uh2->len)}, {@link GroReason#SHORT_SEGMENT}) or is its 64th ({@code UDP_GRO_CNT_MAX}, {@link
     * GroReason#FRAGLIST_COUNT}).
     */
    private GroResult mergeUdp(final int h, final int bucket, final int p, final int headPayload,
        final boolean flist, final long nowNs) {
        final long[] e = held;
        final int r = p * REC;
        final int count = (int) e[r + R_SEGS] + 1;
        e[r + R_SEGS] = count;
        e[r + R_NET_LEN] += payloadLen;
        final GroResult result;
        if (flist || keepMergedSegments) {
            appendToList(h, p);
            result = GroResult.MERGED;
        } else {
            store.free(h);
            result = GroResult.MERGED_FREE;
        }
        counters.increment(GroCounter.MERGED);
        traceReceive(nowNs, h, result, null, (int) e[r + R_HANDLE]);
        if (payloadLen != headPayload) {
            completeAt(bucket, p, GroReason.SHORT_SEGMENT, nowNs);
        } else if (count >= FRAGLIST_MAX_SEGMENTS) {
            completeAt(bucket, p, GroReason.FRAGLIST_COUNT, nowNs);
        }
        return result;
    }

    private boolean gsoUntrusted(final int handle) {
        return store.next(handle) != PacketStore.NO_PACKET || (store.gsoType(handle)
            & (PacketStore.GSO_TCPV4 | PacketStore.GSO_TCPV6)) == 0
            || (store.gsoType(handle) & PacketStore.GSO_DODGY) != 0;
    }

    /**
     * Reads the headers of the new packet into the receive state; returns a bypass reason or null. Models the
     * checks of {@code inet_gro_receive()}, {@code ipv6_gro_receive()}, {@code ipip_gro_receive()} and
     * {@code tcp4_gro_receive()} / {@code tcp6_gro_receive()} that end in {@code flush = 1} before a flow is
     * looked up, and the checksum validation.
     */
    private GroReason parse(final int h) {
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int f = s.frameOffset(h);
        final int len = s.length(h);
        final int stored = Math.min(s.storedLength(h), len);
        frame = f;
        innerAt = -1;
        innerFamily = 0;
        pppoeIn = false;
        udpIn = false;
        int l3;
        int fam;
        if (s.hasFlag(h, PacketStore.FLAG_RAW_IP)) {
            if (stored < 1) {
                return GroReason.MALFORMED;
            }
            final int v = (b.getByte(f) & 0xF0) >>> 4;
            fam = v == 4 ? 4 : v == 6 ? 6 : 0;
            l3 = 0;
        } else {
            if (stored < ETH_LEN) {
                return GroReason.MALFORMED;
            }
            final int type = b.getShort(f + 12, NET) & 0xFFFF;
            fam = type == ETH_IPV4 ? 4 : type == ETH_IPV6 ? 6 : 0;
            l3 = ETH_LEN;
            if (type == ETH_PPPOE_SESSION && pppoeGro) {
                final GroReason bad = pppoeHeader(f, len, stored);
                if (bad != null) {
                    return bad;
                }
                fam = pppoeFamily;
                l3 = ETH_LEN + PPPOE_HLEN;
                pppoeIn = true;
            }
        }
        if (fam == 0) {
            return GroReason.NO_HANDLER;
        }
        final int gsoSize = s.gsoSize(h);
        gsoIn = gsoSize > 0;
        gsoSizeIn = gsoSize;
        segs = 1;
        flushMark = s.next(h) != PacketStore.NO_PACKET;
        if (gsoIn) {
            segs = Math.max(1, s.gsoSegs(h));
            final int type = s.gsoType(h);
            if ((type & (PacketStore.GSO_TCPV4 | PacketStore.GSO_TCPV6)) == 0 || (type & PacketStore.GSO_DODGY) != 0) {
                flushMark = true;
            }
        }
        family = fam;
        netAt = f + l3;
        netLen = len - l3;
        int at = l3;
        int proto;
        if (fam == 4) {
            final int r = ipv4(at, len - at, stored - at);
            if (r < 0) {
                return ipv4Reason(r);
            }
            proto = r;
            ipW0 = lastIpW0;
            ipW1 = lastIpW1;
            at += 20;
        } else {
            final int r = ipv6(at, len - at, stored - at);
            if (r < 0) {
                return ipv6Reason(r);
            }
            proto = r & 0xFF;
            at += r >>> 8;
        }
        if (proto == PROTO_IPIP || proto == PROTO_IPV6) {
            if (fam != 4) {
                return GroReason.TUNNEL_NESTED;
            }
            innerFamily = proto == PROTO_IPIP ? 4 : 6;
            innerAt = f + at;
            if (innerFamily == 4) {
                final int r = ipv4(at, len - at, stored - at);
                if (r < 0) {
                    return ipv4Reason(r);
                }
                proto = r;
                at += 20;
            } else {
                final int r = ipv6(at, len - at, stored - at);
                if (r < 0) {
                    return ipv6Reason(r);
                }
                proto = r & 0xFF;
                at += r >>> 8;
            }
            if (proto == PROTO_IPIP || proto == PROTO_IPV6) {
                return GroReason.TUNNEL_NESTED;
            }
        }
        if (proto != PROTO_TCP) {
            return proto == PROTO_UDP && (rxGroList || udpGroForwarding) ? parseUdp(h, f, at, len, stored)
                : GroReason.NOT_TCP;
        }
        if (stored < at + 20) {
            return GroReason.MALFORMED;
        }
        final long t1 = b.getLong(f + at + 8, NET);
        final int thlen = ((int) t1 >>> 28) << 2;
        if (thlen < 20 || stored < at + thlen || len < at + thlen) {
            return GroReason.MALFORMED;
        }
        l4At = f + at;
        tcpW0 = b.getLong(f + at, NET);
        tcpW1 = t1;
        payloadLen = len - at - thlen;
        if (!flushMark && !checksumValid(h, len - at, PROTO_TCP)) {
            return GroReason.TCP_BAD_CHECKSUM;
        }
        hashIn = s.hash(h);
        devIn = s.ingressDevice(h);
        final boolean simpleIn = l3 == ETH_LEN && fam == 4 && innerAt < 0;
        simple = simpleIn;
        if (simpleIn) {
            keyEth0 = b.getLong(f, NET);
            keyEth1 = b.getLong(f + 6, NET);
            keyAddr = lastIpAddr;
        }
        return null;
    }

    /**
     * The UDP part of {@link #parse(int)} with fraglist GRO ({@code rx-gro-list}) or {@code rx-udp-gro-forwarding}:
     * {@code udp4_gro_receive()} / {@code udp6_gro_receive()} (net/ipv4/udp_offload.c, net/ipv6/udp_offload.c, 6.18)
     * validate the checksum unless the packet is flushed anyway ({@code skb_gro_checksum_validate_zero_check()}: a
     * zero checksum is not validated), find no socket (one is looked up only for UDP encapsulation, {@code
     * udp_encap_needed_key}, which the model has not), so that {@code udp_gro_receive()} sets {@code is_flist} with
     * {@code rx-gro-list} and calls {@code udp_gro_receive_segment()} in either mode; that refuses, before its flow
     * loop, a zero checksum and a UDP length of 8 or less or other than the bytes after the IP header (Ethernet
     * padding, a bad length). Each refusal is {@code flush = 1}: the datagram goes up alone with the returned reason,
     * held packets untouched. The datagram's UDP header (read at f + at) is left in {@link #tcpW0}.
     */
    private GroReason parseUdp(final int h, final int f, final int at, final int len, final int stored) {
        if (stored < at + UDP_HLEN || len < at + UDP_HLEN) {
            return GroReason.MALFORMED;
        }
        final long u = buf.getLong(f + at, NET);
        final int check = (int) u & 0xFFFF;
        l4At = f + at;
        tcpW0 = u;
        tcpW1 = 0;
        payloadLen = len - at - UDP_HLEN;
        if (!flushMark) {
            if (check != 0) {
                if (!checksumValid(h, len - at, PROTO_UDP)) {
                    return GroReason.UDP_BAD_CHECKSUM;
                }
            } else if (store.checksumState(h) == ChecksumState.NONE) {
                // __skb_gro_checksum_validate(): nothing to validate, then skb_gro_incr_csum_unnecessary()
                store.checksumState(h, ChecksumState.UNNECESSARY);
                store.checksumLevel(h, 0);
            }
        }
        if (check == 0) {
            return GroReason.UDP_NO_CHECKSUM;
        }
        final int ulen = (int) (u >>> 16) & 0xFFFF;
        if (ulen <= UDP_HLEN || ulen != len - at) {
            return GroReason.UDP_LENGTH;
        }
        hashIn = store.hash(h);
        devIn = store.ingressDevice(h);
        simple = false;
        udpIn = true;
        return null;
    }

    /**
     * OpenWrt's {@code pppoe_gro_receive()} (650-net-pppoe-implement-GRO-support.patch) up to its call of
     * {@code inet_gro_receive()} / {@code ipv6_gro_receive()}: the PPPoE header and PPP protocol must be there
     * ({@code skb_gro_header(skb, hlen + 2, ...)}), the PPPoE length field + 6 must equal the bytes after the Ethernet
     * header ({@code skb_gro_len(skb) != be16_to_cpu(phdr->length) + hlen}: Ethernet padding or a bad length), and the
     * PPP protocol must be {@code PPP_IP} or {@code PPP_IPV6} ({@code pppoe_hdr_proto()}); each failure is the
     * handler's {@code flush = 1}: the frame goes up alone with the returned reason, held packets untouched. Like the
     * patch, the version/type and code bytes are not looked at. Sets {@link #pppoeFamily} and returns null when the
     * frame goes on to the IP handler.
     */
    private GroReason pppoeHeader(final int f, final int len, final int stored) {
        final MutableDirectBuffer b = buf;
        if (stored < ETH_LEN + PPPOE_HLEN) {
            return GroReason.MALFORMED;
        }
        if ((b.getShort(f + ETH_LEN + 4, NET) & 0xFFFF) + PPPOE_HDR != len - ETH_LEN) {
            return GroReason.PPPOE_LENGTH;
        }
        final int ppp = b.getShort(f + ETH_LEN + PPPOE_HDR, NET) & 0xFFFF;
        if (ppp != PPP_IP && ppp != PPP_IPV6) {
            return GroReason.PPPOE_NOT_IP;
        }
        pppoeFamily = ppp == PPP_IP ? 4 : 6;
        return null;
    }

    /** {@link #receiveSimple}: not a simple packet, nothing set; {@link #parse(int)} takes it. */
    private static final int NOT_SIMPLE = 0;
    /** {@link #receiveSimple}: parsed, the receive state set as {@link #parse(int)} would; the general path goes on. */
    private static final int SIMPLE_PARSED = 1;
    /** {@link #receiveSimple}: merged into a held head and freed (GroResult.MERGED_FREE); nothing else to do. */
    private static final int SIMPLE_MERGED = 2;

    /**
     * The common case in one short pass, on locals: an Ethernet frame with an IPv4 header without options carrying
     * TCP, not a GSO packet, not chained, its checksum trusted (UNNECESSARY or PARTIAL) or verified here (NONE),
     * and nothing that sets the L3 flush mark ({@link #NOT_SIMPLE} for anything else). If the newest held head of
     * its flow takes it with no rule refusing ({@code tcp_gro_receive()} order, as {@link #mergeRefusal}), no flag
     * to carry and no completion due ({@code len == mss}, no PSH/FIN/URG/RST/SYN), and neither fraglist nor kept
     * segments apply, it is merged here ({@link #SIMPLE_MERGED}, counted and traced as {@link #merge} does);
     * otherwise the receive state is set exactly as {@link #parse(int)} sets it ({@link #SIMPLE_PARSED}) and the
     * general path decides.
     */
    private int receiveSimple(final int h, final long nowNs) {
        final PacketStore s = store;
        final byte[] m = memArray;
        // the slot is checked once; its metadata fields are then read in place (platform order)
        final int slot = s.slotOffset(h);
        final long meta = memAddress + slot;
        final int len = UnsafeApi.getInt(m, meta + PacketLayout.LENGTH_OFFSET);
        final int stored = Math.min(UnsafeApi.getInt(m, meta + PacketLayout.STORED_LENGTH_OFFSET), len);
        final int dataOff = UnsafeApi.getShort(m, meta + PacketLayout.DATA_OFFSET_OFFSET);
        // the frame bytes read below lie in the slot's data area (checked once: stored bytes behind the offset)
        if (stored < SIMPLE_MIN_BYTES || dataOff < 0 || dataOff + stored > dataCapacity
            || (UnsafeApi.getInt(m, meta + PacketLayout.FLAGS_OFFSET) & PacketStore.FLAG_RAW_IP) != 0
            || UnsafeApi.getInt(m, meta + PacketLayout.GSO_SIZE_OFFSET) != 0
            || UnsafeApi.getInt(m, meta + PacketLayout.NEXT_OFFSET) != PacketStore.NO_PACKET) {
            return NOT_SIMPLE;
        }
        final int cs = UnsafeApi.getByte(m, meta + PacketLayout.CSUM_STATE_OFFSET);
        if (cs == CS_COMPLETE) {
            return NOT_SIMPLE;
        }
        final int f = slot + PacketLayout.META_LENGTH + dataOff;
        final long fa = memAddress + f;
        // the newest held head with the same hash and device (mergeImaged found none, or its image did not decide)
        final int hash = UnsafeApi.getInt(m, meta + PacketLayout.HASH_OFFSET);
        final int bucket = hash & (BUCKETS - 1);
        final int n = bucketCount[bucket];
        final int base = bucket * MAX_HELD_PER_BUCKET;
        int p = base - 1;
        if (n > 0) {
            final long[] e = held;
            final long hashDev = hashDev(hash, UnsafeApi.getInt(m, meta + PacketLayout.INGRESS_DEVICE_OFFSET));
            p = base + n - 1;
            while (p >= base && e[p * REC + R_HASH_DEV] != hashDev) {
                p--;
            }
        }
        final long e1 = rawNetLong(m, fa + 6);
        final long w0 = rawNetLong(m, fa + ETH_LEN);
        // EtherType IPv4; version 4 with IHL 5; no fragment offset, MF or reserved bit (DF may be set); the total
        // length is the frame's
        if (((int) e1 & 0xFFFF) != ETH_IPV4 || (w0 & 0xFF00_0000_0000_BFFFL) != 0x4500_0000_0000_0000L
            || ((int) (w0 >>> 32) & 0xFFFF) != len - ETH_LEN) {
            return NOT_SIMPLE;
        }
        final long w1 = rawNetLong(m, fa + ETH_LEN + 8);
        final long w2 = rawNetInt(m, fa + ETH_LEN + 16) & U32;
        if (((int) (w1 >>> 48) & 0xFF) != PROTO_TCP || !ipv4HeaderSumValid(w0, w1, w2)) {
            return NOT_SIMPLE;
        }
        final int l4 = f + SIMPLE_L4_OFFSET;
        final long l4a = fa + SIMPLE_L4_OFFSET;
        final long t1 = rawNetLong(m, l4a + 8);
        final int thlen = ((int) t1 >>> 28) << 2;
        if (thlen < 20 || stored < SIMPLE_L4_OFFSET + thlen) {
            return NOT_SIMPLE;
        }
        if (cs == CS_NONE && !simpleChecksumValid(h, l4, w1, w2, len, stored)) {
            return NOT_SIMPLE;
        }
        // gro_list_prepare() and the TCP lookup: the newest held head with the same flow key (none newer than p: they
        // differ in hash or device)
        if (p >= base) {
            final long[] e = held;
            final long hashDev = e[p * REC + R_HASH_DEV];
            final long addr = (w1 << 32) | w2;
            final long portsKey = (rawNetInt(m, l4a) & U32) | K_SIMPLE;
            final long e0 = rawNetLong(m, fa);
            int i = p;
            p = -1;
            for (; i >= base; i--) {
                final int r = i * REC;
                if (e[r + R_HASH_DEV] == hashDev && e[r + R_KEY_ADDR] == addr && e[r + R_PORTS] == portsKey
                    && e[r + R_KEY_ETH0] == e0 && e[r + R_KEY_ETH1] == e1) {
                    p = i;
                    break;
                }
            }
            final int payload = len - SIMPLE_L4_OFFSET - thlen;
            if (p >= 0 && mergeFrees && ((int) t1 & CLOSING_FLAGS) == 0
                && simpleMergeable(p, m, l4a, l4, t1, thlen, w0, (int) (w1 >>> 32), payload, rawNetInt(m, l4a + 4))) {
                return mergeSimple(h, p, payload, nowNs);
            }
        } else {
            p = -1;
        }
        simpleHead = p;
        simpleParsed(m, meta, f, len);
        return SIMPLE_PARSED;
    }

    /** A simple segment of payload bytes joins held head p and is freed ({@code skb_gro_receive()}, MERGED_FREE). */
    private int mergeSimple(final int h, final int p, final int payload, final long nowNs) {
        final long[] e = held;
        final int r = p * REC;
        e[r + R_SEGS] += 1;
        e[r + R_NEXT_SEQ] = (int) e[r + R_NEXT_SEQ] + payload;
        e[r + R_NET_LEN] += payload;
        if ((int) e[r + R_IMG_LEN] < 0) {
            takeImage(e, r);
        }
        store.free(h);
        counters.increment(GroCounter.MERGED);
        traceReceive(nowNs, h, GroResult.MERGED_FREE, null, (int) e[r + R_HANDLE]);
        return SIMPLE_MERGED;
    }

    /**
     * Sets the receive state of a simple packet exactly as {@link #parse(int)} would, from its checked slot (meta
     * is the address of its metadata, f the buffer offset of its frame, len its length); its words are read again
     * here rather than kept live through the merge attempt.
     */
    private void simpleParsed(final byte[] m, final long meta, final int f, final int len) {
        final long fa = memAddress + f;
        final long w0 = rawNetLong(m, fa + ETH_LEN);
        final long w1 = rawNetLong(m, fa + ETH_LEN + 8);
        final long t1 = rawNetLong(m, fa + SIMPLE_L4_OFFSET + 8);
        frame = f;
        innerAt = -1;
        innerFamily = 0;
        pppoeIn = false;
        udpIn = false;
        family = 4;
        gsoIn = false;
        gsoSizeIn = 0;
        segs = 1;
        flushMark = false;
        netAt = f + ETH_LEN;
        netLen = len - ETH_LEN;
        ipW0 = w0;
        ipW1 = (int) (w1 >>> 32);
        l4At = f + SIMPLE_L4_OFFSET;
        tcpW0 = rawNetLong(m, fa + SIMPLE_L4_OFFSET);
        tcpW1 = t1;
        payloadLen = len - SIMPLE_L4_OFFSET - (((int) t1 >>> 28) << 2);
        hashIn = UnsafeApi.getInt(m, meta + PacketLayout.HASH_OFFSET);
        devIn = UnsafeApi.getInt(m, meta + PacketLayout.INGRESS_DEVICE_OFFSET);
        simple = true;
        keyEth0 = rawNetLong(m, fa);
        keyEth1 = rawNetLong(m, fa + 6);
        keyAddr = (w1 << 32) | (rawNetInt(m, fa + ETH_LEN + 16) & U32);
    }

    /**
     * The first merge into record r's head: its bytes become the image its later segments are compared with, with
     * the masks of its last three words ({@link #R_IMG_MASK6}), and the rest of its IPv4 header sum goes beside its
     * length ({@link #R_IMG_LEN}).
     */
    private void takeImage(final long[] e, final int r) {
        final long fa = memAddress + (int) e[r + R_FRAME];
        for (int k = 0; k < IMG_WORDS; k++) {
            e[r + R_IMG + k] = UnsafeApi.getLong(memArray, fa + 8 * k);
        }
        // an image's head has a TCP header of 20..IMG_MAX_THLEN bytes (hold): its row of masks exists
        final long[] masks = IMG_MASKS[((int) e[r + R_TCP_W1] >>> 28) & 0xF];
        e[r + R_IMG_MASK6] = masks[6];
        e[r + R_IMG_MASK6 + 1] = masks[7];
        e[r + R_IMG_MASK6 + 2] = masks[8];
        // the IPv4 header at bytes 14..33 but ID (18, 19) and checksum (24, 25), in raw halves (order-free)
        final long x1 = e[r + R_IMG + 1];
        final long x2 = e[r + R_IMG + 2];
        final long x3 = e[r + R_IMG + 3];
        final long x4 = e[r + R_IMG + 4];
        final long rest = NATIVE_NET
            ? (x1 & 0xFFFF) + (x2 >>> 48) + (x2 & U32) + (x3 & 0xFFFF_FFFF_FFFFL) + (x4 >>> 48)
            : (x1 >>> 48) + (x2 & 0xFFFF) + (x2 >>> 32) + (x3 >>> 16) + (x4 & 0xFFFF);
        long folded = rest;
        while (folded > 0xFFFF) {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        e[r + R_IMG_LEN] = folded << 32 | -(int) e[r + R_IMG_LEN];
    }

    private static long[][] imageMasks() {
        final long[][] masks = new long[16][];
        for (int thlen = 20; thlen <= IMG_MAX_THLEN; thlen += 4) {
            final long[] row = new long[IMG_WORDS];
            final int valid = SIMPLE_L4_OFFSET + thlen;
            for (int j = 0; j < valid; j++) {
                // IP ID (18, 19) and header checksum (24, 25), TCP seq (38..41), checksum (50, 51), urg_ptr (52, 53)
                final boolean skip = j == 18 || j == 19 || j == 24 || j == 25 || j >= 38 && j <= 41
                    || j >= 50 && j <= 53;
                if (!skip) {
                    final int b = j & 7;
                    row[j >>> 3] |= 0xFFL << (NATIVE_NET ? 56 - 8 * b : 8 * b);
                }
            }
            masks[thlen >>> 2] = row;
        }
        return masks;
    }

    /**
     * Held head p (a hash and device match) takes the simple segment h, whose slot's metadata is at address meta
     * (its slot checked), as {@link #simpleMergeable} would, decided on the head's image: every compared byte equals
     * the head's (flow key, Ethernet and IP header but ID and checksum, ack_seq, flag word and window, options), the
     * lengths are the head's, the IP header checksum is valid, the IP ID and sequence number are the next ones and
     * the aggregate stays below the size limit. Then it merges and frees the segment ({@link #mergeSimple}'s work)
     * and returns true; false says nothing (the exact path decides) and changes nothing.
     */
    private boolean mergesAsImaged(final int h, final int p, final byte[] m, final long meta, final long nowNs) {
        final long[] e = held;
        final int r = p * REC;
        final int len = UnsafeApi.getInt(m, meta + PacketLayout.LENGTH_OFFSET);
        final int stored = Math.min(UnsafeApi.getInt(m, meta + PacketLayout.STORED_LENGTH_OFFSET), len);
        final int dataOff = UnsafeApi.getShort(m, meta + PacketLayout.DATA_OFFSET_OFFSET);
        final int thlen = ((int) e[r + R_TCP_W1] >>> 28) << 2;
        // the head's length (which an image has); the compared bytes stored; the frame inside the slot's data area
        // and the image's bytes too (receiveSimple's checks: all of them are at least 0 exactly when all hold)
        final long imageLen = e[r + R_IMG_LEN];
        if ((int) imageLen != len || (dataOff | stored - SIMPLE_L4_OFFSET - thlen
            | dataCapacity - dataOff - stored | dataCapacity - dataOff - IMG_BYTES) < 0) {
            return false;
        }
        final long fa = meta + PacketLayout.META_LENGTH + dataOff;
        final long x2 = UnsafeApi.getLong(m, fa + 16);
        final long x3 = UnsafeApi.getLong(m, fa + 24);
        final long diff = (UnsafeApi.getLong(m, fa) ^ e[r + R_IMG]) & IMG_MASK0
            | (UnsafeApi.getLong(m, fa + 8) ^ e[r + R_IMG + 1]) & IMG_MASK1
            | (x2 ^ e[r + R_IMG + 2]) & IMG_MASK2
            | (x3 ^ e[r + R_IMG + 3]) & IMG_MASK3
            | (UnsafeApi.getLong(m, fa + 32) ^ e[r + R_IMG + 4]) & IMG_MASK4
            | (UnsafeApi.getLong(m, fa + 40) ^ e[r + R_IMG + 5]) & IMG_MASK5
            | (UnsafeApi.getLong(m, fa + 48) ^ e[r + R_IMG + 6]) & e[r + R_IMG_MASK6]
            | (UnsafeApi.getLong(m, fa + 56) ^ e[r + R_IMG + 7]) & e[r + R_IMG_MASK6 + 1]
            | (UnsafeApi.getLong(m, fa + 64) ^ e[r + R_IMG + 8]) & e[r + R_IMG_MASK6 + 2];
        // the IP header repeats the head's but for ID and checksum: its sum is the head's rest plus those two
        final long ipSum = (imageLen >>> 32) + (NATIVE_NET ? (x2 >>> 32 & 0xFFFF) + (x3 >>> 48)
            : (x2 >>> 16 & 0xFFFF) + (x3 & 0xFFFF));
        final long ipOnce = (ipSum & 0xFFFF) + (ipSum >>> 16);
        // inet_gro_flush()'s IP ID rule without its side effect: the ID after count segments, or equal (fixed-ID)
        final int id = NATIVE_NET ? (int) (x2 >>> 32) & 0xFFFF : Short.reverseBytes((short) (x2 >>> 16)) & 0xFFFF;
        final int count = (int) e[r + R_SEGS];
        final int step = ((int) e[r + R_FLAGS] & H_FIXEDID_OUTER) != 0 ? 0 : count;
        final int payload = len - SIMPLE_L4_OFFSET - thlen;
        final int nextSeq = (int) e[r + R_NEXT_SEQ];
        final int netLen = (int) e[r + R_NET_LEN];
        if (diff != 0 || (ipOnce & 0xFFFF) + (ipOnce >>> 16) != 0xFFFF
            || ((id - ((int) (e[r + R_IP_W0] >>> 16) & 0xFFFF)) & 0xFFFF) != (step & 0xFFFF)
            || rawNetInt(m, fa + SIMPLE_L4_OFFSET + 4) != nextSeq || netLen + payload >= groIpv4MaxSizeBytes) {
            return false;
        }
        // skb_gro_receive(): the segment joins the head and is freed (MERGED_FREE), as mergeSimple does
        e[r + R_SEGS] = count + 1;
        e[r + R_NEXT_SEQ] = nextSeq + payload;
        e[r + R_NET_LEN] = netLen + payload;
        store.free(h);
        counters.increment(GroCounter.MERGED);
        final GroTraceListener t = trace;
        if (t != null) {
            t.onReceive(nowNs, h, GroResult.MERGED_FREE, null, (int) e[r + R_HANDLE]);
        }
        return true;
    }

    /**
     * {@code ip_fast_csum() == 0} for an IPv4 header without options given as bytes 0..7, 8..15 and 16..19: the
     * same answer as {@code InetChecksum.fold(sum of its five 32-bit words) == 0xFFFF}, in two folding steps. The
     * sum is below 2^35 and not 0 (version 4), and folding 16-bit halves keeps it modulo 0xFFFF (2^16 = 1): after
     * two steps it is at most 0xFFFF + 9, and the only multiple of 0xFFFF there is 0xFFFF itself.
     */
    private static boolean ipv4HeaderSumValid(final long w0, final long w1, final long w2) {
        final long sum = (w0 >>> 32) + (w0 & U32) + (w1 >>> 32) + (w1 & U32) + w2;
        final long once = (sum & 0xFFFF) + (sum >>> 16);
        return (once & 0xFFFF) + (once >>> 16) == 0xFFFF;
    }

    /** The network-order long at an address of {@link #memArray} (a checked slot). */
    private static long rawNetLong(final byte[] m, final long address) {
        final long v = UnsafeApi.getLong(m, address);
        return NATIVE_NET ? v : Long.reverseBytes(v);
    }

    /** The network-order int at an address of {@link #memArray} (a checked slot). */
    private static int rawNetInt(final byte[] m, final long address) {
        final int v = UnsafeApi.getInt(m, address);
        return NATIVE_NET ? v : Integer.reverseBytes(v);
    }

    /** The {@link #R_HASH_DEV} key of a raw hash and an ingress device. */
    private static long hashDev(final int hash, final int dev) {
        return ((long) hash << 32) | (dev & U32);
    }

    /**
     * {@link #checksumValid} for a simple packet in CHECKSUM_NONE: the TCP checksum over the stored bytes with the
     * pseudo-header of the IPv4 addresses (w1 low word, w2); a valid packet becomes CHECKSUM_UNNECESSARY.
     */
    private boolean simpleChecksumValid(final int h, final int l4, final long w1, final long w2, final int len,
        final int stored) {
        final int tcpLen = len - SIMPLE_L4_OFFSET;
        final long pseudo = (w1 & U32) + w2 + PROTO_TCP + tcpLen;
        if (InetChecksum.fold(InetChecksum.sum(buf, l4, Math.min(tcpLen, stored - SIMPLE_L4_OFFSET), pseudo))
            != 0xFFFF) {
            return false;
        }
        // __skb_incr_checksum_unnecessary(): a software-verified packet becomes CHECKSUM_UNNECESSARY
        store.checksumState(h, ChecksumState.UNNECESSARY);
        store.checksumLevel(h, 0);
        return true;
    }

    /**
     * Whether simple held head p takes a simple segment whose merge completes nothing: {@link #mergeRefusal}
     * would return null (same rules, same order of side effects: the fixed-ID mode of the head may be set), the
     * segment is exactly the head's gso_size (no short tail) and the head is not a fraglist aggregate. The
     * segment's TCP header is at buffer offset l4 and address l4a (its slot checked); the head is read from its
     * record only, and from its bytes only for options past {@link #OPT_CACHED_THLEN}.
     */
    private boolean simpleMergeable(final int p, final byte[] m, final long l4a, final int l4, final long t1,
        final int thlen, final long w0, final int w1, final int payload, final int seq) {
        final long[] e = held;
        final int r = p * REC;
        final int flags = (int) t1;
        // CWR on the new segment; the flag word but FIN/PSH and ack_seq (one compare of TCP bytes 8..15)
        final int headFlags = (int) e[r + R_FLAGS];
        if ((flags & TCP_CWR) != 0 || ((t1 ^ e[r + R_TCP_W1]) & ~(long) (TCP_FIN | TCP_PSH)) != 0
            || (headFlags & H_FLIST) != 0) {
            return false;
        }
        // equal flag words mean equal header lengths: compare the option bytes
        if (thlen > 20 && (rawOptionWord0(m, l4a, thlen) != e[r + R_OPT0]
            || rawOptionWord1(m, l4a, thlen) != e[r + R_OPT1]
            || thlen > OPT_CACHED_THLEN && !sameOptions(l4, (int) e[r + R_FRAME] + SIMPLE_L4_OFFSET, thlen))) {
            return false;
        }
        // ipv4Flush() in one test: TTL, TOS and DF equal; then the IP ID of the next segment (or equal IDs)
        final long q0 = e[r + R_IP_W0];
        if ((((w1 ^ (int) e[r + R_IP_W1]) & 0xFF000000) | ((w0 ^ q0) & 0x00FF_0000_0000_4000L)) != 0) {
            return false;
        }
        final int count = (int) e[r + R_SEGS];
        final int offset = ((int) (w0 >>> 16) - (int) (q0 >>> 16)) & 0xFFFF;
        int fixed = headFlags & H_FIXEDID_OUTER;
        if (count == 1 && offset == 0) {
            // the second segment decides: equal IDs switch the aggregate to fixed-ID mode
            fixed = H_FIXEDID_OUTER;
            e[r + R_FLAGS] = headFlags | H_FIXEDID_OUTER;
        }
        if (offset != (fixed != 0 ? 0 : (count & 0xFFFF))) {
            return false;
        }
        return payload == (int) e[r + R_MSS] && payload != 0 && (int) e[r + R_NEXT_SEQ] == seq
            && (int) e[r + R_NET_LEN] + payload < groIpv4MaxSizeBytes;
    }

    /**
     * TCP option bytes 20..27 of a header of thlen bytes (20 &lt; thlen), network order, only bytes inside the
     * header (an option area of 4 bytes is the low int): the first {@link #R_OPT0} word.
     */
    private static long rawOptionWord0(final byte[] m, final long l4a, final int thlen) {
        return thlen >= 28 ? rawNetLong(m, l4a + 20) : rawNetInt(m, l4a + 20) & U32;
    }

    /** TCP option bytes 28..35 as {@link #rawOptionWord0}: 0, the int at 28 or the long at 28. */
    private static long rawOptionWord1(final byte[] m, final long l4a, final int thlen) {
        return thlen >= 36 ? rawNetLong(m, l4a + 28) : thlen >= 32 ? rawNetInt(m, l4a + 28) & U32 : 0;
    }

    private static final int R_MALFORMED = -1;
    private static final int R_OPTIONS = -2;
    private static final int R_FRAGMENT = -3;
    private static final int R_CSUM = -4;
    private static final int R_EXT = -5;
    private static final int R_NOT_TCP = -6;

    private static GroReason ipv4Reason(final int r) {
        switch (r) {
            case R_OPTIONS:
                return GroReason.IPV4_OPTIONS;
            case R_FRAGMENT:
                return GroReason.IPV4_FRAGMENT;
            case R_CSUM:
                return GroReason.IPV4_BAD_CHECKSUM;
            default:
                return GroReason.MALFORMED;
        }
    }

    private static GroReason ipv6Reason(final int r) {
        if (r == R_EXT) {
            return GroReason.IPV6_EXTENSION;
        }
        if (r == R_NOT_TCP) {
            return GroReason.NOT_TCP;
        }
        return GroReason.MALFORMED;
    }

    /**
     * IPv4 level of {@code inet_gro_receive()}: the protocol (0..255) or a negative R_ code; sets the L3 flush mark
     * and leaves the header's words in {@link #lastIpW0}, {@link #lastIpW1} and {@link #lastIpAddr}. The header is
     * read as two longs and an int (network order); its checksum is the sum of the same five 32-bit words.
     */
    private int ipv4(final int at, final int actual, final int storedAvail) {
        final MutableDirectBuffer b = buf;
        final int o = frame + at;
        if (storedAvail < 20) {
            return R_MALFORMED;
        }
        final long w0 = b.getLong(o, NET);
        if ((int) (w0 >>> 56) != 0x45) {
            return R_OPTIONS;
        }
        final int fragWord = (int) w0 & 0xFFFF;
        if ((fragWord & 0x3FFF) != 0) {
            return R_FRAGMENT;
        }
        final long w1 = b.getLong(o + 8, NET);
        final long w2 = b.getInt(o + 16, NET) & U32;
        if (InetChecksum.fold((w0 >>> 32) + (w0 & U32) + (w1 >>> 32) + (w1 & U32) + w2) != 0xFFFF) {
            return R_CSUM;
        }
        final int totLen = (int) (w0 >>> 32) & 0xFFFF;
        if (totLen != actual || (fragWord & 0x8000) != 0) {
            flushMark = true;
        }
        lastIpW0 = w0;
        lastIpW1 = (int) (w1 >>> 32);
        lastIpAddr = (w1 << 32) | w2;
        return (int) (w1 >>> 48) & 0xFF;
    }

    /**
     * IPv6 level of {@code ipv6_gro_receive()}: returns (header bytes incl. extensions) &lt;&lt; 8 | next
     * protocol, or a negative R_ code; walks hop-by-hop, routing and destination options
     * ({@code ipv6_gso_pull_exthdrs()}); sets the L3 flush mark.
     */
    private int ipv6(final int at, final int actual, final int storedAvail) {
        final MutableDirectBuffer b = buf;
        final int o = frame + at;
        if (storedAvail < 40) {
            return R_MALFORMED;
        }
        final int payload = b.getShort(o + 4, NET) & 0xFFFF;
        if (payload != actual - 40) {
            flushMark = true;
        }
        int nh = b.getByte(o + 6) & 0xFF;
        int off = 40;
        while (nh == 0 || nh == 43 || nh == 60) {
            if (off + 8 > storedAvail) {
                return R_MALFORMED;
            }
            final int next = b.getByte(o + off) & 0xFF;
            off += ((b.getByte(o + off + 1) & 0xFF) + 1) << 3;
            nh = next;
        }
        if (off > storedAvail) {
            return R_MALFORMED;
        }
        if (nh == PROTO_TCP || nh == PROTO_UDP || nh == PROTO_IPIP || nh == PROTO_IPV6) {
            return (off << 8) | nh;
        }
        if (nh == 44 || nh == 50 || nh == 51 || nh == 135 || nh == 139 || nh == 140 || nh == 253 || nh == 254) {
            return R_EXT;
        }
        return R_NOT_TCP;
    }

    /**
     * {@code skb_gro_checksum_validate()} (include/net/gro.h, 6.18) of the TCP segment or UDP datagram (proto) of
     * l4Len bytes at {@link #l4At}, with its pseudo-header.
     */
    private boolean checksumValid(final int h, final int l4Len, final int proto) {
        final ChecksumState state = store.checksumState(h);
        if (state == ChecksumState.UNNECESSARY || state == ChecksumState.PARTIAL) {
            return true;
        }
        final long pseudo = pseudo(l4Len, proto);
        if (state == ChecksumState.COMPLETE) {
            return InetChecksum.fold(pseudo + (store.checksumValue(h) & 0xFFFFFFFFL)) == 0xFFFF;
        }
        final int storedL4 = Math.min(l4Len, Math.min(store.storedLength(h), store.length(h)) - (l4At - frame));
        if (InetChecksum.fold(InetChecksum.sum(buf, l4At, storedL4, pseudo)) != 0xFFFF) {
            return false;
        }
        // __skb_incr_checksum_unnecessary(): a software-verified packet becomes CHECKSUM_UNNECESSARY
        store.checksumState(h, ChecksumState.UNNECESSARY);
        store.checksumLevel(h, 0);
        return true;
    }

    private long pseudo(final int l4Len, final int proto) {
        final int ipAt = innerAt >= 0 ? innerAt : netAt;
        final int fam = innerAt >= 0 ? innerFamily : family;
        if (fam == 4) {
            return InetChecksum.pseudoIpv4(buf.getInt(ipAt + 12, NET), buf.getInt(ipAt + 16, NET), proto, l4Len);
        }
        return InetChecksum.pseudoIpv6(buf, ipAt + 8, ipAt + 24, proto, l4Len);
    }

    // ================================================================ flow lookup

    /**
     * {@code gro_list_prepare()} then the IP and TCP lookups: the newest held packet of the same flow, or -1.
     */
    private int lookup(final int h, final int bucket) {
        final int n = bucketCount[bucket];
        if (n == 0) {
            return -1;
        }
        if (simple) {
            // a simple packet can only match a simple head: any other differs in the raw flag, an offset or the
            // EtherType, which the full compare below checks
            final long[] e = held;
            final long hashDev = hashDev(hashIn, devIn);
            final long addr = keyAddr;
            final long portsKey = (tcpW0 >>> 32) | K_SIMPLE;
            final int base = bucket * MAX_HELD_PER_BUCKET;
            for (int i = base + n - 1; i >= base; i--) {
                final int r = i * REC;
                if (e[r + R_HASH_DEV] == hashDev && e[r + R_KEY_ADDR] == addr && e[r + R_PORTS] == portsKey
                    && e[r + R_KEY_ETH0] == keyEth0 && e[r + R_KEY_ETH1] == keyEth1) {
                    return i;
                }
            }
            return -1;
        }
        return lookupFull(h, bucket, n);
    }

    /** {@link #lookup(int, int)} for a packet that is not simple: compares the held heads' bytes. */
    private int lookupFull(final int h, final int bucket, final int n) {
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int hash = hashIn;
        final int dev = devIn;
        final boolean raw = s.hasFlag(h, PacketStore.FLAG_RAW_IP);
        final int base = bucket * MAX_HELD_PER_BUCKET;
        final int f = frame;
        final int netOff = netAt - f;
        final int innerOff = innerAt < 0 ? -1 : innerAt - f;
        final int l4Off = l4At - f;
        for (int i = base + n - 1; i >= base; i--) {
            final long hd = held[i * REC + R_HASH_DEV];
            if ((int) (hd >>> 32) != hash) {
                continue;
            }
            final int q = (int) held[i * REC + R_HANDLE];
            if ((int) hd != dev || s.hasFlag(q, PacketStore.FLAG_RAW_IP) != raw) {
                continue;
            }
            final int qf = (int) held[i * REC + R_FRAME];
            if (s.networkOffset(q) != netOff || s.transportOffset(q) != l4Off || s.innerNetworkOffset(q) != innerOff) {
                continue;
            }
            if (!raw && (b.getLong(qf) != b.getLong(f) || b.getInt(qf + 8) != b.getInt(f + 8)
                || b.getShort(qf + 12) != b.getShort(f + 12))) {
                continue;
            }
            // pppoe_gro_receive(): compare_pppoe_header() (session id, PPP protocol) clears same_flow; the
            // EtherType compared above and the offsets make the held packet a PPPoE session frame too
            if (pppoeIn && (b.getShort(qf + ETH_LEN + 2) != b.getShort(f + ETH_LEN + 2)
                || b.getShort(qf + ETH_LEN + PPPOE_HDR) != b.getShort(f + ETH_LEN + PPPOE_HDR))) {
                continue;
            }
            if (!sameIpFlow(family, netAt, qf + netOff, innerOff < 0 ? l4Off - netOff : innerOff - netOff)) {
                continue;
            }
            if (innerOff >= 0 && !sameIpFlow(innerFamily, innerAt, qf + innerOff, l4Off - innerOff)) {
                continue;
            }
            if (b.getInt(qf + l4Off) != b.getInt(l4At)) {
                continue;
            }
            return i;
        }
        return -1;
    }

    private boolean sameIpFlow(final int fam, final int a, final int q, final int headerLen) {
        final MutableDirectBuffer b = buf;
        if (fam == 4) {
            return b.getByte(a + 9) == b.getByte(q + 9) && b.getLong(a + 12) == b.getLong(q + 12);
        }
        // version and flow label, addresses, next header, extension header bytes
        if (((b.getInt(a, NET) ^ b.getInt(q, NET)) & 0xF00FFFFF) != 0 || b.getByte(a + 6) != b.getByte(q + 6)) {
            return false;
        }
        for (int i = 8; i < 40; i += 8) {
            if (b.getLong(a + i) != b.getLong(q + i)) {
                return false;
            }
        }
        for (int i = 40; i < headerLen; i++) {
            if (b.getByte(a + i) != b.getByte(q + i)) {
                return false;
            }
        }
        return true;
    }

    // ================================================================ merge decision

    /** The first reason {@code tcp_gro_receive()} refuses the merge for, or null to merge. */
    private GroReason mergeRefusal(final int h, final int p, final int flags, final boolean flist) {
        final MutableDirectBuffer b = buf;
        final int q = (int) held[p * REC + R_HANDLE];
        final int qf = (int) held[p * REC + R_FRAME];
        final int qL4 = qf + (l4At - frame);
        final long qTcpW1 = held[p * REC + R_TCP_W1];
        final int flags2 = (int) qTcpW1;
        if ((flags & TCP_CWR) != 0) {
            return GroReason.CWR;
        }
        if (((flags ^ flags2) & ~(TCP_FIN | TCP_PSH)) != 0) {
            return GroReason.FLAG_WORD;
        }
        if ((int) (tcpW1 >>> 32) != (int) (qTcpW1 >>> 32)) {
            return GroReason.ACK_SEQ;
        }
        final int thlen = (flags >>> 28) << 2;
        if (thlen > 20 && !sameOptions(l4At, qL4, thlen)) {
            return GroReason.OPTIONS;
        }
        final int segsInP = (int) held[p * REC + R_SEGS];
        GroReason ip = family == 4
            ? ipv4Flush(ipW0, ipW1, held[p * REC + R_IP_W0], (int) held[p * REC + R_IP_W1], p, segsInP, H_FIXEDID_OUTER)
            : ipFlush(family, netAt, qf + (netAt - frame), p, segsInP, H_FIXEDID_OUTER);
        if (ip != null) {
            return ip;
        }
        if (innerAt >= 0) {
            ip = ipFlush(innerFamily, innerAt, qf + (innerAt - frame), p, segsInP, H_FIXEDID_INNER);
            if (ip != null) {
                return ip;
            }
        }
        final int mss = (int) held[p * REC + R_MSS];
        final int len = payloadLen;
        if (gsoIn) {
            if (mss != gsoSizeIn) {
                return GroReason.GSO_SIZE;
            }
        } else if (len == 0) {
            return GroReason.ZERO_LENGTH;
        } else if (len > mss) {
            return GroReason.LARGER_THAN_MSS;
        }
        if ((int) held[p * REC + R_NEXT_SEQ] != (int) tcpW0) {
            return GroReason.SEQUENCE;
        }
        if (flist) {
            if (flags != flags2 || store.checksumState(h) != store.checksumState(q)
                || store.checksumLevel(h) != store.checksumLevel(q)) {
                return GroReason.FRAGLIST_MISMATCH;
            }
            if (segsInP >= FRAGLIST_MAX_SEGMENTS) {
                return GroReason.FRAGLIST_COUNT;
            }
            // skb_gro_receive_list(): the whole new skb (from its network header) counts against 64 KiB; skb->len
            // and p->len start after the Ethernet header, so a PPPoE header counts in each
            if ((int) held[p * REC + R_NET_LEN] + netLen + (pppoeIn ? 2 * PPPOE_HLEN : 0) >= LEGACY_MAX_SIZE_BYTES) {
                return GroReason.MAX_SIZE;
            }
            return flushMark ? GroReason.L3_MARK_REFUSED : null;
        }
        // skb_gro_receive(): p->len starts after the Ethernet header (a PPPoE aggregate's 8 header bytes count), and
        // netif_get_gro_max_size() takes gro_max_size only for skb->protocol ETH_P_IPV6 (not ETH_P_PPP_SES)
        final int max = family == 4 || pppoeIn ? groIpv4MaxSizeBytes : groMaxSizeBytes;
        final int grown = (int) held[p * REC + R_NET_LEN] + len + (pppoeIn ? PPPOE_HLEN : 0);
        if (grown >= max) {
            return GroReason.MAX_SIZE;
        }
        if (flushMark) {
            return GroReason.L3_MARK_REFUSED;
        }
        if (grown >= LEGACY_MAX_SIZE_BYTES
            && (((int) held[p * REC + R_FLAGS] & H_ENCAP) != 0 || family == 6 && !pppoeIn && store.headroom(q) < 8)) {
            return GroReason.MAX_SIZE;
        }
        return null;
    }

    /** The TCP option bytes (20 to thlen) of the new packet at a and the held head at q are equal. */
    private boolean sameOptions(final int a, final int q, final int thlen) {
        int i = 20;
        for (; i + 8 <= thlen; i += 8) {
            if (netLong(a + i) != netLong(q + i)) {
                return false;
            }
        }
        return i == thlen || netInt(a + i) == netInt(q + i);
    }

    /** {@link #rawOptionWord0} of the TCP header at buffer offset l4, read through the checked accessors. */
    private long optionWord0(final int l4, final int thlen) {
        return thlen >= 28 ? netLong(l4 + 20) : netInt(l4 + 20) & U32;
    }

    /** {@link #rawOptionWord1} of the TCP header at buffer offset l4, read through the checked accessors. */
    private long optionWord1(final int l4, final int thlen) {
        return thlen >= 36 ? netLong(l4 + 28) : thlen >= 32 ? netInt(l4 + 28) & U32 : 0;
    }

    /** The network-order long at buffer offset i (see {@link #mem}). */
    private long netLong(final int i) {
        final byte[] m = mem;
        return m != null ? (long) NET_LONG.get(m, i) : buf.getLong(i, NET);
    }

    /** The network-order int at buffer offset i (see {@link #mem}). */
    private int netInt(final int i) {
        final byte[] m = mem;
        return m != null ? (int) NET_INT.get(m, i) : buf.getInt(i, NET);
    }

    /** {@code inet_gro_flush()} / {@code ipv6_gro_flush()} of one IP level (include/net/gro.h, 6.18). */
    private GroReason ipFlush(final int fam, final int a, final int q, final int p, final int count,
        final int fixedBit) {
        final MutableDirectBuffer b = buf;
        if (fam == 6) {
            if (b.getByte(a + 7) != b.getByte(q + 7)) {
                return GroReason.TTL;
            }
            return ((b.getInt(a, NET) ^ b.getInt(q, NET)) & 0x0FF00000) != 0 ? GroReason.TOS : null;
        }
        return ipv4Flush(b.getLong(a, NET), b.getInt(a + 8, NET), b.getLong(q, NET), b.getInt(q + 8, NET), p, count,
            fixedBit);
    }

    /**
     * {@code inet_gro_flush()} on the words of two IPv4 headers: bytes 0..7 and 8..11 of the new packet (a0, a1)
     * and of the held head (q0, q1), network order.
     */
    private GroReason ipv4Flush(final long a0, final int a1, final long q0, final int q1, final int p,
        final int count, final int fixedBit) {
        if (((a1 ^ q1) & 0xFF000000) != 0) {
            return GroReason.TTL;
        }
        final long diff = a0 ^ q0;
        if ((diff & 0x00FF_0000_0000_0000L) != 0) {
            return GroReason.TOS;
        }
        if ((diff & 0x4000L) != 0) {
            return GroReason.DF;
        }
        final int offset = ((int) (a0 >>> 16) - (int) (q0 >>> 16)) & 0xFFFF;
        if (count == 1 && offset == 0) {
            // the second segment decides: equal IDs switch the aggregate to fixed-ID mode
            held[p * REC + R_FLAGS] |= fixedBit;
        }
        final boolean fixed = ((int) held[p * REC + R_FLAGS] & fixedBit) != 0;
        return offset != (fixed ? 0 : (count & 0xFFFF)) ? GroReason.IP_ID : null;
    }

    // ================================================================ merge, hold, complete

    private GroResult merge(final int h, final int bucket, final int p, final int flags, final int len,
        final long nowNs) {
        final int q = (int) held[p * REC + R_HANDLE];
        final boolean chain = keepMergedSegments || ((int) held[p * REC + R_FLAGS] & H_FLIST) != 0;
        held[p * REC + R_SEGS] += segs;
        held[p * REC + R_NEXT_SEQ] = (int) held[p * REC + R_NEXT_SEQ] + len;
        held[p * REC + R_NET_LEN] += len;
        final int qL4 = (int) held[p * REC + R_FRAME] + (l4At - frame);
        final int closing = flags & (TCP_FIN | TCP_PSH);
        if (closing != 0 && ((int) held[p * REC + R_FLAGS] & H_FLIST) == 0) {
            // tcp_flag_word(th2) |= flags & (FIN | PSH); fraglist aggregates keep every segment's own header
            buf.putByte(qL4 + 13, (byte) (buf.getByte(qL4 + 13) | (closing >>> 16)));
        }
        final GroResult result;
        if (chain) {
            appendToList(h, p);
            result = GroResult.MERGED;
        } else {
            store.free(h);
            result = GroResult.MERGED_FREE;
        }
        counters.increment(GroCounter.MERGED);
        traceReceive(nowNs, h, result, null, q);
        // out_check_final after a merge: mss is the aggregate's gso_size
        final int mss = (int) held[p * REC + R_MSS];
        final boolean shortTail = gsoIn ? len != segs * gsoSizeIn : len < mss;
        if (shortTail || (flags & CLOSING_FLAGS) != 0) {
            completeAt(bucket, p, (flags & TCP_PSH) != 0 ? GroReason.PSH : (flags & TCP_FIN) != 0 ? GroReason.FIN
                : GroReason.SHORT_SEGMENT, nowNs);
        }
        return result;
    }

    /**
     * {@code skb_gro_receive_list()} (net/core/gro.c, 6.18) and {@code keepMergedSegments}: the packet under receive
     * joins the tail of held entry p's list, its header offsets kept for the split.
     */
    private void appendToList(final int h, final int p) {
        store.networkOffset(h, netAt - frame);
        store.innerNetworkOffset(h, innerAt < 0 ? -1 : innerAt - frame);
        store.transportOffset(h, l4At - frame);
        store.next((int) held[p * REC + R_TAIL], h);
        held[p * REC + R_TAIL] = h;
    }

    private void hold(final int h, final int bucket, final boolean flist, final long nowNs) {
        final int base = bucket * MAX_HELD_PER_BUCKET;
        if (bucketCount[bucket] >= MAX_HELD_PER_BUCKET) {
            completeAt(bucket, base, GroReason.EVICTED, nowNs);
        }
        final int i = base + bucketCount[bucket]++;
        heldTotal++;
        final long[] e = held;
        final int r = i * REC;
        final int thlen = ((int) tcpW1 >>> 28) << 2;
        e[r + R_HASH_DEV] = hashDev(hashIn, devIn);
        e[r + R_KEY_ADDR] = keyAddr;
        e[r + R_PORTS] = (tcpW0 >>> 32) | (simple ? K_SIMPLE : 0);
        e[r + R_KEY_ETH0] = keyEth0;
        e[r + R_KEY_ETH1] = keyEth1;
        e[r + R_TCP_W1] = tcpW1;
        e[r + R_FLAGS] = (flist ? H_FLIST : 0) | (innerAt >= 0 ? H_ENCAP : 0) | (simple ? H_SIMPLE : 0)
            | (pppoeIn ? H_PPPOE : 0) | (udpIn ? H_UDP : 0);
        e[r + R_OPT0] = thlen > 20 ? optionWord0(l4At, thlen) : 0;
        e[r + R_OPT1] = thlen > 20 ? optionWord1(l4At, thlen) : 0;
        e[r + R_IP_W0] = ipW0;
        e[r + R_IP_W1] = ipW1;
        e[r + R_SEGS] = segs;
        e[r + R_MSS] = gsoIn ? gsoSizeIn : payloadLen;
        e[r + R_NEXT_SEQ] = (int) tcpW0 + payloadLen;
        e[r + R_NET_LEN] = netLen;
        e[r + R_FRAME] = frame;
        e[r + R_HANDLE] = h;
        e[r + R_TAIL] = h;
        e[r + R_AGE] = jiffyOf(nowNs);
        // the header offsets (and gso_size) of the head, written in its slot checked once
        final byte[] m = memArray;
        final int slot = store.slotOffset(h);
        final long meta = memAddress + slot;
        e[r + R_IMG_LEN] = simple && !gsoIn && (tcpW1 & TCP_CWR) == 0 && thlen <= IMG_MAX_THLEN
            && frame - slot - PacketLayout.META_LENGTH + IMG_BYTES <= dataCapacity ? -(ETH_LEN + netLen) : 0;
        UnsafeApi.putShort(m, meta + PacketLayout.NETWORK_OFFSET_OFFSET, (short) (netAt - frame));
        UnsafeApi.putShort(m, meta + PacketLayout.INNER_NETWORK_OFFSET_OFFSET,
            (short) (innerAt < 0 ? -1 : innerAt - frame));
        UnsafeApi.putShort(m, meta + PacketLayout.TRANSPORT_OFFSET_OFFSET, (short) (l4At - frame));
        if (!gsoIn) {
            UnsafeApi.putInt(m, meta + PacketLayout.GSO_SIZE_OFFSET, payloadLen);
        }
        counters.increment(GroCounter.HELD);
        traceReceive(nowNs, h, GroResult.HELD, null, -1);
    }

    /** Removes held entry i of a bucket, keeping the others in age order, and completes it. */
    private void completeAt(final int bucket, final int i, final GroReason reason, final long nowNs) {
        final int q = (int) held[i * REC + R_HANDLE];
        final int qSegs = (int) held[i * REC + R_SEGS];
        final int qNetLen = (int) held[i * REC + R_NET_LEN];
        final int qFlags = (int) held[i * REC + R_FLAGS];
        final int base = bucket * MAX_HELD_PER_BUCKET;
        final int last = base + --bucketCount[bucket];
        heldTotal--;
        if (i < last) {
            moveDown(i + 1, i, last - i);
        }
        complete(q, qSegs, qNetLen, qFlags, reason, nowNs);
    }

    /** Moves count held entries from slot from to slot to (to &lt; from), in order. */
    private void moveDown(final int from, final int to, final int count) {
        System.arraycopy(held, from * REC, held, to * REC, count * REC);
    }

    /** The jiffy of a simulated time, divided only when the time differs from the last one asked for. */
    private long jiffyOf(final long nowNs) {
        if (nowNs != jiffyAtNs) {
            jiffyAtNs = nowNs;
            jiffy = nowNs / nsPerJiffy;
        }
        return jiffy;
    }

    private GroResult normal(final int h, final GroReason reason, final long nowNs, final int held) {
        counters.increment(GroCounter.NORMAL);
        if (reason.isBypass()) {
            counters.increment(GroCounter.BYPASS);
        }
        traceReceive(nowNs, h, GroResult.NORMAL, reason, held);
        enqueue(h, reason, 1, nowNs);
        return GroResult.NORMAL;
    }

    private void traceReceive(final long nowNs, final int h, final GroResult result, final GroReason reason,
        final int held) {
        final GroTraceListener t = trace;
        if (t != null) {
            t.onReceive(nowNs, h, result, reason, held);
        }
    }

    /**
     * {@code napi_gro_complete()} and the {@code gro_complete} callbacks ({@code inet_gro_complete()},
     * {@code ipv6_gro_complete()}, {@code ipip_gro_complete()}, {@code tcp4_gro_complete()},
     * {@code tcp6_gro_complete()}, {@code tcp_gro_complete()}, {@code udp4_gro_complete()},
     * {@code udp6_gro_complete()}, 6.18): rewrite the IP lengths and header checksums of a multi-segment
     * aggregate, seed its TCP checksum with the pseudo-header sum (CHECKSUM_PARTIAL) and set its gso fields; a
     * fraglist aggregate keeps its TCP or UDP checksum (a UDP one gets the aggregate's UDP length, gso_type
     * FRAGLIST | UDP_L4) and its checksum state is raised as {@code __skb_incr_checksum_unnecessary()} does; a UDP
     * aggregate of {@code rx-udp-gro-forwarding} gets its UDP length and, unless its checksum field is 0, the
     * pseudo-header sum there ({@code udp_gro_complete()}, {@code udp_gro_complete_segment()}: CHECKSUM_PARTIAL,
     * gso_type UDP_L4); a single segment only loses its gso_size.
     */
    private void complete(final int q, final int qSegs, final int qNetLen, final int qFlags, final GroReason reason,
        final long nowNs) {
        final PacketStore s = store;
        counters.increment(GroCounter.COMPLETED);
        if (qSegs > 1 && ((qFlags & (H_SIMPLE | H_FLIST)) != H_SIMPLE || !completeSimple(q, qSegs, qNetLen, qFlags))) {
            counters.increment(GroCounter.AGGREGATES);
            final MutableDirectBuffer b = buf;
            final int f = s.frameOffset(q);
            final int netOff = s.networkOffset(q);
            final int innerOff = s.innerNetworkOffset(q);
            final int l4Off = s.transportOffset(q);
            writeIpLength(b, f + netOff, qNetLen);
            int ipAt = f + netOff;
            if (innerOff >= 0) {
                ipAt = f + innerOff;
                writeIpLength(b, ipAt, qNetLen - (innerOff - netOff));
            }
            final boolean v4 = (b.getByte(ipAt) & 0xF0) == 0x40;
            final boolean udp = (qFlags & H_UDP) != 0;
            int type = s.gsoType(q)
                | (udp ? PacketStore.GSO_UDP_L4 : v4 ? PacketStore.GSO_TCPV4 : PacketStore.GSO_TCPV6);
            if (innerOff >= 0) {
                type |= PacketStore.GSO_IPXIP4;
            }
            if ((qFlags & H_FLIST) != 0) {
                type |= PacketStore.GSO_FRAGLIST;
                if (udp) {
                    // udp4_gro_complete() / udp6_gro_complete() with is_flist: uh->len = htons(skb->len - nhoff), the
                    // UDP checksum left as the first datagram had it
                    b.putShort(f + l4Off + 4, (short) (qNetLen - (l4Off - netOff)), NET);
                }
                final ChecksumState cs = s.checksumState(q);
                if (cs == ChecksumState.NONE) {
                    s.checksumState(q, ChecksumState.UNNECESSARY);
                    s.checksumLevel(q, 0);
                } else if (cs == ChecksumState.UNNECESSARY && s.checksumLevel(q) < 2) {
                    s.checksumLevel(q, s.checksumLevel(q) + 1);
                }
            } else if (udp) {
                // udp4_gro_complete() / udp6_gro_complete() without is_flist: if (uh->check) uh->check =
                // ~udp_v4_check(skb->len - nhoff, saddr, daddr, 0) (udp_v6_check), with the innermost IP header's
                // addresses; udp_gro_complete(): uh->len = htons(skb->len - nhoff); udp_gro_complete_segment():
                // CHECKSUM_PARTIAL, gso_type |= SKB_GSO_UDP_L4 (above)
                writeUdpHeader(b, ipAt, f + l4Off, qNetLen - (l4Off - netOff));
                s.checksumState(q, ChecksumState.PARTIAL);
            } else {
                writeTcpPseudoChecksum(b, ipAt, f + l4Off, qNetLen - (l4Off - netOff));
                if ((qFlags & H_FIXEDID_OUTER) != 0) {
                    type |= PacketStore.GSO_TCP_FIXEDID;
                }
                if ((qFlags & H_FIXEDID_INNER) != 0) {
                    type |= PacketStore.GSO_TCP_FIXEDID_INNER;
                }
                if ((b.getByte(f + l4Off + 13) & 0x80) != 0) {
                    type |= PacketStore.GSO_TCP_ACCECN;
                }
                s.checksumState(q, ChecksumState.PARTIAL);
            }
            if ((qFlags & H_PPPOE) != 0) {
                // pppoe_gro_complete(): phdr->length = cpu_to_be16(skb->len - (nhoff + sizeof(*phdr))), skb->len
                // counting from the PPPoE header: the PPP protocol and the IP packet
                b.putShort(f + netOff - PPPOE_HLEN + 4, (short) (qNetLen + 2), NET);
            }
            s.gsoType(q, type);
            s.gsoSegs(q, qSegs);
            s.length(q, netOff + qNetLen);
            s.setFlag(q, PacketStore.FLAG_GRO_MERGED);
        } else if (qSegs <= 1) {
            s.gsoSize(q, 0);
        }
        final GroTraceListener t = trace;
        if (t != null) {
            t.onComplete(nowNs, q, qSegs, reason);
        }
        enqueue(q, reason, qSegs, nowNs);
    }

    /**
     * The aggregate part of {@link #complete} for a simple, non-fraglist head (Ethernet, IPv4 without options at
     * 14, TCP at 34, as {@link #hold} set its offsets): the same writes, in the head's slot checked once. Returns
     * false, having changed nothing, if the slot does not have that shape; the general code then does the work.
     */
    private boolean completeSimple(final int q, final int qSegs, final int qNetLen, final int qFlags) {
        final byte[] m = memArray;
        final long meta = memAddress + store.slotOffset(q);
        final int dataOff = UnsafeApi.getShort(m, meta + PacketLayout.DATA_OFFSET_OFFSET);
        if (dataOff < 0 || dataOff + SIMPLE_MIN_BYTES > dataCapacity
            || UnsafeApi.getShort(m, meta + PacketLayout.NETWORK_OFFSET_OFFSET) != ETH_LEN
            || UnsafeApi.getShort(m, meta + PacketLayout.INNER_NETWORK_OFFSET_OFFSET) != -1
            || UnsafeApi.getShort(m, meta + PacketLayout.TRANSPORT_OFFSET_OFFSET) != SIMPLE_L4_OFFSET) {
            return false;
        }
        counters.increment(GroCounter.AGGREGATES);
        final long ip = meta + PacketLayout.META_LENGTH + dataOff + ETH_LEN;
        final long l4 = ip + 20;
        // inet_gro_complete(): tot_len and the header checksum (csum_replace2)
        final int oldLen = rawNetShort(m, ip + 2);
        final int newLen = qNetLen > 0xFFFF ? 0 : qNetLen;
        rawPutNetShort(m, ip + 2, newLen);
        rawPutNetShort(m, ip + 10, InetChecksum.replace16(rawNetShort(m, ip + 10), oldLen, newLen));
        // tcp4_gro_complete(): the pseudo-header sum seeds the TCP checksum (CHECKSUM_PARTIAL)
        final long pseudo = InetChecksum.pseudoIpv4(rawNetInt(m, ip + 12), rawNetInt(m, ip + 16), PROTO_TCP,
            qNetLen - 20);
        rawPutNetShort(m, l4 + 16, InetChecksum.fold(pseudo));
        int type = (UnsafeApi.getByte(m, meta + PacketLayout.GSO_TYPE_OFFSET) & 0xFF)
            | ((UnsafeApi.getByte(m, meta + PacketLayout.GSO_TYPE_HIGH_OFFSET) & 0xFF) << 8) | PacketStore.GSO_TCPV4;
        if ((qFlags & H_FIXEDID_OUTER) != 0) {
            type |= PacketStore.GSO_TCP_FIXEDID;
        }
        if ((qFlags & H_FIXEDID_INNER) != 0) {
            type |= PacketStore.GSO_TCP_FIXEDID_INNER;
        }
        if ((UnsafeApi.getByte(m, l4 + 13) & 0x80) != 0) {
            type |= PacketStore.GSO_TCP_ACCECN;
        }
        UnsafeApi.putByte(m, meta + PacketLayout.CSUM_STATE_OFFSET, (byte) ChecksumState.PARTIAL.ordinal());
        UnsafeApi.putByte(m, meta + PacketLayout.GSO_TYPE_OFFSET, (byte) type);
        UnsafeApi.putByte(m, meta + PacketLayout.GSO_TYPE_HIGH_OFFSET, (byte) (type >>> 8));
        UnsafeApi.putInt(m, meta + PacketLayout.GSO_SEGS_OFFSET, qSegs);
        UnsafeApi.putInt(m, meta + PacketLayout.LENGTH_OFFSET, ETH_LEN + qNetLen);
        final long flagsAt = meta + PacketLayout.FLAGS_OFFSET;
        UnsafeApi.putInt(m, flagsAt, UnsafeApi.getInt(m, flagsAt) | PacketStore.FLAG_GRO_MERGED);
        return true;
    }

    /** The network-order unsigned short at an address of {@link #memArray} (a checked slot). */
    private static int rawNetShort(final byte[] m, final long address) {
        final short v = UnsafeApi.getShort(m, address);
        return (NATIVE_NET ? v : Short.reverseBytes(v)) & 0xFFFF;
    }

    /** Writes a network-order short at an address of {@link #memArray} (a checked slot). */
    private static void rawPutNetShort(final byte[] m, final long address, final int value) {
        UnsafeApi.putShort(m, address, NATIVE_NET ? (short) value : Short.reverseBytes((short) value));
    }

    /**
     * The header writes of a TCP aggregate's {@code gro_complete} callbacks (6.18), for a view of an aggregate outside
     * the table (the router's pcap taps show the packet {@code __netif_receive_skb_core()} delivers): the IP length
     * ({@link #writeIpLength}) and the TCP checksum seeded with the pseudo-header sum
     * ({@link #writeTcpPseudoChecksum}), the writes {@link #receive} makes on a completed multi-segment aggregate
     * that is not encapsulated and not fraglist.
     *
     * @param b the buffer holding the headers
     * @param ipAt the IPv4 or IPv6 header's offset in {@code b}
     * @param l4At the TCP header's offset in {@code b}
     * @param ipLengthBytes the aggregate's length from its IP header, in bytes
     */
    public static void completeTcpHeaders(final MutableDirectBuffer b, final int ipAt, final int l4At,
        final int ipLengthBytes) {
        writeIpLength(b, ipAt, ipLengthBytes);
        writeTcpPseudoChecksum(b, ipAt, l4At, ipLengthBytes - (l4At - ipAt));
    }

    /**
     * The header writes of a UDP aggregate of {@code rx-udp-gro-forwarding} ({@code udp4_gro_complete()} /
     * {@code udp6_gro_complete()} without {@code is_flist}, {@code udp_gro_complete()}; 6.18), for a view of an
     * aggregate outside the table, as {@link #completeTcpHeaders}: the IP length, the UDP length (the aggregate's) and,
     * unless the checksum field is 0, the pseudo-header sum in it.
     *
     * @param b the buffer holding the headers
     * @param ipAt the IPv4 or IPv6 header's offset in {@code b}
     * @param l4At the UDP header's offset in {@code b}
     * @param ipLengthBytes the aggregate's length from its IP header, in bytes
     */
    public static void completeUdpHeaders(final MutableDirectBuffer b, final int ipAt, final int l4At,
        final int ipLengthBytes) {
        writeIpLength(b, ipAt, ipLengthBytes);
        writeUdpHeader(b, ipAt, l4At, ipLengthBytes - (l4At - ipAt));
    }

    /**
     * A UDP aggregate's header as {@code udp_gro_complete()} leaves it: its length {@code udpLen} and, unless its
     * checksum field is 0, {@code ~udp_v4_check(udpLen, saddr, daddr, 0)} ({@code udp_v6_check}) there, the
     * addresses of the IP header at {@code ipAt}.
     */
    private static void writeUdpHeader(final MutableDirectBuffer b, final int ipAt, final int l4At, final int udpLen) {
        if (b.getShort(l4At + 6) != 0) {
            writePseudoChecksum(b, ipAt, l4At + 6, PROTO_UDP, udpLen);
        }
        b.putShort(l4At + 4, (short) udpLen, NET);
    }

    /**
     * {@code inet_gro_complete()} (net/ipv4/af_inet.c: {@code tot_len} and the header checksum by
     * {@code csum_replace2}; 0 above 65535 bytes, BIG TCP) or {@code ipv6_gro_complete()} (net/ipv6/ip6_offload.c:
     * {@code payload_len}), 6.18.
     *
     * @param b the buffer
     * @param at the IP header's offset
     * @param bytes the length from the IP header, in bytes
     */
    public static void writeIpLength(final MutableDirectBuffer b, final int at, final int bytes) {
        if ((b.getByte(at) & 0xF0) == 0x40) {
            final int old = b.getShort(at + 2, NET) & 0xFFFF;
            final int now = bytes > 0xFFFF ? 0 : bytes;
            b.putShort(at + 2, (short) now, NET);
            final int check = b.getShort(at + 10, NET) & 0xFFFF;
            b.putShort(at + 10, (short) InetChecksum.replace16(check, old, now), NET);
        } else {
            b.putShort(at + 4, (short) Math.min(0xFFFF, bytes - 40), NET);
        }
    }

    /**
     * {@code tcp4_gro_complete()} (net/ipv4/tcp_offload.c: {@code th->check = ~tcp_v4_check(skb->len - thoff,
     * saddr, daddr, 0)}) or {@code tcp6_gro_complete()} (net/ipv6/tcpv6_offload.c, {@code tcp_v6_check}), 6.18: the
     * TCP checksum field holds the folded pseudo-header sum, as for {@code CHECKSUM_PARTIAL}.
     *
     * @param b the buffer
     * @param ipAt the IPv4 or IPv6 header's offset (its addresses)
     * @param l4At the TCP header's offset
     * @param tcpLengthBytes the TCP header and payload, in bytes
     */
    public static void writeTcpPseudoChecksum(final MutableDirectBuffer b, final int ipAt, final int l4At,
        final int tcpLengthBytes) {
        writePseudoChecksum(b, ipAt, l4At + 16, PROTO_TCP, tcpLengthBytes);
    }

    /**
     * Writes the folded pseudo-header sum ({@code ~tcp_v4_check(len, saddr, daddr, 0)}, {@code ~udp_v4_check()}, or
     * their IPv6 twins) of a transport header of proto and l4LengthBytes bytes, with the addresses of the IPv4 or
     * IPv6 header at ipAt, into the checksum field at checkAt.
     */
    private static void writePseudoChecksum(final MutableDirectBuffer b, final int ipAt, final int checkAt,
        final int proto, final int l4LengthBytes) {
        final long pseudo = (b.getByte(ipAt) & 0xF0) == 0x40
            ? InetChecksum.pseudoIpv4(b.getInt(ipAt + 12, NET), b.getInt(ipAt + 16, NET), proto, l4LengthBytes)
            : InetChecksum.pseudoIpv6(b, ipAt + 8, ipAt + 24, proto, l4LengthBytes);
        b.putShort(checkAt, (short) InetChecksum.fold(pseudo), NET);
    }

    private void enqueue(final int h, final GroReason reason, final int segments, final long nowNs) {
        rxHandle[rxPackets] = h;
        rxReason[rxPackets] = (byte) reason.ordinal();
        rxSegments[rxPackets] = segments;
        rxPackets++;
        rxSegs += segments;
        if (rxSegs >= groNormalBatch) {
            normalList(nowNs);
        }
    }

    /**
     * {@code gro_normal_list()}: passes the batched packets up to the sink, in order.
     *
     * @param nowNs simulated time, ns
     */
    public void normalList(final long nowNs) {
        final int n = rxPackets;
        if (n == 0) {
            return;
        }
        final GroDeliverySink out = sink;
        rxPackets = 0;
        rxSegs = 0;
        counters.increment(GroCounter.NORMAL_LISTS);
        for (int i = 0; i < n; i++) {
            final int h = rxHandle[i];
            final GroReason r = REASONS[rxReason[i]];
            counters.increment(GroCounter.DELIVERED_PACKETS);
            counters.add(GroCounter.DELIVERED_SEGMENTS, rxSegments[i]);
            reasonCounters.increment(r);
            out.deliver(h, r, nowNs);
        }
    }

    // ================================================================ flush points

    /**
     * {@code napi_gro_flush()} (net/core/gro.c, 6.18): completes held packets bucket by bucket (0 to 7), oldest
     * first; with {@code flushOld} a bucket stops at the first packet first held in the current jiffy. The
     * completed packets join the normal list; call {@link #normalList(long)} to pass them up.
     *
     * @param flushOld only packets from an older jiffy
     * @param reason the reason recorded on each completed packet
     * @param nowNs simulated time, ns
     * @return packets completed
     */
    public int flush(final boolean flushOld, final GroReason reason, final long nowNs) {
        final long now = jiffyOf(nowNs);
        int done = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            final int n = bucketCount[bucket];
            if (n == 0) {
                continue;
            }
            final int base = bucket * MAX_HELD_PER_BUCKET;
            int k = 0;
            while (k < n && !(flushOld && held[(base + k) * REC + R_AGE] == now)) {
                k++;
            }
            if (k > 0) {
                flushFront(bucket, base, n, k, reason, nowNs);
                done += k;
            }
        }
        return done;
    }

    /**
     * Completes the k oldest of the n entries of a bucket, oldest first, as k removals from the front would: the
     * table is updated (the rest moved down once) before the first completion reaches the sink.
     */
    private void flushFront(final int bucket, final int base, final int n, final int k, final GroReason reason,
        final long nowNs) {
        for (int j = 0; j < k; j++) {
            doneHandle[j] = (int) held[(base + j) * REC + R_HANDLE];
            doneSegs[j] = (int) held[(base + j) * REC + R_SEGS];
            doneNetLen[j] = (int) held[(base + j) * REC + R_NET_LEN];
            doneFlags[j] = (int) held[(base + j) * REC + R_FLAGS];
        }
        if (k < n) {
            moveDown(base + k, base, n - k);
        }
        bucketCount[bucket] = n - k;
        heldTotal -= k;
        for (int j = 0; j < k; j++) {
            complete(doneHandle[j], doneSegs[j], doneNetLen[j], doneFlags[j], reason, nowNs);
        }
    }

    /**
     * The GRO part of the end of a driver poll. A poll that used its whole weight leaves NAPI scheduled and
     * flushes GRO as {@code __napi_poll()} does (all held packets when HZ &lt; 1000, else those of older
     * jiffies) and passes the list up; a shorter poll calls {@link #napiCompleteDone(int, long)}.
     *
     * @param workDone frames the poll processed
     * @param weight the NAPI weight (64 by default)
     * @param nowNs simulated time, ns
     * @return true if NAPI completed and the interrupt may be re-enabled; false if it stays scheduled or
     *     {@code napi_defer_hard_irqs} keeps the interrupt masked
     */
    public boolean onPollEnd(final int workDone, final int weight, final long nowNs) {
        if (workDone >= weight) {
            counters.increment(GroCounter.FULL_WEIGHT_POLLS);
            flush(hz >= 1000, GroReason.FULL_WEIGHT, nowNs);
            normalList(nowNs);
            return false;
        }
        return napiCompleteDone(workDone, nowNs);
    }

    /**
     * {@code napi_complete_done()} (net/core/dev.c, 6.18): with work and held packets the timeout applies;
     * {@code napi_defer_hard_irqs} is reloaded on work and counts empty completions down, keeping the interrupt
     * masked while it lasts; GRO flushes everything (no timeout) or only older jiffies (timeout), the normal list
     * is passed up, and the hrtimer is armed for the timeout.
     *
     * @param workDone frames the poll processed (less than the weight)
     * @param nowNs simulated time, ns
     * @return false if the interrupt stays masked (deferred), true otherwise
     */
    public boolean napiCompleteDone(final int workDone, final long nowNs) {
        counters.increment(GroCounter.POLL_COMPLETIONS);
        long timeout = 0;
        boolean ret = true;
        if (workDone > 0) {
            if (heldTotal > 0) {
                timeout = groFlushTimeoutNs;
            }
            deferHardIrqsCount = napiDeferHardIrqs;
        }
        if (deferHardIrqsCount > 0) {
            deferHardIrqsCount--;
            timeout = groFlushTimeoutNs;
            if (timeout != 0) {
                ret = false;
            }
        }
        if (heldTotal > 0) {
            flush(timeout != 0, timeout != 0 ? GroReason.POLL_COMPLETE_OLD : GroReason.POLL_COMPLETE, nowNs);
        }
        normalList(nowNs);
        timerArmed = timeout != 0;
        if (timerArmed) {
            counters.increment(GroCounter.TIMER_ARMED);
            timerDeadlineNs = nowNs + timeout;
        }
        irqMasked = !ret;
        return ret;
    }

    /**
     * The {@code gro_flush_timeout} hrtimer fired ({@code napi_watchdog()}): NAPI is scheduled and, with no new
     * frames, its poll completes with no work. A NAPI model with frames waiting polls them instead and calls
     * {@link #onPollEnd(int, int, long)}.
     *
     * @param nowNs simulated time, ns
     * @return as {@link #napiCompleteDone(int, long)}
     */
    public boolean onTimer(final long nowNs) {
        timerArmed = false;
        return napiCompleteDone(0, nowNs);
    }

    /**
     * Marks the armed timer as consumed without a poll of its own (the NAPI model is about to poll frames).
     */
    public void cancelTimer() {
        timerArmed = false;
    }

    /**
     * NAPI disabled or the device went down ({@code napi_disable()} / {@code gro_cleanup()}): completes
     * everything held and passes it up.
     *
     * @param nowNs simulated time, ns
     */
    public void napiDisable(final long nowNs) {
        flush(false, GroReason.NAPI_DISABLE, nowNs);
        normalList(nowNs);
        timerArmed = false;
        irqMasked = false;
        deferHardIrqsCount = 0;
    }
}
