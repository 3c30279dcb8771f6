package io.pktsim.stack.netdev;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.packet.PacketStore;

/**
 * The PPPoE session packet handler ({@code pppoe_rcv}, drivers/net/ppp/pppoe.c, Linux 6.18): finds the
 * session of a frame with EtherType 0x8864 by (session id, source MAC, receiving ifindex), as
 * {@code get_item()} does in the per-namespace hash, and receives the frame on that PPPoE device. Frames that
 * are not version/type 0x11 code 0, or match no session, are freed and counted. Allocation-free per frame.
 */
public final class PppoeSessions {

    private static final int BUCKETS = 256;
    private final PppoeDevice[] buckets = new PppoeDevice[BUCKETS];
    private long noSession;
    private long malformed;

    private static int bucket(final int sid, final long mac, final int ifindex) {
        final long x = (sid * 0x9E37_79B9L) ^ mac ^ ((long) ifindex << 48);
        return (int) ((x * 0x61C8_8646_80B5_83EBL) >>> 56) & (BUCKETS - 1);
    }

    /**
     * Registers a session (connect on a PPPoE socket, {@code set_item()}).
     *
     * @param dev the session device
     */
    public void add(final PppoeDevice dev) {
        final int b = bucket(dev.sessionId(), dev.peerMac(), dev.lowerIfindex());
        dev.nextInBucket = buckets[b];
        buckets[b] = dev;
    }

    /**
     * Removes a session ({@code delete_item()}), under whatever session id it was added with (a redial changes
     * the id: remove, redial, add). Control path: looks through every bucket.
     *
     * @param dev the session device
     * @return whether it was registered
     */
    public boolean remove(final PppoeDevice dev) {
        for (int b = 0; b < BUCKETS; b++) {
            PppoeDevice prev = null;
            for (PppoeDevice d = buckets[b]; d != null; d = d.nextInBucket) {
                if (d == dev) {
                    if (prev == null) {
                        buckets[b] = d.nextInBucket;
                    } else {
                        prev.nextInBucket = d.nextInBucket;
                    }
                    d.nextInBucket = null;
                    return true;
                }
                prev = d;
            }
        }
        return false;
    }

    /**
     * Receives a PPPoE session frame.
     *
     * @param store the packets
     * @param handle an Ethernet frame with EtherType 0x8864, received on {@code ifindex}
     * @param ifindex the device it arrived on (the macvlan)
     * @return the PPPoE device's ifindex (the packet is now the bare IP packet received on it), or
     *     {@link RxHandler#CONSUMED} if it was dropped and freed (no session: {@link #noSessionDrops()};
     *     malformed: {@link #malformedDrops()} or the device's counters)
     */
    public int receive(final PacketStore store, final int handle, final int ifindex) {
        // one check of the handle, the stored length and the range of the Ethernet and PPPoE headers, then their
        // fields without a check each (the device decapsulates at the same address)
        final long eth = store.storedFrameAddress(handle, EthernetView.LENGTH + PppoeView.LENGTH);
        if (eth < 0) {
            malformed++;
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        final byte[] a = store.buffer().byteArray();
        if ((FrameBytes.getShort(a, eth + EthernetView.ETHERTYPE_OFFSET) & 0xFFFF)
            != EthernetView.ETHERTYPE_PPPOE_SESSION) {
            malformed++;
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        final long ses = eth + EthernetView.LENGTH;
        if ((FrameBytes.getByte(a, ses + PppoeView.VER_TYPE_OFFSET) & 0xFF) != 0x11
            || FrameBytes.getByte(a, ses + PppoeView.CODE_OFFSET) != 0) {
            malformed++;
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        final int sid = FrameBytes.getShort(a, ses + PppoeView.SESSION_ID_OFFSET) & 0xFFFF;
        final long src = ((FrameBytes.getShort(a, eth + EthernetView.SRC_OFFSET) & 0xFFFFL) << 32)
            | (FrameBytes.getInt(a, eth + EthernetView.SRC_OFFSET + 2) & 0xFFFF_FFFFL);
        for (PppoeDevice d = buckets[bucket(sid, src, ifindex)]; d != null; d = d.nextInBucket) {
            if (d.sessionId() == sid && d.peerMac() == src && d.lowerIfindex() == ifindex) {
                if (!d.receive(store, handle, a, ses)) {
                    store.free(handle);
                    return RxHandler.CONSUMED;
                }
                return d.ifindex();
            }
        }
        noSession++;
        store.free(handle);
        return RxHandler.CONSUMED;
    }

    /** @return frames dropped because no session matched */
    public long noSessionDrops() {
        return noSession;
    }

    /** @return frames dropped because they were not PPPoE session frames of version/type 1/1, code 0 */
    public long malformedDrops() {
        return malformed;
    }
}
