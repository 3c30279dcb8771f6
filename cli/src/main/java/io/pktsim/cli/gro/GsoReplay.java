package io.pktsim.cli.gro;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketParser;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.ForwardOutput;

/**
 * Cuts captured super-packets with software GSO and the forwarding MTU check, the engine behind
 * {@code pktsim gso}: each frame is a TCP super-packet (full IP length, up to 64 KiB; its TCP checksum may hold
 * only the pseudo-header sum), segmented at {@code gsoSize}; segments above the MTU are dropped with the ICMP
 * the kernel would send (DF or IPv6) or IP-fragmented.
 */
public final class GsoReplay {

    private final int gsoSize;
    private final int mtu;
    private final boolean txCsum;
    private final List<ReplayRecord> out = new ArrayList<>();
    private final List<String> icmp = new ArrayList<>();
    private final List<byte[]> frames = new ArrayList<>();
    private final List<long[]> times = new ArrayList<>();

    /**
     * @param gsoSize payload bytes per segment, at least 1
     * @param mtu egress MTU, 68..65535
     * @param txCsum whether the egress device checksums (segments keep the pseudo-header sum)
     * @throws BadInputException for a bad option value
     */
    public GsoReplay(final int gsoSize, final int mtu, final boolean txCsum) throws BadInputException {
        if (gsoSize < 1) {
            throw new BadInputException(0, "--gso-size " + gsoSize + " must be at least 1");
        }
        if (mtu < 68 || mtu > 65535) {
            throw new BadInputException(0, "--mtu " + mtu + " is outside 68..65535");
        }
        this.gsoSize = gsoSize;
        this.mtu = mtu;
        this.txCsum = txCsum;
    }

    /**
     * Adds a super-packet; checks that it is Ethernet / IP / TCP.
     *
     * @param recordNumber 1-based record number
     * @param timeNs capture time, ns
     * @param frame the frame
     * @throws BadInputException if the frame is not Ethernet/IP/TCP
     */
    public void add(final long recordNumber, final long timeNs, final byte[] frame) throws BadInputException {
        final PacketStore probe = new PacketStore(1, frame.length + 64, 0);
        final int h = probe.allocate();
        probe.putFrame(h, frame, 0, frame.length, frame.length);
        final int r = new PacketParser().parse(probe, h);
        if (r != PacketParser.L4 || probe.protocol(h) == 0) {
            throw new BadInputException(recordNumber, "the frame is not Ethernet/IP/TCP");
        }
        final int l4 = probe.transportOffset(h);
        final int f = probe.frameOffset(h);
        final int inner = probe.innerNetworkOffset(h);
        final int ip = f + (inner >= 0 ? inner : probe.networkOffset(h));
        final boolean v4 = (probe.buffer().getByte(ip) & 0xF0) == 0x40;
        final int proto = v4 ? probe.buffer().getByte(ip + 9) & 0xFF : -1;
        if (v4 && proto != 6 || frame.length < l4 + 20) {
            throw new BadInputException(recordNumber, "the frame is not Ethernet/IP/TCP");
        }
        frames.add(frame);
        times.add(new long[] {timeNs, recordNumber});
    }

    /** @return ICMP errors the kernel would have sent, one line each */
    public List<String> icmpReports() {
        return icmp;
    }

    /**
     * Runs the segmentation.
     *
     * @return the wire packets (segments or fragments), in order
     */
    public List<ReplayRecord> run() {
        int max = 2048;
        for (final byte[] f : frames) {
            max = Math.max(max, f.length + 64);
        }
        final PacketStore store = new PacketStore(1024, max + 64, 64);
        final PacketParser parser = new PacketParser();
        final ForwardOutput fwd = new ForwardOutput(store, new OffloadFeatures().txChecksum(txCsum));
        for (int i = 0; i < frames.size(); i++) {
            final byte[] f = frames.get(i);
            final long t = times.get(i)[0];
            final int h = store.allocate();
            store.putFrame(h, f, 0, f.length, f.length);
            parser.parse(store, h);
            final boolean v4 = store.protocol(h) == 0x0800;
            final int inner = store.innerNetworkOffset(h);
            int type = v4 ? PacketStore.GSO_TCPV4 : PacketStore.GSO_TCPV6;
            if (inner >= 0) {
                final int ip = store.frameOffset(h) + inner;
                type = ((store.buffer().getByte(ip) & 0xF0) == 0x40 ? PacketStore.GSO_TCPV4 : PacketStore.GSO_TCPV6)
                    | PacketStore.GSO_IPXIP4;
            }
            store.gsoSize(h, gsoSize);
            store.gsoType(h, type);
            store.checksumState(h, ChecksumState.PARTIAL);
            final int result = fwd.forward(h, mtu, g -> {
                final int len = store.length(g);
                final byte[] frame = new byte[len];
                store.getFrame(g, frame, 0, len);
                final FrameFields ff = FrameFields.of(store, g, len);
                out.add(new ReplayRecord(t, frame, ff.payloadLen, null, null, ff.seq, ff.ipId, ff.flags, null));
                store.free(g);
            });
            if (result == ForwardOutput.DROPPED_FRAG_NEEDED || result == ForwardOutput.DROPPED_PACKET_TOO_BIG) {
                icmp.add("record " + times.get(i)[1] + ": dropped, " + fwd.lastIcmp().describe());
            }
        }
        return out;
    }
}
