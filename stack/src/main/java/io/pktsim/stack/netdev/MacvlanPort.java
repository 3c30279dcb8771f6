package io.pktsim.stack.netdev;

import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.packet.PacketStore;

/**
 * The macvlan rx_handler of one lower device ({@code struct macvlan_port}, drivers/net/macvlan.c, Linux 6.18).
 *
 * <p>Unicast ({@code macvlan_handle_frame}): the destination MAC is looked up in a 256-bucket hash
 * ({@code MACVLAN_HASH_BITS} 8, {@code macvlan_eth_hash} as on a little-endian CPU such as the MT7621) and the
 * frame goes to that macvlan for another receive pass ({@code RX_HANDLER_ANOTHER}); no match passes the
 * frame on to the lower device. Broadcast and multicast: a clone is queued to the deferred broadcast queue
 * ({@code macvlan_broadcast_enqueue}, at most {@code bc_queue_len} = {@value #DEFAULT_BC_QUEUE_LEN} frames,
 * more are dropped and counted) and the original passes on; {@link #processBroadcasts} is the work item
 * ({@code macvlan_process_broadcast} → {@code macvlan_broadcast}) that clones each queued frame once per
 * macvlan that is up, so a broadcast costs O(N) for N dials.
 *
 * <p>Simplifications: VEPA/bridge/private/passthru/source modes are not distinguished (frames from a macvlan
 * never loop back to a sibling); the broadcast work runs when the caller calls it. Allocation-free per frame.
 */
public final class MacvlanPort {

    /** {@code MACVLAN_HASH_BITS}. */
    public static final int HASH_BITS = 8;
    /** {@code MACVLAN_DEFAULT_BC_QUEUE_LEN}. */
    public static final int DEFAULT_BC_QUEUE_LEN = 1000;
    private static final long GOLDEN_RATIO_64 = 0x61C8_8646_80B5_83EBL;

    private final NetDevice lower;
    private final MacvlanDevice[] buckets = new MacvlanDevice[1 << HASH_BITS];
    private final MacvlanDevice[] all;
    private int count;
    private final int[] bcQueue;
    private int bcHead;
    private int bcSize;

    /**
     * @param lower the lower device (counts the broadcast drops)
     * @param maxMacvlans how many macvlans this port may carry
     * @param bcQueueLen the broadcast queue length ({@value #DEFAULT_BC_QUEUE_LEN} by default)
     */
    public MacvlanPort(final NetDevice lower, final int maxMacvlans, final int bcQueueLen) {
        this.lower = lower;
        this.all = new MacvlanDevice[maxMacvlans];
        this.bcQueue = new int[bcQueueLen];
    }

    /**
     * {@code macvlan_eth_hash()} on a little-endian CPU: the six address bytes loaded as a little-endian
     * word shifted up by 16 bits, through {@code hash_64(value, 8)}.
     *
     * @param mac a MAC address (48 bits, first byte most significant)
     * @return the bucket, 0..255
     */
    public static int ethHash(final long mac) {
        // octet i of the address (most significant first) at bits 8i+16..8i+23: the six octets byte-reversed
        final long value = Long.reverseBytes(mac & 0xFFFF_FFFF_FFFFL);
        return (int) ((value * GOLDEN_RATIO_64) >>> (64 - HASH_BITS));
    }

    /**
     * Adds a macvlan ({@code macvlan_common_newlink} → {@code macvlan_hash_add}).
     *
     * @param dev the device; its MAC must be unique on this port
     */
    public void add(final MacvlanDevice dev) {
        if (lookup(dev.mac()) != null) {
            throw new IllegalArgumentException("MacvlanPort: MAC of " + dev.name() + " is already in use");
        }
        if (count == all.length) {
            throw new IllegalStateException("MacvlanPort: more than " + all.length + " macvlans");
        }
        all[count++] = dev;
        final int b = ethHash(dev.mac());
        dev.nextInBucket = buckets[b];
        buckets[b] = dev;
    }

    /**
     * {@code macvlan_hash_lookup()}.
     *
     * @param mac the address
     * @return the macvlan with it, or null
     */
    public MacvlanDevice lookup(final long mac) {
        for (MacvlanDevice d = buckets[ethHash(mac)]; d != null; d = d.nextInBucket) {
            if (d.mac() == mac) {
                return d;
            }
        }
        return null;
    }

    /** @return broadcasts waiting for {@link #processBroadcasts} */
    public int broadcastBacklog() {
        return bcSize;
    }

    /**
     * The rx_handler ({@code macvlan_handle_frame}).
     *
     * @param store the packets
     * @param handle an Ethernet frame received on the lower device
     * @return the macvlan's ifindex ({@code RX_HANDLER_ANOTHER}; the frame now belongs to it),
     *     {@link RxHandler#PASS} (a broadcast, after its clone was queued, or no macvlan has the destination
     *     MAC), or {@link RxHandler#CONSUMED} (the macvlan is down: freed, counted as
     *     {@link NetDeviceCounter#RX_DROPPED_DOWN} on it)
     */
    public int handleFrame(final PacketStore store, final int handle) {
        final byte[] a = store.buffer().byteArray();
        final long at = store.frameAddress(handle, 6);
        if ((FrameBytes.getByte(a, at) & 1) != 0) {
            lower.counters().increment(NetDeviceCounter.RX_MULTICAST);
            store.setFlag(handle, PacketStore.FLAG_MULTICAST);
            broadcastEnqueue(store, handle);
            return RxHandler.PASS;
        }
        final long dst = ((FrameBytes.getShort(a, at) & 0xFFFFL) << 32)
            | (FrameBytes.getInt(a, at + 2) & 0xFFFF_FFFFL);
        final MacvlanDevice dev = lookup(dst);
        if (dev == null) {
            return RxHandler.PASS;
        }
        if (!dev.isUp()) {
            dev.counters().increment(NetDeviceCounter.RX_DROPPED_DOWN);
            store.free(handle);
            return RxHandler.CONSUMED;
        }
        dev.received(store, handle);
        return dev.ifindex();
    }

    private void broadcastEnqueue(final PacketStore store, final int handle) {
        if (bcSize == bcQueue.length) {
            lower.counters().increment(NetDeviceCounter.RX_DROPPED_BC_QUEUE_FULL);
            return;
        }
        final int clone = store.copy(handle);
        if (clone == PacketStore.NO_PACKET) {
            lower.counters().increment(NetDeviceCounter.RX_DROPPED_CLONE_FAILED);
            return;
        }
        bcQueue[(bcHead + bcSize) % bcQueue.length] = clone;
        bcSize++;
    }

    /**
     * The broadcast work item: each queued frame is cloned once per macvlan that is up and delivered to the
     * sink as received on it; the queued frame is then freed.
     *
     * @param store the packets
     * @param budget the most queued frames to process
     * @param sink receives the clones
     * @return the queued frames processed
     */
    public int processBroadcasts(final PacketStore store, final int budget, final MacvlanSink sink) {
        int done = 0;
        while (bcSize > 0 && done < budget) {
            final int h = bcQueue[bcHead];
            bcHead = (bcHead + 1) % bcQueue.length;
            bcSize--;
            for (int i = 0; i < count; i++) {
                final MacvlanDevice dev = all[i];
                if (!dev.isUp()) {
                    continue;
                }
                final int c = store.copy(h);
                if (c == PacketStore.NO_PACKET) {
                    dev.counters().increment(NetDeviceCounter.RX_DROPPED_CLONE_FAILED);
                    continue;
                }
                dev.counters().increment(NetDeviceCounter.RX_MULTICAST);
                dev.received(store, c);
                sink.deliver(c, dev.ifindex());
            }
            store.free(h);
            done++;
        }
        return done;
    }
}
