package io.pktsim.lb.router;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.pcap.PcapFormat;
import io.pktsim.core.pcap.PcapWriter;

/**
 * The router's pcap taps, like {@code tcpdump -i} on each side of eth0: {@code wan.pcap} holds the frames the
 * router receives from and sends to the WAN lines (Ethernet, the line's 802.1Q tag, the dial's PPPoE session, IP,
 * TCP/UDP) and {@code lan.pcap} those of the LAN (Ethernet, the LAN's 802.1Q tag, IP, TCP/UDP). Link type
 * Ethernet (1), nanosecond timestamps in simulated time (time 0 is 1970-01-01): a received frame when it reaches
 * the SoC through the CPU port, a sent frame when the router hands it to eth0 (after its egress devices, before
 * the qdisc). Records are in the order the engine sees them; a sent frame can carry an earlier timestamp than
 * the received one before it (the CPU's work is solved ahead of time).
 *
 * <p>A record's captured bytes are the stored headers; its original length is the frame's length (the payload is
 * counted, not stored), so tools show "packet size limited during capture". Writing allocates nothing. Files are
 * written beside their target and moved into place by {@link #close()}; {@link #abort()} leaves nothing.
 *
 * <p>Simplifications: one tap per side of the switch, not per device (eth0.2, the macvlans and the PPPoE devices
 * would each show their own headers); frames dropped by the CPU port's queue on the way in are not seen.
 */
public final class PcapTaps implements RouterSimulation.FrameTap, AutoCloseable {

    /** The WAN side's file name. */
    public static final String WAN_FILE = "wan.pcap";
    /** The LAN side's file name. */
    public static final String LAN_FILE = "lan.pcap";

    private final PcapWriter wan;
    private final PcapWriter lan;

    private PcapTaps(final PcapWriter wan, final PcapWriter lan) {
        this.wan = wan;
        this.lan = lan;
    }

    /**
     * Opens both taps in a directory (which must exist).
     *
     * @param dir the directory
     * @param snaplenBytes the snapshot length, at least the largest stored header, in bytes
     * @return the taps
     * @throws IOException if a file cannot be created (nothing is left behind)
     */
    public static PcapTaps open(final Path dir, final int snaplenBytes) throws IOException {
        final PcapWriter w = PcapWriter.open(dir.resolve(WAN_FILE), PcapFormat.LINKTYPE_ETHERNET, snaplenBytes);
        try {
            return new PcapTaps(w, PcapWriter.open(dir.resolve(LAN_FILE), PcapFormat.LINKTYPE_ETHERNET,
                snaplenBytes));
        } catch (final IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    @Override
    public void frame(final long timeNs, final PacketStore store, final int handle, final boolean toLan) {
        try {
            (toLan ? lan : wan).writeRecord(timeNs, store.buffer(), store.frameOffset(handle),
                store.storedLength(handle), store.length(handle));
        } catch (final IOException e) {
            throw new UncheckedIOException("pcap tap " + (toLan ? lan : wan).file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void received(final long timeNs, final PacketStore store, final int handle, final boolean fromLan) {
        frame(timeNs, store, handle, fromLan);
    }

    /** @return records written to {@code wan.pcap} */
    public long wanRecords() {
        return wan.records();
    }

    /** @return records written to {@code lan.pcap} */
    public long lanRecords() {
        return lan.records();
    }

    /**
     * Writes both files and moves them into place.
     *
     * @throws IOException if one cannot be written (neither is then left half-written)
     */
    @Override
    public void close() throws IOException {
        try {
            wan.close();
        } catch (final IOException e) {
            lan.abort();
            throw e;
        }
        lan.close();
    }

    /** Deletes both temporary files: nothing is written. */
    public void abort() {
        wan.abort();
        lan.abort();
    }
}
