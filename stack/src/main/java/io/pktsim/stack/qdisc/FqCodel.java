package io.pktsim.stack.qdisc;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.PacketLayout;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * {@code fq_codel} (net/sched/sch_fq_codel.c with include/net/codel.h and codel_impl.h, Linux 6.18): packets
 * are hashed into {@code flows} queues ({@code reciprocal_scale(skb_get_hash(skb), flows)}), served by deficit
 * round robin with a quantum, new flows before old ones; each flow runs CoDel on the sojourn time of its head
 * packet (times in {@code codel_time_t}, nanoseconds &gt;&gt; 10, compared modulo 2^32), dropping (or CE-marking
 * ECN-capable packets) at intervals that shrink with the inverse square root of the drop count, kept in the
 * kernel's Q0.16 Newton iteration. Over {@code limit} packets or the memory limit, {@code fq_codel_drop} drops
 * up to {@code drop_batch} packets (until half its backlog is gone) from the head of the fattest flow.
 * Allocation-free.
 *
 * <p>Simplifications: a packet without a hash gets one from jhash of its IPv4/IPv6 addresses and ports rather
 * than the flow dissector's siphash; no {@code ce_threshold}, no per-flow statistics dump.
 */
public final class FqCodel implements Qdisc {

    private static final int CODEL_SHIFT = 10;
    private static final int REC_INV_SQRT_SHIFT = 16;
    private static final int NONE = 0;
    private static final int NEW = 1;
    private static final int OLD = 2;
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final PacketStore store;
    /**
     * The store buffer's backing array (null off heap) and the address of its byte 0: the per-packet paths check a
     * packet's slot once ({@link PacketStore#slotOffset(int)}, and the header bytes against {@link #dataCapacity})
     * and read its metadata and header words from here, without a range check per field.
     */
    private final byte[] memArray;
    private final long memAddress;
    /** Bytes of each slot's data area (headroom plus frame). */
    private final int dataCapacity;
    // the configuration, read once at construction
    private final int limit;
    private final int quantumBytes;
    private final long memoryLimitBytes;
    private final int dropBatchSize;
    private final boolean ecn;
    private final int mtuBytes;
    private final int truesizeBytes;
    private final Counters<QdiscCounter> counters = new Counters<>(QdiscCounter.class);
    /**
     * {@link QdiscCounter#ENQUEUED}, {@link QdiscCounter#NEW_FLOW} and {@link QdiscCounter#DEQUEUED}, which nearly
     * every packet moves, as fields beside the qdisc's state ({@link #counters()} copies them into the counters).
     */
    private long enqueued;
    private long newFlows;
    private long dequeued;
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kindDrop;
    private final int flowsCnt;
    private final int target;
    private final int interval;
    /**
     * Whether {@link #enqueueIdle} may do its one pass: a lone packet is within the limits ({@code limit >= 1},
     * one truesize within the memory limit), its flow's fresh deficit is positive ({@code quantum > 0}), and CoDel
     * does not consider a sojourn of 0 ({@code target > 0}, or the backlog of 0 within the MTU).
     */
    private final boolean idleOnePass;
    // per flow: the fields every enqueue and dequeue uses side by side, 1 << FLOW_SHIFT ints a flow (one 32-byte
    // record instead of a line in each of eight arrays), the rest in arrays of their own
    private static final int FLOW_SHIFT = 3;
    private static final int F_HEAD = 0;
    private static final int F_TAIL = 1;
    private static final int F_DEFICIT = 2;
    private static final int F_LIST_OF = 3;
    private static final int F_LIST_NEXT = 4;
    /** cvars->dropping: 1 or 0. */
    private static final int F_DROPPING = 5;
    private static final int F_FIRST_ABOVE_TIME = 6;
    private static final int F_DROP_NEXT = 7;
    private final int[] fs;
    /** Per flow; apart, as {@link #fqCodelDrop} scans it for the fattest flow. */
    private final long[] backlogs;
    private final int[] cvCount;
    private final int[] cvLastCount;
    private final int[] cvRecInvSqrt;
    // per packet handle
    private final int[] enqueueTime;
    /** {@code store.length()} of the packet {@link #dequeueHead} took last. */
    private int headLength;
    private int newHead = -1;
    private int newTail = -1;
    private int oldHead = -1;
    private int oldTail = -1;
    private int qlen;
    private long backlog;

    /**
     * @param store the packets (its capacity sizes the per-packet enqueue-time array)
     * @param config the parameters
     */
    public FqCodel(final PacketStore store, final FqCodelConfig config) {
        this.store = store;
        final MutableDirectBuffer buf = store.buffer();
        this.memArray = buf.byteArray();
        this.memAddress = buf.addressOffset();
        this.dataCapacity = store.dataCapacity();
        this.limit = config.limit;
        this.quantumBytes = config.quantumBytes;
        this.memoryLimitBytes = config.memoryLimitBytes;
        this.dropBatchSize = config.dropBatchSize;
        this.ecn = config.ecn;
        this.mtuBytes = config.mtuBytes;
        this.truesizeBytes = config.truesizeBytes;
        this.flowsCnt = config.flows;
        this.target = (int) (config.targetNs >> CODEL_SHIFT);
        this.interval = (int) (config.intervalNs >> CODEL_SHIFT);
        this.idleOnePass = limit >= 1 && truesizeBytes <= memoryLimitBytes && quantumBytes > 0
            && (target > 0 || mtuBytes >= 0);
        fs = new int[flowsCnt << FLOW_SHIFT];
        for (int i = 0; i < flowsCnt; i++) {
            fs[(i << FLOW_SHIFT) + F_HEAD] = PacketStore.NO_PACKET;
        }
        backlogs = new long[flowsCnt];
        cvCount = new int[flowsCnt];
        cvLastCount = new int[flowsCnt];
        cvRecInvSqrt = new int[flowsCnt];
        enqueueTime = new int[store.capacity()];
    }

    private static int codelTime(final long nowNs) {
        return (int) (nowNs >>> CODEL_SHIFT);
    }

    /**
     * The flow queue of a packet ({@code fq_codel_classify} without filters).
     *
     * @param handle the packet
     * @return 0..flows-1
     */
    public int classify(final int handle) {
        final int slot = store.slotOffset(handle);
        return classify(handle, slot, memAddress + slot);
    }

    /** {@link #classify(int)} of a packet whose slot is checked: at {@code slot}, its metadata at {@code meta}. */
    private int classify(final int handle, final int slot, final long meta) {
        return classify(handle, slot, meta, NO_FLOW_HASH);
    }

    /**
     * {@link #classify(int, int, long)} with the caller's flow hash ({@link Qdisc#NO_FLOW_HASH}: computed) in place
     * of {@link #flowHash}; the packet's own hash still comes first.
     */
    private int classify(final int handle, final int slot, final long meta, final long givenHash) {
        final byte[] m = memArray;
        final int hash = UnsafeApi.getByte(m, meta + PacketLayout.HASH_TYPE_OFFSET) != PacketStore.HASH_NONE
            ? UnsafeApi.getInt(m, meta + PacketLayout.HASH_OFFSET)
            : givenHash >= 0 ? (int) givenHash : flowHash(handle, slot, meta);
        return (int) (((hash & 0xFFFF_FFFFL) * flowsCnt) >>> 32);
    }

    /**
     * The hash {@link #classify(int)} reduces for a packet without an skb hash: jhash of its addresses (IPv6: words
     * 1 and 3 of each, xor-ed), ports and protocol (for tests of a caller's {@link #enqueue(int, long, long)}).
     *
     * @param handle the packet
     * @return the hash
     */
    public int flowHash(final int handle) {
        final int slot = store.slotOffset(handle);
        return flowHash(handle, slot, memAddress + slot);
    }

    /**
     * {@link #flowHashChecked}'s hash with the header words read in place: the IPv6 header's 40 bytes (also
     * enough for IPv4's 20) and the ports lie in the slot's data area, checked once; otherwise the checked path
     * decides (the same words, or its range error).
     */
    private int flowHash(final int handle, final int slot, final long meta) {
        final byte[] m = memArray;
        final int net = UnsafeApi.getShort(m, meta + PacketLayout.NETWORK_OFFSET_OFFSET);
        if (net < 0) {
            return 0;
        }
        final int tr = UnsafeApi.getShort(m, meta + PacketLayout.TRANSPORT_OFFSET_OFFSET);
        final int dataOff = UnsafeApi.getShort(m, meta + PacketLayout.DATA_OFFSET_OFFSET);
        if (dataOff < 0 || dataOff + net + 40 > dataCapacity || dataOff + tr + 4 > dataCapacity) {
            return flowHashChecked(handle);
        }
        final long fa = memAddress + slot + PacketLayout.META_LENGTH + dataOff;
        final int ports = tr >= 0 ? FrameBytes.getInt(m, fa + tr) : 0;
        final long ip = fa + net;
        if ((FrameBytes.getByte(m, ip) & 0xF0) == 0x40) {
            return flowHashOf(FrameBytes.getInt(m, ip + 12), FrameBytes.getInt(m, ip + 16), ports,
                FrameBytes.getByte(m, ip + 9) & 0xFF);
        }
        return flowHashOf(FrameBytes.getInt(m, ip + 20) ^ FrameBytes.getInt(m, ip + 12),
            FrameBytes.getInt(m, ip + 36) ^ FrameBytes.getInt(m, ip + 28), ports, FrameBytes.getByte(m, ip + 6) & 0xFF);
    }

    /**
     * The flow hash of a packet without an skb hash, from its header words (this model's stand-in for the flow
     * dissector's siphash, see the class comment): jhash of the source and destination words, the ports word and
     * the protocol. An IPv4 address is its word; an IPv6 address folds to the xor of its words 1 and 3 (bytes 4–7
     * and 12–15). {@code ConntrackTable} keeps this hash per connection and direction from the same words.
     *
     * @param src the source address word
     * @param dst the destination address word
     * @param ports the transport header's first word (source and destination port), 0 without one
     * @param protocol the IP protocol
     * @return the hash
     */
    public static int flowHashOf(final int src, final int dst, final int ports, final int protocol) {
        return Jhash.jhash3Words(src, dst, ports, protocol);
    }

    /** The flow hash read through the buffer's range checks (a header near the end of its slot). */
    private int flowHashChecked(final int handle) {
        final int net = store.networkOffset(handle);
        if (net < 0) {
            return 0;
        }
        final MutableDirectBuffer b = store.buffer();
        final byte[] a = b.byteArray();
        final int f = store.frameOffset(handle);
        final int at = f + net;
        final int tr = store.transportOffset(handle);
        final int ports = tr >= 0 ? b.getInt(f + tr, NET) : 0;
        // one range check per header (20 bytes of IPv4, 40 of IPv6), then its fields without a check each
        if ((b.getByte(at) & 0xF0) == 0x40) {
            final long ip = FrameBytes.address(b, at, 20);
            return flowHashOf(FrameBytes.getInt(a, ip + 12), FrameBytes.getInt(a, ip + 16), ports,
                FrameBytes.getByte(a, ip + 9) & 0xFF);
        }
        final long ip = FrameBytes.address(b, at, 40);
        return flowHashOf(FrameBytes.getInt(a, ip + 20) ^ FrameBytes.getInt(a, ip + 12),
            FrameBytes.getInt(a, ip + 36) ^ FrameBytes.getInt(a, ip + 28), ports, FrameBytes.getByte(a, ip + 6) & 0xFF);
    }

    /**
     * Publishes every drop on a trace bus: {@code qdisc_drop} with the packet (freed right after), the reason
     * (1 over the limit, 2 over memory, 3 CoDel) and the queue length.
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "pppoe-wan1:qdisc"}
     */
    @Override
    public void trace(final TraceBus bus, final String component) {
        this.trace = bus;
        this.traceComponent = bus.names().component(component);
        this.kindDrop = bus.names().kind("qdisc_drop", "reason", "qlen");
    }

    private void traceDrop(final int handle, final int reason, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, traceComponent, kindDrop, handle, reason, qlen());
        }
    }

    @Override
    public int enqueue(final int handle, final long nowNs) {
        final int slot = store.slotOffset(handle);
        final long meta = memAddress + slot;
        return enqueue(handle, nowNs, meta, classify(handle, slot, meta));
    }

    @Override
    public int enqueue(final int handle, final long nowNs, final long flowHash) {
        final int slot = store.slotOffset(handle);
        final long meta = memAddress + slot;
        return enqueue(handle, nowNs, meta, classify(handle, slot, meta, flowHash));
    }

    /**
     * {@link #enqueue(int, long)} then {@link #dequeue} in one pass when the qdisc is empty (no packet, no flow on
     * a list) and {@link #idleOnePass}: the flow becomes the new list's only flow with a deficit of quantum less
     * the packet's length, its CoDel state not dropping and not above the target (the packet's sojourn is 0),
     * ENQUEUED, NEW_FLOW and DEQUEUED + 1, and the packet comes straight back. Otherwise the two calls.
     */
    @Override
    public int enqueueIdle(final int handle, final long nowNs, final long flowHash) {
        if (qlen != 0 || newHead >= 0 || oldHead >= 0 || !idleOnePass) {
            enqueue(handle, nowNs, flowHash);
            return dequeue(nowNs);
        }
        final byte[] m = memArray;
        final int slot = store.slotOffset(handle);
        final long meta = memAddress + slot;
        final int idx = classify(handle, slot, meta, flowHash);
        final int fi = idx << FLOW_SHIFT;
        enqueueTime[handle] = codelTime(nowNs);
        UnsafeApi.putInt(m, meta + PacketLayout.NEXT_OFFSET, PacketStore.NO_PACKET);
        // an empty qdisc: every flow is empty (head NO_PACKET, backlog 0) and on no list
        fs[fi + F_TAIL] = handle;
        final int len = UnsafeApi.getInt(m, meta + PacketLayout.LENGTH_OFFSET);
        headLength = len;
        fs[fi + F_DEFICIT] = quantumBytes - len;
        fs[fi + F_LIST_OF] = NEW;
        fs[fi + F_LIST_NEXT] = -1;
        fs[fi + F_DROPPING] = 0;
        fs[fi + F_FIRST_ABOVE_TIME] = 0;
        newHead = idx;
        newTail = idx;
        enqueued++;
        newFlows++;
        dequeued++;
        return handle;
    }

    private int enqueue(final int handle, final long nowNs, final long meta, final int idx) {
        final byte[] m = memArray;
        final int fi = idx << FLOW_SHIFT;
        enqueueTime[handle] = codelTime(nowNs);
        UnsafeApi.putInt(m, meta + PacketLayout.NEXT_OFFSET, PacketStore.NO_PACKET);
        if (fs[fi + F_HEAD] == PacketStore.NO_PACKET) {
            fs[fi + F_HEAD] = handle;
        } else {
            store.next(fs[fi + F_TAIL], handle);
        }
        fs[fi + F_TAIL] = handle;
        final int len = UnsafeApi.getInt(m, meta + PacketLayout.LENGTH_OFFSET);
        backlogs[idx] += len;
        backlog += len;
        enqueued++;
        if (fs[fi + F_LIST_OF] == NONE) {
            listAddTail(idx, NEW);
            newFlows++;
            fs[fi + F_DEFICIT] = quantumBytes;
        }
        // the memory usage is qlen truesizes (each enqueue adds one, each dequeue or drop takes one)
        final int prevQlen = ++qlen;
        final boolean memoryLimited = (long) prevQlen * truesizeBytes > memoryLimitBytes;
        if (prevQlen <= limit && !memoryLimited) {
            return NET_XMIT_SUCCESS;
        }
        final int dropped = fqCodelDrop(dropBatchSize, memoryLimited ? 2 : 1, nowNs);
        final int n = prevQlen - qlen;
        counters.add(QdiscCounter.DROP_OVERLIMIT, n);
        if (memoryLimited) {
            counters.add(QdiscCounter.DROP_OVERMEMORY, n);
        }
        return dropped == idx ? NET_XMIT_CN : NET_XMIT_SUCCESS;
    }

    /** {@code fq_codel_drop}: half of the fattest flow's backlog, at most maxPackets packets. */
    private int fqCodelDrop(final int maxPackets, final int reason, final long nowNs) {
        long maxBacklog = 0;
        int idx = 0;
        for (int i = 0; i < flowsCnt; i++) {
            if (backlogs[i] > maxBacklog) {
                maxBacklog = backlogs[i];
                idx = i;
            }
        }
        final long threshold = maxBacklog >> 1;
        final int fi = idx << FLOW_SHIFT;
        long len = 0;
        int i = 0;
        do {
            final int h = fs[fi + F_HEAD];
            fs[fi + F_HEAD] = store.next(h);
            final int l = store.length(h);
            len += l;
            backlogs[idx] -= l;
            backlog -= l;
            qlen--;
            traceDrop(h, reason, nowNs);
            store.free(h);
            counters.increment(QdiscCounter.DROPPED);
        } while (++i < maxPackets && len < threshold && fs[fi + F_HEAD] != PacketStore.NO_PACKET);
        cvCount[idx] += i;
        return idx;
    }

    @Override
    public int dequeue(final long nowNs) {
        while (true) {
            int flow;
            boolean fromNew = true;
            if (newHead >= 0) {
                flow = newHead;
            } else if (oldHead >= 0) {
                flow = oldHead;
                fromNew = false;
            } else {
                return PacketStore.NO_PACKET;
            }
            final int fi = flow << FLOW_SHIFT;
            if (fs[fi + F_DEFICIT] <= 0) {
                fs[fi + F_DEFICIT] += quantumBytes;
                listRemoveHead(flow);
                listAddTail(flow, OLD);
                continue;
            }
            // an empty flow (as every flow left on the lists when the qdisc ran empty): codelDequeue's outcome for
            // it, without the call
            final int h;
            if (fs[fi + F_HEAD] == PacketStore.NO_PACKET) {
                fs[fi + F_DROPPING] = 0;
                h = PacketStore.NO_PACKET;
            } else {
                h = codelDequeue(flow, nowNs);
            }
            if (h == PacketStore.NO_PACKET) {
                listRemoveHead(flow);
                if (fromNew && oldHead >= 0) {
                    listAddTail(flow, OLD);
                } else {
                    fs[fi + F_LIST_OF] = NONE;
                }
                continue;
            }
            fs[fi + F_DEFICIT] -= headLength;
            dequeued++;
            return h;
        }
    }

    private int dequeueHead(final int flow) {
        final int fi = flow << FLOW_SHIFT;
        final int h = fs[fi + F_HEAD];
        if (h == PacketStore.NO_PACKET) {
            return h;
        }
        final byte[] m = memArray;
        final long meta = memAddress + store.slotOffset(h);
        fs[fi + F_HEAD] = UnsafeApi.getInt(m, meta + PacketLayout.NEXT_OFFSET);
        UnsafeApi.putInt(m, meta + PacketLayout.NEXT_OFFSET, PacketStore.NO_PACKET);
        final int l = UnsafeApi.getInt(m, meta + PacketLayout.LENGTH_OFFSET);
        headLength = l;
        backlogs[flow] -= l;
        backlog -= l;
        qlen--;
        return h;
    }

    private boolean shouldDrop(final int h, final int flow, final int now) {
        final int fi = flow << FLOW_SHIFT;
        if (h == PacketStore.NO_PACKET) {
            fs[fi + F_FIRST_ABOVE_TIME] = 0;
            return false;
        }
        final int ldelay = now - enqueueTime[h];
        if (ldelay - target < 0 || backlog <= mtuBytes) {
            fs[fi + F_FIRST_ABOVE_TIME] = 0;
            return false;
        }
        if (fs[fi + F_FIRST_ABOVE_TIME] == 0) {
            fs[fi + F_FIRST_ABOVE_TIME] = now + interval;
        } else if (now - fs[fi + F_FIRST_ABOVE_TIME] > 0) {
            return true;
        }
        return false;
    }

    /** {@code codel_dequeue()}: the common case here (the head is not to be dropped), the rest apart. */
    private int codelDequeue(final int flow, final long nowNs) {
        final int fi = flow << FLOW_SHIFT;
        final int h = dequeueHead(flow);
        if (h == PacketStore.NO_PACKET) {
            fs[fi + F_DROPPING] = 0;
            return h;
        }
        final int now = codelTime(nowNs);
        if (!shouldDrop(h, flow, now)) {
            // dropping or not, a head below the target ends the dropping state
            fs[fi + F_DROPPING] = 0;
            return h;
        }
        return codelDrop(flow, h, now, nowNs);
    }

    /** {@code codel_dequeue()} from where {@code codel_should_drop()} said to drop the head {@code h}. */
    private int codelDrop(final int flow, final int head, final int now, final long nowNs) {
        final int fi = flow << FLOW_SHIFT;
        int h = head;
        if (fs[fi + F_DROPPING] != 0) {
            if (now - fs[fi + F_DROP_NEXT] >= 0) {
                while (fs[fi + F_DROPPING] != 0 && now - fs[fi + F_DROP_NEXT] >= 0) {
                    cvCount[flow]++;
                    newtonStep(flow);
                    if (ecn && setCe(h)) {
                        counters.increment(QdiscCounter.ECN_MARK);
                        fs[fi + F_DROP_NEXT] = controlLaw(fs[fi + F_DROP_NEXT], cvRecInvSqrt[flow]);
                        return h;
                    }
                    dropCodel(h, nowNs);
                    h = dequeueHead(flow);
                    if (!shouldDrop(h, flow, now)) {
                        fs[fi + F_DROPPING] = 0;
                    } else {
                        fs[fi + F_DROP_NEXT] = controlLaw(fs[fi + F_DROP_NEXT], cvRecInvSqrt[flow]);
                    }
                }
            }
        } else {
            if (ecn && setCe(h)) {
                counters.increment(QdiscCounter.ECN_MARK);
            } else {
                dropCodel(h, nowNs);
                h = dequeueHead(flow);
                shouldDrop(h, flow, now);
            }
            fs[fi + F_DROPPING] = 1;
            final int delta = cvCount[flow] - cvLastCount[flow];
            if (delta > 1 && (now - fs[fi + F_DROP_NEXT]) - 16 * interval < 0) {
                cvCount[flow] = delta;
                newtonStep(flow);
            } else {
                cvCount[flow] = 1;
                cvRecInvSqrt[flow] = 0xFFFF;
            }
            cvLastCount[flow] = cvCount[flow];
            fs[fi + F_DROP_NEXT] = controlLaw(now, cvRecInvSqrt[flow]);
        }
        return h;
    }

    private void dropCodel(final int h, final long nowNs) {
        traceDrop(h, 3, nowNs);
        store.free(h);
        counters.increment(QdiscCounter.DROP_CODEL);
        counters.increment(QdiscCounter.DROPPED);
    }

    private void newtonStep(final int flow) {
        cvRecInvSqrt[flow] = newtonStep(cvRecInvSqrt[flow], cvCount[flow]);
    }

    /**
     * {@code codel_Newton_step()}: one Newton iteration of rec_inv_sqrt ≈ 1/sqrt(count) in Q0.16.
     *
     * @param recInvSqrt the previous value (u16)
     * @param count the drop count (u32)
     * @return the new value (u16)
     */
    static int newtonStep(final int recInvSqrt, final int count) {
        final long invsqrt = (recInvSqrt & 0xFFFFL) << REC_INV_SQRT_SHIFT;
        final long invsqrt2 = (invsqrt * invsqrt) >>> 32;
        long val = (3L << 32) - (count & 0xFFFF_FFFFL) * invsqrt2;
        val >>>= 2;
        val = (val * invsqrt) >>> (32 - 2 + 1);
        return (int) (val >>> REC_INV_SQRT_SHIFT) & 0xFFFF;
    }

    private int controlLaw(final int t, final int recInvSqrt) {
        return controlLaw(t, interval, recInvSqrt);
    }

    /**
     * {@code codel_control_law()}: t + interval / sqrt(count), as {@code reciprocal_scale}.
     *
     * @param t a codel time
     * @param interval the interval in codel time units
     * @param recInvSqrt 1/sqrt(count) in Q0.16
     * @return the next drop time
     */
    static int controlLaw(final int t, final int interval, final int recInvSqrt) {
        final long scale = (recInvSqrt & 0xFFFFL) << REC_INV_SQRT_SHIFT;
        return t + (int) (((interval & 0xFFFF_FFFFL) * scale) >>> 32);
    }

    /** {@code INET_ECN_set_ce()}: marks an ECT packet CE (IPv4 with its header checksum, or IPv6). */
    private boolean setCe(final int h) {
        final int net = store.networkOffset(h);
        if (net < 0) {
            return false;
        }
        final MutableDirectBuffer b = store.buffer();
        final int at = store.frameOffset(h) + net;
        final int version = (b.getByte(at) & 0xF0) >>> 4;
        if (version == 4) {
            final int word = b.getShort(at, NET) & 0xFFFF;
            if ((word & 3) == 0) {
                return false;
            }
            final int marked = word | 3;
            b.putShort(at, (short) marked, NET);
            b.putShort(at + 10, (short) InetChecksum.replace16(b.getShort(at + 10, NET) & 0xFFFF, word, marked), NET);
            return true;
        }
        if (version == 6) {
            final int word = b.getShort(at, NET) & 0xFFFF;
            if ((word & 0x0030) == 0) {
                return false;
            }
            b.putShort(at, (short) (word | 0x0030), NET);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- flow lists (new_flows, old_flows)

    private void listAddTail(final int flow, final int list) {
        final int fi = flow << FLOW_SHIFT;
        fs[fi + F_LIST_OF] = list;
        fs[fi + F_LIST_NEXT] = -1;
        if (list == NEW) {
            if (newTail < 0) {
                newHead = flow;
            } else {
                fs[(newTail << FLOW_SHIFT) + F_LIST_NEXT] = flow;
            }
            newTail = flow;
        } else {
            if (oldTail < 0) {
                oldHead = flow;
            } else {
                fs[(oldTail << FLOW_SHIFT) + F_LIST_NEXT] = flow;
            }
            oldTail = flow;
        }
    }

    /** Removes the flow at the head of its list (dequeue only ever takes list heads). */
    private void listRemoveHead(final int flow) {
        final int fi = flow << FLOW_SHIFT;
        if (fs[fi + F_LIST_OF] == NEW) {
            newHead = fs[fi + F_LIST_NEXT];
            if (newHead < 0) {
                newTail = -1;
            }
        } else {
            oldHead = fs[fi + F_LIST_NEXT];
            if (oldHead < 0) {
                oldTail = -1;
            }
        }
        fs[fi + F_LIST_NEXT] = -1;
    }

    @Override
    public int qlen() {
        return qlen;
    }

    @Override
    public long backlogBytes() {
        return backlog;
    }

    /** @return bytes charged against the memory limit */
    public long memoryUsageBytes() {
        return (long) qlen * truesizeBytes;
    }

    /**
     * @param flow a flow queue
     * @return its CoDel drop count (for tests and traces)
     */
    public int codelCount(final int flow) {
        return cvCount[flow];
    }

    @Override
    public Counters<QdiscCounter> counters() {
        counters.set(QdiscCounter.ENQUEUED, enqueued);
        counters.set(QdiscCounter.NEW_FLOW, newFlows);
        counters.set(QdiscCounter.DEQUEUED, dequeued);
        return counters;
    }
}
