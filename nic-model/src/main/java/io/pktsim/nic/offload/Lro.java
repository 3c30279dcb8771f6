package io.pktsim.nic.offload;

import java.nio.ByteOrder;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * Large receive offload in the NIC: hardware aggregation of TCP segments before the driver sees them, with its
 * own rules and header rewriting. The rules follow the old software LRO ({@code net/ipv4/inet_lro.c}, removed
 * from mainline; the rule book's section 9.1) as a stand-in for vendor rules:
 *
 * <ul>
 *   <li>IPv4 and TCP only; flow key: addresses and ports only (TTL, TOS, ID not checked);</li>
 *   <li>a frame is eligible with payload &gt; 0, no IP options, no padding, no CE mark, flags ACK or ACK+PSH
 *       only, and options either none or exactly NOP,NOP,Timestamp with TSecr &ne; 0;</li>
 *   <li>it joins its flow's aggregate when its sequence number is the next one and its TSval does not go
 *       backwards; ack, window and TSecr of the aggregate are <b>overwritten</b> with the latest segment's,
 *       PSH is ORed in and does not end the aggregate;</li>
 *   <li>gso_size is the largest segment seen, gso_type stays 0 (the aggregate cannot be segmented back);</li>
 *   <li>an aggregate ends after {@code maxAggr} segments or when its IP length would pass 65535 - MTU; at most
 *       {@code maxDesc} flows aggregate at once.</li>
 * </ul>
 *
 * <p>With {@link OffloadFeatures#lro()} off (as {@code dev_disable_lro()} leaves it when forwarding is enabled)
 * every frame passes through. Merged frames are freed; the aggregate keeps their payload length.
 */
public final class Lro {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final PacketStore store;
    private final MutableDirectBuffer buf;
    private final OffloadFeatures features;
    private final OffloadSink sink;
    private final int maxAggr;
    private final int maxLenBytes;
    private final int[] descHandle;
    private final int[] descCount;
    private final int[] descNextSeq;
    private final int[] descIpLen;
    private final int[] descMaxSeg;
    private final int[] descTsVal;
    private final Counters<OffloadCounter> counters = new Counters<>(OffloadCounter.class);

    /**
     * Creates the LRO engine of an RX queue.
     *
     * @param store the store
     * @param features the device's features (LRO on or off)
     * @param maxAggr segments per aggregate ({@code max_aggr})
     * @param maxDesc flows aggregated at once ({@code max_desc})
     * @param mtuBytes the device MTU; an aggregate ends before its IP length passes 65535 - MTU
     * @param sink where frames and aggregates go up
     */
    public Lro(final PacketStore store, final OffloadFeatures features, final int maxAggr, final int maxDesc,
        final int mtuBytes, final OffloadSink sink) {
        if (maxAggr < 1 || maxDesc < 1 || mtuBytes < 68 || mtuBytes > 65535) {
            throw new IllegalArgumentException("Lro: max_aggr " + maxAggr + ", max_desc " + maxDesc + ", MTU "
                + mtuBytes + " (need max_aggr >= 1, max_desc >= 1, 68 <= MTU <= 65535)");
        }
        this.store = store;
        this.buf = store.buffer();
        this.features = features;
        this.sink = sink;
        this.maxAggr = maxAggr;
        this.maxLenBytes = 65535 - mtuBytes;
        this.descHandle = new int[maxDesc];
        this.descCount = new int[maxDesc];
        this.descNextSeq = new int[maxDesc];
        this.descIpLen = new int[maxDesc];
        this.descMaxSeg = new int[maxDesc];
        this.descTsVal = new int[maxDesc];
        java.util.Arrays.fill(descHandle, PacketStore.NO_PACKET);
    }

    /** @return the counters */
    public Counters<OffloadCounter> counters() {
        return counters;
    }

    /**
     * Receives one frame (Ethernet + IPv4 + TCP with offsets unset or set).
     *
     * @param handle the frame
     * @param nowNs simulated time, ns
     */
    public void receive(final int handle, final long nowNs) {
        counters.increment(OffloadCounter.LRO_RECEIVED);
        if (!features.lro()) {
            pass(handle, nowNs);
            return;
        }
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int f = s.frameOffset(handle);
        final int len = s.length(handle);
        final int stored = Math.min(s.storedLength(handle), len);
        if (stored < 54 || (b.getShort(f + 12, NET) & 0xFFFF) != 0x0800 || (b.getByte(f + 14) & 0xFF) != 0x45
            || (b.getByte(f + 23) & 0xFF) != 6) {
            pass(handle, nowNs);
            return;
        }
        final int ip = f + 14;
        final int tcp = ip + 20;
        final int totLen = b.getShort(ip + 2, NET) & 0xFFFF;
        final int thlen = (b.getByte(tcp + 12) & 0xF0) >>> 2;
        final int flags = b.getByte(tcp + 13) & 0xFF;
        final int payload = totLen - 20 - thlen;
        final boolean tsOption = thlen == 32 && b.getInt(tcp + 20, NET) == 0x0101080A;
        final boolean eligible = totLen == len - 14 && (b.getByte(ip + 1) & 3) != 3
            && (b.getShort(ip + 6, NET) & 0x3FFF) == 0 && payload > 0 && (flags & ~0x08) == 0x10
            && stored >= 14 + 20 + thlen && (thlen == 20 || tsOption && b.getInt(tcp + 28) != 0);
        final int d = find(ip, tcp);
        if (!eligible) {
            if (d >= 0) {
                flush(d, nowNs);
            }
            pass(handle, nowNs);
            return;
        }
        final int seq = b.getInt(tcp + 4, NET);
        final int tsVal = tsOption ? b.getInt(tcp + 24, NET) : 0;
        if (d >= 0) {
            if (seq == descNextSeq[d] && (!tsOption || tsVal - descTsVal[d] >= 0)
                && descIpLen[d] + payload <= maxLenBytes) {
                append(d, handle, tcp, payload, flags, tsOption, tsVal, nowNs);
                return;
            }
            flush(d, nowNs);
        }
        final int free = freeDescriptor();
        if (free < 0) {
            counters.increment(OffloadCounter.LRO_NO_DESCRIPTOR);
            pass(handle, nowNs);
            return;
        }
        counters.increment(OffloadCounter.LRO_STARTED);
        descHandle[free] = handle;
        descCount[free] = 1;
        descNextSeq[free] = seq + payload;
        descIpLen[free] = totLen;
        descMaxSeg[free] = payload;
        descTsVal[free] = tsVal;
        s.networkOffset(handle, 14);
        s.transportOffset(handle, 34);
        s.protocol(handle, 0x0800);
        if (maxAggr == 1) {
            flush(free, nowNs);
        }
    }

    private void append(final int d, final int handle, final int tcp, final int payload, final int flags,
        final boolean tsOption, final int tsVal, final long nowNs) {
        final MutableDirectBuffer b = buf;
        final int head = descHandle[d];
        final int ht = store.frameOffset(head) + 34;
        // overwrite ack, window and TSecr with the latest segment's; OR in PSH
        b.putInt(ht + 8, b.getInt(tcp + 8));
        b.putShort(ht + 14, b.getShort(tcp + 14));
        if (tsOption) {
            b.putInt(ht + 24, b.getInt(tcp + 24));
            b.putInt(ht + 28, b.getInt(tcp + 28));
        }
        b.putByte(ht + 13, (byte) (b.getByte(ht + 13) | (flags & 0x08)));
        descCount[d]++;
        descNextSeq[d] += payload;
        descIpLen[d] += payload;
        descMaxSeg[d] = Math.max(descMaxSeg[d], payload);
        descTsVal[d] = tsVal;
        store.length(head, store.length(head) + payload);
        store.free(handle);
        counters.increment(OffloadCounter.LRO_MERGED);
        if (descCount[d] >= maxAggr || descIpLen[d] + descMaxSeg[d] > maxLenBytes) {
            flush(d, nowNs);
        }
    }

    private int find(final int ip, final int tcp) {
        final MutableDirectBuffer b = buf;
        for (int d = 0; d < descHandle.length; d++) {
            final int h = descHandle[d];
            if (h != PacketStore.NO_PACKET) {
                final int hf = store.frameOffset(h);
                if (b.getLong(hf + 26) == b.getLong(ip + 12) && b.getInt(hf + 34) == b.getInt(tcp)) {
                    return d;
                }
            }
        }
        return -1;
    }

    private int freeDescriptor() {
        for (int d = 0; d < descHandle.length; d++) {
            if (descHandle[d] == PacketStore.NO_PACKET) {
                return d;
            }
        }
        return -1;
    }

    private void pass(final int handle, final long nowNs) {
        counters.increment(OffloadCounter.LRO_PASSED);
        sink.deliver(handle, nowNs);
    }

    /**
     * Hands every aggregate up (end of the interrupt's receive work, {@code lro_flush_all()}).
     *
     * @param nowNs simulated time, ns
     */
    public void flushAll(final long nowNs) {
        for (int d = 0; d < descHandle.length; d++) {
            if (descHandle[d] != PacketStore.NO_PACKET) {
                flush(d, nowNs);
            }
        }
    }

    private void flush(final int d, final long nowNs) {
        final int h = descHandle[d];
        descHandle[d] = PacketStore.NO_PACKET;
        final MutableDirectBuffer b = buf;
        final int ip = store.frameOffset(h) + 14;
        if (descCount[d] > 1) {
            // lro_update_tcp_ip_header(): total length, IP checksum, full TCP checksum over the aggregate
            b.putShort(ip + 2, (short) descIpLen[d], NET);
            b.putShort(ip + 10, (short) 0);
            b.putShort(ip + 10, (short) InetChecksum.finish(InetChecksum.sum(b, ip, 20, 0)), NET);
            final int tcp = ip + 20;
            final int tcpLen = descIpLen[d] - 20;
            b.putShort(tcp + 16, (short) 0);
            final long pseudo = InetChecksum.pseudoIpv4(b.getInt(ip + 12, NET), b.getInt(ip + 16, NET), 6, tcpLen);
            final int storedTcp = Math.min(tcpLen, store.storedLength(h) - 34);
            b.putShort(tcp + 16, (short) InetChecksum.finish(InetChecksum.sum(b, tcp, storedTcp, pseudo)), NET);
            store.gsoSize(h, descMaxSeg[d]);
            store.gsoSegs(h, descCount[d]);
            store.gsoType(h, 0);
            store.checksumState(h, ChecksumState.UNNECESSARY);
        }
        counters.increment(OffloadCounter.LRO_FLUSHED);
        sink.deliver(h, nowNs);
    }
}
