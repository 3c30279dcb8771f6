package io.pktsim.lb.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapReorderBuffer;
import io.pktsim.core.pcap.PcapWriter;
import io.pktsim.stack.gro.GroTable;
import io.pktsim.stack.netdev.NetDevice;
import io.pktsim.stack.netdev.NetDeviceTable;
import io.pktsim.stack.netdev.PppoeDevice;

/**
 * The router's pcap taps, one file per interface, like {@code tcpdump -i DEVICE} on the router: the file is named
 * after the device the engine's {@link NetDeviceTable} gives it ({@code eth0.pcap}, {@code eth0.1.pcap} (the LAN),
 * {@code eth0.2.pcap} (a WAN line), {@code macvlan3.pcap}, {@code pppoe-wan3.pcap}) and holds the frames the device
 * receives and sends, both directions in one file, with the headers the device sees:
 *
 * <ul>
 *   <li>{@code eth0} (the GMAC on the switch's CPU port): Ethernet with the 802.1Q tag of the LAN or of the line,
 *       then PPPoE on the WAN side; link type Ethernet (1);</li>
 *   <li>a VLAN device ({@code eth0.N}): the same frames of its VLAN without the tag; Ethernet (1);</li>
 *   <li>a dial's macvlan: its dial's frames, Ethernet (its own MAC) with the PPPoE session header; Ethernet (1);</li>
 *   <li>a PPPoE device: its dial's IP packets behind a Linux cooked capture header (link type 113: packet type
 *       "host" or "outgoing", ARPHRD_PPP, no link address, the IP ethertype), as {@code tcpdump -i pppoe-wanN}
 *       writes them (libpcap maps ARPHRD_PPP to cooked mode).</li>
 * </ul>
 *
 * <p>Nanosecond timestamps in simulated time (time 0 is 1970-01-01). A received packet is on eth0 and on every
 * upper device it reaches, at the same time, when the CPU has finished its driver and GRO work and delivers it
 * to {@code __netif_receive_skb}: Linux 6.18 runs the receive taps ({@code deliver_skb} to the
 * {@code ptype_all} packet sockets) in {@code __netif_receive_skb_core} (net/core/dev.c), on each device of the
 * {@code another_round} loop (eth0, then the VLAN device {@code vlan_do_receive} finds, then the macvlan's
 * {@code rx_handler}), after {@code napi_gro_receive} (net/core/gro.c) has merged what it could. Frames the ring
 * drops, frames the PPE forwards and packets an RPS backlog drops never get there and are not captured, as with
 * tcpdump on a router with HWNAT. On eth0 a frame keeps its 802.1Q tag: {@code skb_vlan_untag} (or the driver's
 * {@code NETIF_F_HW_VLAN_CTAG_RX}, as {@code mtk_eth_soc} does) has put it in the skb's metadata before the
 * taps, and libpcap puts it back in front of the ethertype from the packet's auxdata
 * ({@code TP_STATUS_VLAN_VALID}). A sent packet is on every device it passes when the CPU has finished
 * forwarding it ({@code dev_queue_xmit}, before eth0's qdisc).
 *
 * <p>GRO aggregates ({@link #captureAggregate}): the receive taps see the packet {@code napi_gro_complete} hands
 * up, one record however many segments it holds: the first segment's headers, the aggregate's IP length
 * ({@code inet_gro_complete}: {@code tot_len} and the IPv4 header checksum; {@code ipv6_gro_complete}:
 * {@code payload_len}), the TCP flags with PSH and FIN of the later segments ORed in ({@code tcp_gro_receive},
 * net/ipv4/tcp_offload.c: {@code tcp_flag_word(th2) |= flags & (TCP_FLAG_FIN | TCP_FLAG_PSH)}) and the TCP
 * checksum field holding the pseudo-header sum ({@code tcp4_gro_complete}: {@code th->check =
 * ~tcp_v4_check(skb->len - thoff, saddr, daddr, 0)}, net/ipv6/tcpv6_offload.c {@code tcp6_gro_complete} alike,
 * then {@code tcp_gro_complete} sets {@code CHECKSUM_PARTIAL}), written by the stack's own GRO code
 * ({@link GroTable#completeTcpHeaders}, as {@code pktsim gro --out} writes them); the record's original length is
 * the aggregate's. A packet GRO held but merged nothing with is shown as received. On the way out the taps run in
 * {@code xmit_one} after {@code validate_xmit_skb}, which segments a GSO packet only for a device without TSO:
 * a PPPoE device has none, so it and the devices below it show the segments; eth0 ({@code mtk_eth_soc},
 * {@code mlx5_core}: TSO), its VLAN devices and a macvlan keep the aggregate whole, which these taps then show
 * once (the engine itself sends the segments).
 *
 * <p>A fraglist aggregate ({@code device.napi.groList}, TCP or UDP) differs: {@code tcp4_gro_complete} and
 * {@code udp4_gro_complete} (and their IPv6 twins) leave its first segment's checksum and flags as they came, and a
 * UDP head's length becomes the aggregate's ({@code uh->len = htons(skb->len - nhoff)}); the IP length is set as
 * above. The live kernel shows exactly that ({@code RouterFraglistLiveKernelTest}).
 *
 * <p>Records are in time order: each file's timestamps never go backwards, and frames of the same nanosecond are
 * in the order the engine handled them. The engine solves the CPU's work ahead of its clock, so it shows frames
 * out of time order (in {@code k2p-8dial} up to about 6 ms late), but never a frame dated before its clock
 * ({@link RouterSimulation.FrameTap#capture}): the taps hold each record (its captured bytes) in a
 * {@link PcapReorderBuffer} shared by all the files and write it once the clock has reached its timestamp, the
 * rest at {@link #close()}. The buffer holds {@value #INITIAL_HELD_RECORDS} records (about 3 MiB at the engine's
 * 160-byte snapshot length; the T3 scenarios, CPU-bound with 32 or 64 dials, hold up to about 8,500 at once) and
 * doubles when full, up to {@value #MAX_HELD_RECORDS} (about 25 MiB); beyond that the oldest record is written early,
 * and a record then older than one its file already holds fails the run ({@link IllegalStateException}) rather than
 * be written out of order. Used alone (not given a clock by {@link RouterSimulation#tap}), the taps write each
 * record at once, so its frames must come in time order.
 *
 * <p>A record's captured bytes are the stored headers; its original length is the frame's length as the device
 * sees it (the payload is counted, not stored), so tools show "packet size limited during capture". Writing
 * allocates nothing. Files are written beside their target and moved into place by {@link #close()};
 * {@link #abort()} (or a failing close) leaves none of them.
 *
 * <p>A received packet's records are dated when the CPU that runs its protocol path takes it up: with RPS the
 * target CPU's {@code process_backlog}, after the work queued there before it; without, the polling CPU, after
 * the earlier packets of its {@code gro_normal_batch} list.
 *
 * <p>Simplifications: eth0's send record is dated when the CPU has
 * finished forwarding, before its qdisc, not when the qdisc hands the packet to the driver (a qdisc drop is
 * captured); there is no {@code br-lan}: the LAN is {@code eth0.1}.
 */
public final class PcapTaps implements RouterSimulation.FrameTap, AutoCloseable {

    /** The file suffix after the device name. */
    public static final String SUFFIX = ".pcap";

    /** Direct staging memory shared by all the taps of a run, in bytes (each gets 8..64 KiB of it). */
    private static final int STAGING_BYTES = 4 << 20;
    private static final int MIN_BUFFER_BYTES = 8 << 10;
    /** The reorder buffer's slots allocated at open (the scenarios of docs/scenarios hold at most 8512). */
    static final int INITIAL_HELD_RECORDS = 1 << 14;
    /** The most records the reorder buffer holds. */
    static final int MAX_HELD_RECORDS = 1 << 17;
    /** The aggregate scratch's least size, in bytes. */
    private static final int MIN_AGGREGATE_BYTES = 256;
    /** The TCP header's flag byte and the end of its checksum field. */
    private static final int TCP_FLAGS = 13;
    private static final int TCP_CHECKSUM_END = 18;
    /** The end of the UDP header: its length and checksum fields. */
    private static final int UDP_HEADER_END = 8;
    private static final int IPV4_PROTOCOL = 9;
    private static final int IPV6_NEXT_HEADER = 6;
    private static final int UDP = 17;
    private static final int IPV6_HEADER = 40;
    /** {@code ETH_P_PPP_SES}, and the PPPoE session header's length field: 4 bytes before its IP header. */
    private static final int ETH_P_PPP_SES = 0x8864;
    private static final int PPPOE_LENGTH_FROM_IP = 4;
    /** No clock: every record is written at once. */
    private static final LongSupplier NO_CLOCK = () -> Long.MAX_VALUE;

    private final PcapWriter[] byIfindex;
    private final List<PcapWriter> writers;
    private final PcapReorderBuffer order;
    /** Records captured, by interface index (held ones included). */
    private final long[] captured;
    /** Segments those records stand for: one per record, a GRO aggregate's count for an aggregate. */
    private final long[] segments;
    /** An aggregate's headers, rewritten per record. */
    private final UnsafeBuffer aggregate;
    private LongSupplier clock = NO_CLOCK;
    /** The Linux cooked header of a ppp device's record, rewritten per record. */
    private final byte[] sll = new byte[PcapFormat.SLL_HEADER_LENGTH];
    private boolean closed;

    private PcapTaps(final PcapWriter[] byIfindex, final List<PcapWriter> writers, final int snaplenBytes) {
        this.byIfindex = byIfindex;
        this.writers = writers;
        this.order = new PcapReorderBuffer(byIfindex, INITIAL_HELD_RECORDS, MAX_HELD_RECORDS);
        this.captured = new long[byIfindex.length];
        this.segments = new long[byIfindex.length];
        this.aggregate = new UnsafeBuffer(new byte[Math.max(snaplenBytes, MIN_AGGREGATE_BYTES)]);
    }

    /**
     * Opens one tap per interface in a directory (which must exist).
     *
     * @param dir the directory
     * @param snaplenBytes the snapshot length, at least the largest stored header, in bytes
     * @param devices the router's devices, by interface index
     * @param only the device names to capture, empty for all
     * @return the taps
     * @throws IOException if a file cannot be created (nothing is left behind)
     * @throws IllegalArgumentException if {@code only} names a device the router does not have
     */
    public static PcapTaps open(final Path dir, final int snaplenBytes, final NetDeviceTable devices,
            final List<String> only) throws IOException {
        final List<String> names = new ArrayList<>(devices.size());
        for (int i = 1; i <= devices.size(); i++) {
            names.add(devices.get(i).name());
        }
        final Set<String> wanted = new LinkedHashSet<>(only);
        for (final String name : wanted) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("pcap interface '" + name + "': the router has no such device "
                        + "(it has " + RouterSimulation.describeInterfaces(names) + ")");
            }
        }
        final int count = wanted.isEmpty() ? names.size() : wanted.size();
        final int buffer = Math.max(MIN_BUFFER_BYTES, Math.min(PcapWriter.BLOCK_BYTES, STAGING_BYTES / count));
        final PcapWriter[] byIfindex = new PcapWriter[devices.size() + 1];
        final List<PcapWriter> writers = new ArrayList<>(count);
        try {
            for (int i = 1; i <= devices.size(); i++) {
                final NetDevice d = devices.get(i);
                if (wanted.isEmpty() || wanted.contains(d.name())) {
                    final int linkType = d instanceof PppoeDevice ? PcapFormat.LINKTYPE_LINUX_SLL
                            : PcapFormat.LINKTYPE_ETHERNET;
                    byIfindex[i] = PcapWriter.open(dir.resolve(d.name() + SUFFIX), linkType, snaplenBytes, true,
                            buffer);
                    writers.add(byIfindex[i]);
                }
            }
        } catch (final IOException | RuntimeException e) {
            for (final PcapWriter w : writers) {
                w.abort();
            }
            throw e;
        }
        return new PcapTaps(byIfindex, writers, snaplenBytes);
    }

    @Override
    public void capture(final int ifindex, final long timeNs, final PacketStore store, final int handle,
            final boolean sent) {
        final PcapWriter w = byIfindex[ifindex];
        if (w == null) {
            return;
        }
        captured[ifindex]++;
        segments[ifindex]++;
        record(w, ifindex, timeNs, sent, store.buffer(), store.frameOffset(handle), store.storedLength(handle),
                store.length(handle));
    }

    /**
     * A GRO aggregate as the device sees it: the first segment's stored headers with the aggregate's IP length (and
     * IPv4 header checksum), FIN/PSH of the later segments ORed into the TCP flags, the TCP checksum field holding
     * the pseudo-header sum (written by the stack's GRO code, {@link GroTable#completeTcpHeaders}), and the
     * aggregate's length as the record's original length. Counts one record of {@code segs} segments.
     */
    @Override
    public void captureAggregate(final int ifindex, final long timeNs, final PacketStore store, final int handle,
            final boolean sent, final int segs, final int ipLengthBytes, final int pshFin, final boolean fraglist) {
        final PcapWriter w = byIfindex[ifindex];
        if (w == null) {
            return;
        }
        captured[ifindex]++;
        segments[ifindex] += segs;
        final int frame = store.frameOffset(handle);
        final int stored = Math.min(store.storedLength(handle), aggregate.capacity());
        final int ipAt = store.networkHeaderOffset(handle) - frame;
        final int l4At = store.transportHeaderOffset(handle) - frame;
        final boolean udp = ipAt >= 0 && ipAt < stored && store.buffer().getByte(frame + ipAt
                + ((store.buffer().getByte(frame + ipAt) & 0xF0) == 0x40 ? IPV4_PROTOCOL : IPV6_NEXT_HEADER)) == UDP;
        if (ipAt < 0 || l4At < ipAt || l4At + (udp ? UDP_HEADER_END : TCP_CHECKSUM_END) > stored) {
            throw new IllegalStateException("pcap tap " + w.file() + ": aggregate at " + timeNs + " ns with its IP "
                    + "header at " + ipAt + " and its transport header at " + l4At + " of " + stored + " stored bytes");
        }
        final UnsafeBuffer b = aggregate;
        b.putBytes(0, store.buffer(), frame, stored);
        final int headIpLength = (b.getByte(ipAt) & 0xF0) == 0x40 ? b.getShort(ipAt + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF
                : IPV6_HEADER + (b.getShort(ipAt + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        if (fraglist) {
            // tcp4_gro_complete / udp4_gro_complete (and the IPv6 twins) for is_flist: the head keeps its own
            // transport checksum and flags; a UDP head's length becomes the aggregate's (uh->len = skb->len - nhoff)
            GroTable.writeIpLength(b, ipAt, ipLengthBytes);
            if (udp) {
                b.putShort(l4At + 4, (short) (ipLengthBytes - (l4At - ipAt)), ByteOrder.BIG_ENDIAN);
            }
        } else if (udp) {
            // udp4_gro_complete / udp6_gro_complete without is_flist (rx-udp-gro-forwarding): the aggregate's UDP
            // length and the pseudo-header sum in the checksum field
            GroTable.completeUdpHeaders(b, ipAt, l4At, ipLengthBytes);
        } else {
            b.putByte(l4At + TCP_FLAGS, (byte) (b.getByte(l4At + TCP_FLAGS) | (pshFin & (TcpView.PSH | TcpView.FIN))));
            GroTable.completeTcpHeaders(b, ipAt, l4At, ipLengthBytes);
        }
        if (ipAt >= PPPOE_LENGTH_FROM_IP + 6 && (b.getShort(ipAt - PPPOE_LENGTH_FROM_IP - 6, ByteOrder.BIG_ENDIAN)
                & 0xFFFF) == ETH_P_PPP_SES) {
            // a PPPoE session frame (OpenWrt's PPPoE GRO): pppoe_gro_complete() sets the session header's length
            b.putShort(ipAt - PPPOE_LENGTH_FROM_IP, (short) (ipLengthBytes + 2), ByteOrder.BIG_ENDIAN);
        }
        record(w, ifindex, timeNs, sent, b, 0, stored, store.length(handle) - headIpLength + ipLengthBytes);
    }

    private void record(final PcapWriter w, final int ifindex, final long timeNs, final boolean sent,
            final DirectBuffer bytes, final int offset, final int stored, final int wireLength) {
        try {
            // Everything up to the clock can be written: no frame shown from now on is dated before it.
            order.release(clock.getAsLong());
            if (w.linkType() == PcapFormat.LINKTYPE_LINUX_SLL) {
                // A ppp device: libpcap's cooked header (ARPHRD_PPP, no address), then the IP packet.
                final int version = bytes.getByte(offset) >> 4 & 0xF;
                PcapFormat.sllHeader(sll, sent ? PcapFormat.SLL_PACKET_OUTGOING : PcapFormat.SLL_PACKET_HOST,
                        PcapFormat.ARPHRD_PPP, version == 6 ? 0x86DD : 0x0800);
                order.add(ifindex, timeNs, sll, PcapFormat.SLL_HEADER_LENGTH, bytes, offset, stored, wireLength);
                return;
            }
            order.add(ifindex, timeNs, null, 0, bytes, offset, stored, wireLength);
        } catch (final IOException e) {
            throw new UncheckedIOException("pcap tap " + w.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The simulation's clock ({@link RouterSimulation#tap} gives it): records up to its time are written, later ones
     * held until it reaches them.
     *
     * @param nowNs the clock, in nanoseconds
     */
    @Override
    public void clock(final LongSupplier nowNs) {
        this.clock = nowNs;
    }

    /** @return the files the taps write (moved into place by {@link #close()}), in interface-index order */
    public List<Path> files() {
        final List<Path> files = new ArrayList<>(writers.size());
        for (final PcapWriter w : writers) {
            files.add(w.file());
        }
        return files;
    }

    /**
     * @param ifindex an interface index
     * @return records captured on that interface so far (the file holds them all once closed), or -1 if it is not
     *     captured
     */
    public long records(final int ifindex) {
        return ifindex > 0 && ifindex < byIfindex.length && byIfindex[ifindex] != null ? captured[ifindex] : -1L;
    }

    /**
     * @param ifindex an interface index
     * @return segments the records captured on that interface stand for (a GRO aggregate counts its segments), or
     *     -1 if it is not captured
     */
    public long segments(final int ifindex) {
        return ifindex > 0 && ifindex < byIfindex.length && byIfindex[ifindex] != null ? segments[ifindex] : -1L;
    }

    /** @return records held for time order now, waiting for the clock */
    public int heldRecords() {
        return order.held();
    }

    /** @return the most records held at once so far */
    public int heldRecordsHighWater() {
        return order.highWater();
    }

    /**
     * Writes every held record, then every file, and moves it into place.
     *
     * @throws IOException if one cannot be written (none of the files is then left behind)
     */
    @Override
    public void close() throws IOException {
        closed = true;
        try {
            order.releaseAll();
        } catch (final IOException | RuntimeException e) {
            for (final PcapWriter w : writers) {
                w.abort();
            }
            throw e;
        }
        for (int i = 0; i < writers.size(); i++) {
            try {
                writers.get(i).close();
            } catch (final IOException | RuntimeException e) {
                for (int j = i + 1; j < writers.size(); j++) {
                    writers.get(j).abort();
                }
                for (int j = 0; j < i; j++) {
                    try {
                        Files.deleteIfExists(writers.get(j).file());
                    } catch (final IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }
    }

    /** Deletes every temporary file, or every file if already closed: nothing is left. */
    public void abort() {
        for (final PcapWriter w : writers) {
            w.abort();
            if (closed) {
                try {
                    Files.deleteIfExists(w.file());
                } catch (final IOException e) {
                    // best effort: the run's own failure is the one reported
                }
            }
        }
    }
}
