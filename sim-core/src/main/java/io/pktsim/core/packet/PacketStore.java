package io.pktsim.core.packet;

import static io.pktsim.core.packet.PacketLayout.ARRIVAL_NS_OFFSET;
import static io.pktsim.core.packet.PacketLayout.AUX_OFFSET;
import static io.pktsim.core.packet.PacketLayout.CONNTRACK_OFFSET;
import static io.pktsim.core.packet.PacketLayout.CSUM_LEVEL_OFFSET;
import static io.pktsim.core.packet.PacketLayout.CSUM_OFFSET;
import static io.pktsim.core.packet.PacketLayout.CSUM_STATE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.DATA_OFFSET_OFFSET;
import static io.pktsim.core.packet.PacketLayout.EGRESS_DEVICE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.FLAGS_OFFSET;
import static io.pktsim.core.packet.PacketLayout.GSO_SEGS_OFFSET;
import static io.pktsim.core.packet.PacketLayout.GSO_SIZE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.GSO_TYPE_HIGH_OFFSET;
import static io.pktsim.core.packet.PacketLayout.GSO_TYPE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.HASH_OFFSET;
import static io.pktsim.core.packet.PacketLayout.HASH_TYPE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.INGRESS_DEVICE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.INNER_NETWORK_OFFSET_OFFSET;
import static io.pktsim.core.packet.PacketLayout.LENGTH_OFFSET;
import static io.pktsim.core.packet.PacketLayout.MARK_OFFSET;
import static io.pktsim.core.packet.PacketLayout.META_LENGTH;
import static io.pktsim.core.packet.PacketLayout.NETWORK_OFFSET_OFFSET;
import static io.pktsim.core.packet.PacketLayout.NEXT_OFFSET;
import static io.pktsim.core.packet.PacketLayout.PROTOCOL_OFFSET;
import static io.pktsim.core.packet.PacketLayout.QUEUE_MAPPING_OFFSET;
import static io.pktsim.core.packet.PacketLayout.STATE_OFFSET;
import static io.pktsim.core.packet.PacketLayout.STORED_LENGTH_OFFSET;
import static io.pktsim.core.packet.PacketLayout.TIMESTAMP_NS_OFFSET;
import static io.pktsim.core.packet.PacketLayout.TRANSPORT_OFFSET_OFFSET;

import io.pktsim.core.counter.Counters;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Fixed-size packet slots in one Agrona buffer. A packet is an {@code int} handle; its metadata is read
 * and written through this class, its frame bytes through the header views in {@code io.pktsim.core.header}
 * wrapped at {@link #frameOffset(int)} of {@link #buffer()}.
 *
 * <p>A slot's data area holds {@code headroom} bytes in front of the frame, so that encapsulations
 * (VLAN, PPPoE) can be pushed in front without moving it ({@link #push(int, int)}), like
 * {@code skb_push()}. Frame bytes past {@link #storedLength(int)} are not held; they read as zeros.
 *
 * <p>A full store is a modelled drop: {@link #allocate()} returns {@link #NO_PACKET} and counts
 * {@link PacketStoreCounter#ALLOC_FAILED}. Freeing a free slot is a broken invariant and throws.
 */
public final class PacketStore {

    /** The handle of no packet. */
    public static final int NO_PACKET = -1;

    /** Hash type: no hash set. */
    public static final int HASH_NONE = 0;
    /** Hash type: hash over L3 fields only ({@code PKT_HASH_TYPE_L3}). */
    public static final int HASH_L3 = 1;
    /** Hash type: hash over L4 fields ({@code PKT_HASH_TYPE_L4}; sets {@code skb->l4_hash}). */
    public static final int HASH_L4 = 2;

    /** gso_type bit {@code SKB_GSO_TCPV4}. */
    public static final int GSO_TCPV4 = 1;
    /** gso_type bit {@code SKB_GSO_TCPV6}. */
    public static final int GSO_TCPV6 = 2;
    /** gso_type bit {@code SKB_GSO_TCP_FIXEDID}: IPv4 IDs were equal across the merged segments. */
    public static final int GSO_TCP_FIXEDID = 4;
    /** gso_type bit {@code SKB_GSO_TCP_ECN}: a segment carried CWR. */
    public static final int GSO_TCP_ECN = 8;
    /** gso_type bit {@code SKB_GSO_FRAGLIST}: a fraglist GRO aggregate. */
    public static final int GSO_FRAGLIST = 16;
    /** gso_type bit {@code SKB_GSO_UDP_L4}. */
    public static final int GSO_UDP_L4 = 32;
    /** gso_type bit {@code SKB_GSO_IPXIP4}: an IP-in-IPv4 tunnelled packet. */
    public static final int GSO_IPXIP4 = 64;
    /** gso_type bit {@code SKB_GSO_DODGY}: the gso fields came from an untrusted source. */
    public static final int GSO_DODGY = 128;
    /** gso_type bit {@code SKB_GSO_TCP_FIXEDID_INNER} (6.18): the inner IPv4 IDs of a tunnelled aggregate are fixed. */
    public static final int GSO_TCP_FIXEDID_INNER = 256;
    /** gso_type bit {@code SKB_GSO_TCP_ACCECN} (6.15+): CWR is kept on every segment at segmentation. */
    public static final int GSO_TCP_ACCECN = 512;

    /** Flag: the frame starts with the IP header (pcap link type 101), not Ethernet. */
    public static final int FLAG_RAW_IP = 1;
    /** Flag: the packet was built by GRO from more than one frame. */
    public static final int FLAG_GRO_MERGED = 1 << 1;
    /** Flag: the packet was sent by a local socket (not forwarded). */
    public static final int FLAG_LOCAL_OUT = 1 << 2;
    /** Flag: the packet is bound to a hardware (PPE) or software flow-offload entry. */
    public static final int FLAG_OFFLOADED = 1 << 3;
    /** Flag: the packet was received on a VLAN (tag already removed by the device). */
    public static final int FLAG_VLAN_RX = 1 << 4;
    /** Flag: the L4 checksum is known to be wrong (a modelled corruption). */
    public static final int FLAG_CSUM_BAD = 1 << 5;
    /** Flag: the packet is a broadcast or multicast frame. */
    public static final int FLAG_MULTICAST = 1 << 6;

    private final UnsafeBuffer buffer;
    /** The buffer's backing array and the address of its byte 0 (for {@link #free(int)}'s one-check access). */
    private final byte[] memArray;
    private final long memAddress;
    private final int capacity;
    private final int slotLength;
    private final int dataCapacity;
    private final int headroom;
    private final int[] freeStack;
    private int freeCount;
    /**
     * A newly allocated slot's metadata as longs, in native byte order: {@link #allocate()} stores them as constants
     * (word 1 holds the headroom, so it is a field), the state word apart.
     */
    private static final long[] FRESH = freshMeta(0);
    private static final long FRESH_4 = FRESH[4];
    private static final long FRESH_5 = FRESH[5];
    private static final long FRESH_8 = FRESH[8];
    private static final long FRESH_9 = FRESH[9];
    private final long freshWord1;
    private final Counters<PacketStoreCounter> counters = new Counters<>(PacketStoreCounter.class);
    /**
     * {@link PacketStoreCounter#ALLOCATED}, {@link PacketStoreCounter#FREED} and {@link PacketStoreCounter#HIGH_WATER}
     * as fields of the store, beside {@link #freeCount} (every allocation and free changes them; {@link #counters()}
     * copies them into the counters).
     */
    private long allocatedCount;
    private long freedCount;
    private int highWater;

    /**
     * Creates a store of headers-only slots: 256 data bytes, 64 of them headroom.
     *
     * @param capacity the number of slots
     */
    public PacketStore(final int capacity) {
        this(capacity, 256, 64);
    }

    /**
     * Creates a store.
     *
     * @param capacity the number of slots (packets held at once)
     * @param dataCapacity bytes of each slot's data area (headroom plus stored frame bytes)
     * @param headroom bytes in front of a newly allocated frame, for pushed encapsulations
     */
    public PacketStore(final int capacity, final int dataCapacity, final int headroom) {
        if (capacity <= 0 || dataCapacity <= 0 || headroom < 0 || headroom >= dataCapacity) {
            throw new IllegalArgumentException("PacketStore: capacity " + capacity + ", data " + dataCapacity
                + " bytes and headroom " + headroom + " bytes do not fit (need 0 <= headroom < data, capacity > 0)");
        }
        final int slot = align8(META_LENGTH + dataCapacity);
        final long total = (long) slot * capacity;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("PacketStore: " + capacity + " slots of " + slot
                + " bytes exceed one 2 GiB buffer");
        }
        this.capacity = capacity;
        this.slotLength = slot;
        this.dataCapacity = dataCapacity;
        this.headroom = headroom;
        this.buffer = new UnsafeBuffer(new byte[(int) total]);
        this.memArray = buffer.byteArray();
        this.memAddress = buffer.addressOffset();
        this.freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeStack[i] = capacity - 1 - i;
        }
        this.freeCount = capacity;
        this.freshWord1 = freshMeta(headroom)[1];
    }

    /**
     * The metadata {@link #allocate()} gives a slot (its state word apart), as {@code META_LENGTH / 8} longs. Only
     * words 1, 4, 5, 8 and 9 are not 0 ({@link #allocate()} relies on it; {@code PacketStoreTest} checks it).
     */
    static long[] freshMeta(final int headroom) {
        final UnsafeBuffer m = new UnsafeBuffer(new byte[META_LENGTH]);
        m.putShort(DATA_OFFSET_OFFSET, (short) headroom);
        m.putInt(NETWORK_OFFSET_OFFSET, -1);
        m.putInt(TRANSPORT_OFFSET_OFFSET, -1);
        m.putInt(INGRESS_DEVICE_OFFSET, -1);
        m.putInt(EGRESS_DEVICE_OFFSET, -1);
        m.putInt(NEXT_OFFSET, NO_PACKET);
        m.putInt(CONNTRACK_OFFSET, -1);
        final long[] words = new long[META_LENGTH >>> 3];
        for (int i = 0; i < words.length; i++) {
            words[i] = m.getLong(i << 3);
        }
        return words;
    }

    private static int align8(final int v) {
        return (v + 7) & ~7;
    }

    /** @return the buffer that holds every slot; wrap header views on it */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /** @return the number of slots */
    public int capacity() {
        return capacity;
    }

    /** @return the number of slots in use */
    public int inUse() {
        return capacity - freeCount;
    }

    /** @return the bytes of each slot's data area */
    public int dataCapacity() {
        return dataCapacity;
    }

    /** @return the store's counters, as of this call */
    public Counters<PacketStoreCounter> counters() {
        counters.set(PacketStoreCounter.ALLOCATED, allocatedCount);
        counters.set(PacketStoreCounter.FREED, freedCount);
        counters.set(PacketStoreCounter.HIGH_WATER, highWater);
        return counters;
    }

    /**
     * Takes a free slot and resets its metadata: length 0, frame at the default headroom, offsets unset,
     * devices -1, no hash, checksum state NONE.
     *
     * @return the handle, or {@link #NO_PACKET} when the store is full (counted as
     *     {@link PacketStoreCounter#ALLOC_FAILED})
     */
    public int allocate() {
        if (freeCount == 0) {
            counters.increment(PacketStoreCounter.ALLOC_FAILED);
            return NO_PACKET;
        }
        final int h = freeStack[--freeCount];
        final byte[] a = memArray;
        final long base = meta(h);
        final int state = UnsafeApi.getInt(a, base + STATE_OFFSET);
        // the fresh image (freshMeta) as constant stores: 12 longs, the state word's kept
        UnsafeApi.putLong(a, base, 0L);
        UnsafeApi.putLong(a, base + 8, freshWord1);
        UnsafeApi.putLong(a, base + 16, 0L);
        UnsafeApi.putLong(a, base + 24, 0L);
        UnsafeApi.putLong(a, base + 32, FRESH_4);
        UnsafeApi.putLong(a, base + 40, FRESH_5);
        UnsafeApi.putLong(a, base + 48, 0L);
        UnsafeApi.putLong(a, base + 56, 0L);
        UnsafeApi.putLong(a, base + 64, FRESH_8);
        UnsafeApi.putLong(a, base + 72, FRESH_9);
        UnsafeApi.putLong(a, base + 80, 0L);
        UnsafeApi.putInt(a, base + STATE_OFFSET, state | 1);
        UnsafeApi.putInt(a, base + STATE_OFFSET + 4, 0);
        tookSlot();
        return h;
    }

    /** Counts a slot just taken from the free stack, and the high-water mark of slots in use. */
    private void tookSlot() {
        allocatedCount++;
        final int inUse = capacity - freeCount;
        if (inUse > highWater) {
            highWater = inUse;
        }
    }

    /**
     * Allocates a packet holding a copy of a frame with its wire length, {@code skb->protocol}, network and transport
     * offsets and arrival time: what {@link #allocate()}, {@link #putFrame(int, DirectBuffer, int, int, int)},
     * {@link #protocol(int, int)}, {@link #networkOffset(int, int)}, {@link #transportOffset(int, int)} and
     * {@link #arrivalNs(int, long)} give, every other metadata field fresh, with the slot's fields written without
     * a handle check each (for a packet copied from a template). The bytes are checked to fit before a slot is
     * taken.
     *
     * @param src the frame bytes (not in the slot this call takes)
     * @param srcOffset offset in src
     * @param count how many bytes, at most the room behind the default headroom
     * @param wireLength the frame's length on the wire (at least count)
     * @param protocol skb->protocol (ethertype)
     * @param networkOffset offset of the L3 header from the frame start, -1 if unset
     * @param transportOffset offset of the L4 header from the frame start, -1 if unset
     * @param arrivalNs arrival time in ns
     * @return the handle, or {@link #NO_PACKET} when the store is full (counted as
     *     {@link PacketStoreCounter#ALLOC_FAILED})
     * @throws IllegalArgumentException if the bytes do not fit
     */
    public int allocateFrame(final DirectBuffer src, final int srcOffset, final int count, final int wireLength,
        final int protocol, final int networkOffset, final int transportOffset, final long arrivalNs) {
        if (count < 0 || count > dataCapacity - headroom || wireLength < count) {
            throw new IllegalArgumentException("PacketStore: a frame of " + count + " stored bytes (wire "
                + wireLength + ") does not fit a slot with " + (dataCapacity - headroom) + " bytes of room");
        }
        // the source's range checked once, as putBytes checks it (before a slot is taken, so a bad range leaks none)
        src.boundsCheck(srcOffset, count);
        if (!PACKED_META) {
            return allocateFrameFields(src, srcOffset, count, wireLength, protocol, networkOffset, transportOffset,
                arrivalNs);
        }
        if (freeCount == 0) {
            counters.increment(PacketStoreCounter.ALLOC_FAILED);
            return NO_PACKET;
        }
        // allocate() with the frame's fields in the words of the fresh image that hold them: each word stored once
        final int h = freeStack[--freeCount];
        final byte[] a = memArray;
        // h came from the free stack: a slot of this store, no check needed
        final long base = memAddress + (long) h * slotLength;
        final int state = UnsafeApi.getInt(a, base + STATE_OFFSET);
        // word 0: the wire and stored lengths; word 1: the data offset (the headroom), the network and transport
        // offsets and the inner network offset (-1); word 6: the arrival time; word 9: skb->protocol, the queue
        // mapping (0) and the conntrack reference (-1), the fresh image's other lanes
        UnsafeApi.putLong(a, base, ((long) count << 32) | (wireLength & 0xFFFF_FFFFL));
        UnsafeApi.putLong(a, base + 8, (freshWord1 & 0xFFFF_0000_0000_FFFFL) | (networkOffset & 0xFFFFL) << 16
            | (transportOffset & 0xFFFFL) << 32);
        UnsafeApi.putLong(a, base + 16, 0L);
        UnsafeApi.putLong(a, base + 24, 0L);
        UnsafeApi.putLong(a, base + 32, FRESH_4);
        UnsafeApi.putLong(a, base + 40, FRESH_5);
        UnsafeApi.putLong(a, base + 48, arrivalNs);
        UnsafeApi.putLong(a, base + 56, 0L);
        UnsafeApi.putLong(a, base + 64, FRESH_8);
        UnsafeApi.putLong(a, base + 72, (FRESH_9 & ~0xFFFFL) | (protocol & 0xFFFFL));
        UnsafeApi.putLong(a, base + 80, 0L);
        UnsafeApi.putInt(a, base + STATE_OFFSET, state | 1);
        UnsafeApi.putInt(a, base + STATE_OFFSET + 4, 0);
        tookSlot();
        copyIn(a, base, src, srcOffset, count);
        return h;
    }

    /**
     * Whether {@link #allocateFrame}'s metadata words can be composed as little-endian longs: the lengths the two
     * ints of word 0, the data, network, transport and inner network offsets the four shorts of word 1, the arrival
     * time word 6 and skb->protocol the low short of word 9 ({@code PacketStoreTest} checks the result against
     * {@link #allocate()} and the setters).
     */
    private static final boolean PACKED_META = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
        && LENGTH_OFFSET == 0 && STORED_LENGTH_OFFSET == 4 && DATA_OFFSET_OFFSET == 8 && NETWORK_OFFSET_OFFSET == 10
        && TRANSPORT_OFFSET_OFFSET == 12 && INNER_NETWORK_OFFSET_OFFSET == 14 && ARRIVAL_NS_OFFSET == 48
        && PROTOCOL_OFFSET == 72 && QUEUE_MAPPING_OFFSET == 74 && CONNTRACK_OFFSET == 76 && STATE_OFFSET == 88;

    /** {@link #allocateFrame} field by field (a layout {@link #PACKED_META} does not cover). */
    private int allocateFrameFields(final DirectBuffer src, final int srcOffset, final int count, final int wireLength,
        final int protocol, final int networkOffset, final int transportOffset, final long arrivalNs) {
        final int h = allocate();
        if (h == NO_PACKET) {
            return NO_PACKET;
        }
        // h came from the free stack: a slot of this store, no check needed
        final int slot = h * slotLength;
        final byte[] a = memArray;
        final long base = memAddress + slot;
        UnsafeApi.putInt(a, base + LENGTH_OFFSET, wireLength);
        UnsafeApi.putInt(a, base + STORED_LENGTH_OFFSET, count);
        UnsafeApi.putShort(a, base + NETWORK_OFFSET_OFFSET, (short) networkOffset);
        UnsafeApi.putShort(a, base + TRANSPORT_OFFSET_OFFSET, (short) transportOffset);
        UnsafeApi.putLong(a, base + ARRIVAL_NS_OFFSET, arrivalNs);
        UnsafeApi.putShort(a, base + PROTOCOL_OFFSET, (short) protocol);
        copyIn(a, base, src, srcOffset, count);
        return h;
    }

    /** {@link #allocateFrame}'s copy of {@code count} frame bytes into the slot whose metadata is at {@code base}. */
    private void copyIn(final byte[] a, final long base, final DirectBuffer src, final int srcOffset,
        final int count) {
        // the bytes (inside the slot's room, checked above), eight at a time and then the rest: the same bytes as a
        // putBytes, without a memory-copy call for a frame of a few dozen bytes
        final byte[] s = src.byteArray();
        final long from = src.addressOffset() + srcOffset;
        final long to = base + META_LENGTH + headroom;
        int i = 0;
        for (; i <= count - 8; i += 8) {
            UnsafeApi.putLong(a, to + i, UnsafeApi.getLong(s, from + i));
        }
        for (; i < count; i++) {
            UnsafeApi.putByte(a, to + i, UnsafeApi.getByte(s, from + i));
        }
    }

    /**
     * Returns a slot to the store.
     *
     * @param handle the packet
     * @throws IllegalStateException if the slot is not allocated (a double free)
     */
    public void free(final int handle) {
        // one check of the handle, then the slot's state word without a per-access range check
        final long stateAt = memAddress + slotOffset(handle) + STATE_OFFSET;
        final int state = UnsafeApi.getInt(memArray, stateAt);
        if ((state & 1) == 0) {
            throw doubleFree(handle);
        }
        UnsafeApi.putInt(memArray, stateAt, state + 1);
        freeStack[freeCount++] = handle;
        freedCount++;
    }

    /**
     * The offset in {@link #buffer()} of a packet's slot: its metadata at the {@link PacketLayout} offsets, then
     * the data area ({@code frameOffset(handle) == slotOffset(handle) + META_LENGTH + headroom(handle)}). The
     * whole slot, {@link #slotLength()} bytes, lies inside the buffer, so a hot path may check the handle once
     * here and then read the slot's fields without a range check per field.
     *
     * @param handle the packet (allocated or not)
     * @return an absolute buffer offset
     * @throws IndexOutOfBoundsException if the handle is not a slot of this store
     */
    public int slotOffset(final int handle) {
        if (handle < 0 || handle >= capacity) {
            throw new IndexOutOfBoundsException("PacketStore: handle " + handle + " is not a slot of this store ("
                + capacity + " slots)");
        }
        return handle * slotLength;
    }

    /** @return the bytes of each slot: {@link PacketLayout#META_LENGTH} plus {@link #dataCapacity()}, aligned to 8 */
    public int slotLength() {
        return slotLength;
    }

    /**
     * Whether a handle names an allocated slot.
     *
     * @param handle the handle
     * @return true if allocated
     */
    public boolean isAllocated(final int handle) {
        return handle >= 0 && handle < capacity && (buffer.getInt(handle * slotLength + STATE_OFFSET) & 1) == 1;
    }

    private IllegalStateException doubleFree(final int handle) {
        return new IllegalStateException("PacketStore: free of packet " + handle + " which is not allocated ("
            + inUse() + " of " + capacity + " slots in use)");
    }

    /**
     * Allocates a copy of a packet: its metadata and stored bytes (a {@code skb_copy()}).
     *
     * @param handle the packet to copy
     * @return the copy, or {@link #NO_PACKET} when the store is full
     */
    public int copy(final int handle) {
        final int c = allocate();
        if (c == NO_PACKET) {
            return NO_PACKET;
        }
        final int src = handle * slotLength;
        final int dst = c * slotLength;
        final int state = buffer.getInt(dst + STATE_OFFSET);
        buffer.putBytes(dst, buffer, src, slotLength);
        buffer.putInt(dst + STATE_OFFSET, state);
        buffer.putInt(dst + NEXT_OFFSET, NO_PACKET);
        return c;
    }

    // ------------------------------------------------------------ frame bytes

    /**
     * The offset in {@link #buffer()} of the first frame byte.
     *
     * @param handle the packet
     * @return an absolute buffer offset
     */
    public int frameOffset(final int handle) {
        final int base = slotOffset(handle);
        return base + META_LENGTH + UnsafeApi.getShort(memArray, memAddress + base + DATA_OFFSET_OFFSET);
    }

    /**
     * The address of the frame's first byte for the accessors of {@code io.pktsim.core.header.FrameBytes} with
     * {@code buffer().byteArray()}, its first {@code bytes} bytes checked to lie in the buffer: what
     * {@code FrameBytes.address(buffer(), frameOffset(handle), bytes)} returns, with the handle checked once and,
     * when those bytes lie inside the slot's data area (the usual case: a header at the frame's start), no range
     * check of the buffer (the whole slot lies inside it); else the buffer's own check, which throws as
     * {@code FrameBytes.address} does. The count is the caller's constant; a negative one is a broken contract, not
     * checked here.
     *
     * @param handle the packet
     * @param bytes the bytes from the frame's start the caller will access, at least 0
     * @return the address of the frame's first byte
     * @throws IndexOutOfBoundsException if the handle is not a slot, or the range is not inside the buffer
     */
    public long frameAddress(final int handle, final int bytes) {
        final int slot = slotOffset(handle);
        final int data = UnsafeApi.getShort(memArray, memAddress + slot + DATA_OFFSET_OFFSET);
        return frameAddressAt(slot, data, bytes);
    }

    /**
     * {@link #frameAddress} of a frame that holds at least {@code bytes} stored bytes, else -1 (the frame is shorter,
     * nothing checked further): what a caller that tests {@link #storedLength(int)} before it takes the address gets,
     * with the handle checked once.
     *
     * @param handle the packet
     * @param bytes the bytes from the frame's start the caller will access, at least 0
     * @return the address of the frame's first byte, or -1 if fewer bytes are stored
     * @throws IndexOutOfBoundsException if the handle is not a slot, or the range is not inside the buffer
     */
    public long storedFrameAddress(final int handle, final int bytes) {
        final int slot = slotOffset(handle);
        final long m = memAddress + slot;
        if (UnsafeApi.getInt(memArray, m + STORED_LENGTH_OFFSET) < bytes) {
            return -1L;
        }
        return frameAddressAt(slot, UnsafeApi.getShort(memArray, m + DATA_OFFSET_OFFSET), bytes);
    }

    /**
     * The address of the L3 header, its first {@code bytes} bytes checked to lie in the buffer: what
     * {@code FrameBytes.address(buffer(), networkHeaderOffset(handle), bytes)} returns (a header view's
     * {@code wrap} there), with the handle checked once and no range check of the buffer when those bytes lie
     * inside the slot's data area.
     *
     * @param handle the packet, its network offset set
     * @param bytes the bytes from the L3 header's start the caller will access, at least 0
     * @return the address of the L3 header's first byte
     * @throws IndexOutOfBoundsException if the handle is not a slot, or the range is not inside the buffer
     */
    public long networkHeaderAddress(final int handle, final int bytes) {
        final int slot = slotOffset(handle);
        final long m = memAddress + slot;
        return frameAddressAt(slot, UnsafeApi.getShort(memArray, m + DATA_OFFSET_OFFSET)
            + UnsafeApi.getShort(memArray, m + NETWORK_OFFSET_OFFSET), bytes);
    }

    /**
     * {@link #frameAddress} of the slot at {@code slot} for the byte {@code data} bytes into its data area (the
     * frame's start, or a header's).
     */
    private long frameAddressAt(final int slot, final int data, final int bytes) {
        if (data >= 0 && data + bytes <= dataCapacity) {
            return memAddress + slot + META_LENGTH + data;
        }
        final int index = slot + META_LENGTH + data;
        buffer.boundsCheck(index, bytes);
        return memAddress + index;
    }

    /**
     * The offset in {@link #buffer()} of the L3 header.
     *
     * @param handle the packet
     * @return an absolute buffer offset (meaningless if {@link #networkOffset(int)} is -1)
     */
    public int networkHeaderOffset(final int handle) {
        // frameOffset(handle) + networkOffset(handle), the handle checked once
        final int base = slotOffset(handle);
        final long m = memAddress + base;
        return base + META_LENGTH + UnsafeApi.getShort(memArray, m + DATA_OFFSET_OFFSET)
            + UnsafeApi.getShort(memArray, m + NETWORK_OFFSET_OFFSET);
    }

    /**
     * The offset in {@link #buffer()} of the L4 header.
     *
     * @param handle the packet
     * @return an absolute buffer offset (meaningless if {@link #transportOffset(int)} is -1)
     */
    public int transportHeaderOffset(final int handle) {
        // frameOffset(handle) + transportOffset(handle), the handle checked once
        final int base = slotOffset(handle);
        final long m = memAddress + base;
        return base + META_LENGTH + UnsafeApi.getShort(memArray, m + DATA_OFFSET_OFFSET)
            + UnsafeApi.getShort(memArray, m + TRANSPORT_OFFSET_OFFSET);
    }

    /**
     * The room left in front of the frame.
     *
     * @param handle the packet
     * @return bytes of headroom
     */
    public int headroom(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + DATA_OFFSET_OFFSET);
    }

    /**
     * The room left behind the stored bytes of the frame.
     *
     * @param handle the packet
     * @return bytes of tailroom
     */
    public int tailroom(final int handle) {
        return dataCapacity - headroom(handle) - storedLength(handle);
    }

    /**
     * Writes frame bytes into the slot, setting the stored length and, if shorter, the wire length.
     *
     * @param handle the packet
     * @param src the bytes
     * @param srcOffset offset in src
     * @param count how many bytes, at most the slot's room
     * @param wireLength the frame's length on the wire (at least count)
     * @throws IllegalArgumentException if the bytes do not fit
     */
    public void putFrame(final int handle, final DirectBuffer src, final int srcOffset, final int count,
        final int wireLength) {
        if (count > dataCapacity - headroom(handle) || wireLength < count) {
            throw new IllegalArgumentException("PacketStore: a frame of " + count + " stored bytes (wire "
                + wireLength + ") does not fit a slot with " + (dataCapacity - headroom(handle)) + " bytes of room");
        }
        buffer.putBytes(frameOffset(handle), src, srcOffset, count);
        storedLength(handle, count);
        length(handle, wireLength);
    }

    /**
     * Writes frame bytes from an array, as {@link #putFrame(int, DirectBuffer, int, int, int)}.
     *
     * @param handle the packet
     * @param src the bytes
     * @param srcOffset offset in src
     * @param count how many bytes
     * @param wireLength the frame's length on the wire
     */
    public void putFrame(final int handle, final byte[] src, final int srcOffset, final int count,
        final int wireLength) {
        if (count > dataCapacity - headroom(handle) || wireLength < count) {
            throw new IllegalArgumentException("PacketStore: a frame of " + count + " stored bytes (wire "
                + wireLength + ") does not fit a slot with " + (dataCapacity - headroom(handle)) + " bytes of room");
        }
        buffer.putBytes(frameOffset(handle), src, srcOffset, count);
        storedLength(handle, count);
        length(handle, wireLength);
    }

    /**
     * Copies the frame into an array, filling the unstored part with zeros.
     *
     * @param handle the packet
     * @param dst destination
     * @param dstOffset offset in dst
     * @param max the most bytes to copy
     * @return bytes copied: min(length, max)
     */
    public int getFrame(final int handle, final byte[] dst, final int dstOffset, final int max) {
        final int len = Math.min(length(handle), max);
        final int stored = Math.min(storedLength(handle), len);
        buffer.getBytes(frameOffset(handle), dst, dstOffset, stored);
        java.util.Arrays.fill(dst, dstOffset + stored, dstOffset + len, (byte) 0);
        return len;
    }

    /**
     * Adds bytes in front of the frame ({@code skb_push()}): the frame starts earlier, length and stored
     * length grow, and the L3/L4 offsets (relative to the frame start) move with it.
     *
     * @param handle the packet
     * @param bytes bytes to add
     * @return false if the headroom is too small (nothing changed)
     */
    public boolean push(final int handle, final int bytes) {
        return pushAt(meta(handle), bytes);
    }

    /** {@link #push} of the slot whose metadata is at {@code base} (from {@link #meta(int)}). */
    private boolean pushAt(final long base, final int bytes) {
        final byte[] a = memArray;
        final int data = UnsafeApi.getShort(a, base + DATA_OFFSET_OFFSET);
        if (bytes > data) {
            return false;
        }
        UnsafeApi.putInt(a, base + LENGTH_OFFSET, UnsafeApi.getInt(a, base + LENGTH_OFFSET) + bytes);
        UnsafeApi.putInt(a, base + STORED_LENGTH_OFFSET, UnsafeApi.getInt(a, base + STORED_LENGTH_OFFSET) + bytes);
        if (PACKED_OFFSETS && bytes >= 0) {
            // the data offset and the three frame-relative offsets are the four shorts of one long (lane 0 the data
            // offset): lane 0 less bytes (it is at least bytes: no borrow), each other lane that is not negative
            // plus bytes (at most 32767 + 32767: no carry into the next lane; its 16 bits are the short the sum
            // casts to), in one read and one write instead of four and a branch per offset
            final long w = UnsafeApi.getLong(a, base + DATA_OFFSET_OFFSET);
            UnsafeApi.putLong(a, base + DATA_OFFSET_OFFSET, w - bytes + ((~w & OFFSET_SIGNS) >>> 15) * bytes);
            return true;
        }
        UnsafeApi.putShort(a, base + DATA_OFFSET_OFFSET, (short) (data - bytes));
        shiftOffset(base + NETWORK_OFFSET_OFFSET, bytes);
        shiftOffset(base + TRANSPORT_OFFSET_OFFSET, bytes);
        shiftOffset(base + INNER_NETWORK_OFFSET_OFFSET, bytes);
        return true;
    }

    /**
     * {@link #push(int, int)} then {@link #frameAddress(int, int)} of the new frame start, with the handle checked
     * once: for a device that pushes a header and writes it ({@code skb_push()} and the header's fields).
     *
     * @param handle the packet
     * @param bytes bytes to add, at least 0
     * @param checkBytes the bytes from the new frame start the caller will access, at least 0
     * @return the address of the frame's new first byte, or -1 if the headroom is too small (nothing changed)
     * @throws IndexOutOfBoundsException if the handle is not a slot, or the range is not inside the buffer
     */
    public long pushAddress(final int handle, final int bytes, final int checkBytes) {
        final int slot = slotOffset(handle);
        if (!pushAt(memAddress + slot, bytes)) {
            return -1L;
        }
        return frameAddressAt(slot, UnsafeApi.getShort(memArray, memAddress + slot + DATA_OFFSET_OFFSET), checkBytes);
    }

    /**
     * Whether the data offset and the network, transport and inner network offsets are the four 16-bit lanes of
     * one aligned little-endian {@code long}, lane 0 the data offset ({@link #push}'s one-word update).
     */
    private static final boolean PACKED_OFFSETS = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
        && DATA_OFFSET_OFFSET % 8 == 0 && NETWORK_OFFSET_OFFSET == DATA_OFFSET_OFFSET + 2
        && TRANSPORT_OFFSET_OFFSET == DATA_OFFSET_OFFSET + 4 && INNER_NETWORK_OFFSET_OFFSET == DATA_OFFSET_OFFSET + 6;
    /** The sign bits of lanes 1..3 of {@link #PACKED_OFFSETS}' long. */
    private static final long OFFSET_SIGNS = 0x8000_8000_8000_0000L;

    /**
     * Removes bytes from the front of the frame ({@code skb_pull()}).
     *
     * @param handle the packet
     * @param bytes bytes to remove, at most the stored length
     * @return false if fewer bytes are stored (nothing changed)
     */
    public boolean pull(final int handle, final int bytes) {
        return pullAt(meta(handle), bytes);
    }

    /** {@link #pull} of the slot whose metadata is at {@code base} (from {@link #meta(int)}). */
    private boolean pullAt(final long base, final int bytes) {
        return pullAt(base, bytes, false);
    }

    /**
     * {@link #pullAt(long, int)}, then, when {@code networkAtStart}, the network offset set to 0 (pulled or not), in
     * the same write of the offsets' word: a tunnel's receive ({@link #decapsulated}) leaves that word written once,
     * so the next read of it as a word ({@link #push}) takes it from that one store.
     */
    private boolean pullAt(final long base, final int bytes, final boolean networkAtStart) {
        final byte[] a = memArray;
        final int stored = UnsafeApi.getInt(a, base + STORED_LENGTH_OFFSET);
        if (bytes > stored) {
            if (networkAtStart) {
                UnsafeApi.putShort(a, base + NETWORK_OFFSET_OFFSET, (short) 0);
            }
            return false;
        }
        UnsafeApi.putInt(a, base + LENGTH_OFFSET, UnsafeApi.getInt(a, base + LENGTH_OFFSET) - bytes);
        UnsafeApi.putInt(a, base + STORED_LENGTH_OFFSET, stored - bytes);
        if (PACKED_OFFSETS && bytes >= 0 && bytes <= Short.MAX_VALUE) {
            // push's one-word update the other way: lane 0 (the data offset, not negative: below 32768, so the sum
            // stays below 65536, no carry) plus bytes, each other lane that is not negative less bytes. When none of
            // those goes below 0 nothing borrows, and the result is the four shorts the update one by one gives; when
            // one does, its lane reads at least 32769 (bytes is at most 32767), its sign bit set: the update one by
            // one then clamps it to -1
            final long w = UnsafeApi.getLong(a, base + DATA_OFFSET_OFFSET);
            final long live = (~w & OFFSET_SIGNS) >>> 15;
            final long r = w + bytes - live * bytes;
            if ((w & 0x8000L) == 0 && (r & (live << 15)) == 0) {
                // lane 1 (the network offset) 0 when asked: NETWORK_OFFSET_OFFSET is DATA_OFFSET_OFFSET + 2
                UnsafeApi.putLong(a, base + DATA_OFFSET_OFFSET, networkAtStart ? r & ~0xFFFF_0000L : r);
                return true;
            }
        }
        final int data = UnsafeApi.getShort(a, base + DATA_OFFSET_OFFSET);
        UnsafeApi.putShort(a, base + DATA_OFFSET_OFFSET, (short) (data + bytes));
        shiftOffset(base + NETWORK_OFFSET_OFFSET, -bytes);
        shiftOffset(base + TRANSPORT_OFFSET_OFFSET, -bytes);
        shiftOffset(base + INNER_NETWORK_OFFSET_OFFSET, -bytes);
        if (networkAtStart) {
            UnsafeApi.putShort(a, base + NETWORK_OFFSET_OFFSET, (short) 0);
        }
        return true;
    }

    /** Moves one frame-relative offset of a slot; {@code at} is an address from {@link #meta(int)}. */
    private void shiftOffset(final long at, final int delta) {
        final short v = UnsafeApi.getShort(memArray, at);
        if (v >= 0) {
            final int moved = v + delta;
            UnsafeApi.putShort(memArray, at, (short) (moved < 0 ? -1 : moved));
        }
    }

    /**
     * Trims the frame to {@code bytes} ({@code skb_trim()} / {@code pskb_trim_rcsum()} on a linear frame): the wire
     * length becomes {@code bytes}, the stored length at most that. The same as {@link #length(int, int)} and, when
     * more is stored, {@link #storedLength(int, int)}, with the handle checked once.
     *
     * @param handle the packet
     * @param bytes the new wire length
     */
    public void trim(final int handle, final int bytes) {
        trimAt(meta(handle), bytes);
    }

    /** {@link #trim} of the slot whose metadata is at {@code base}. */
    private void trimAt(final long base, final int bytes) {
        final byte[] a = memArray;
        UnsafeApi.putInt(a, base + LENGTH_OFFSET, bytes);
        if (UnsafeApi.getInt(a, base + STORED_LENGTH_OFFSET) > bytes) {
            UnsafeApi.putInt(a, base + STORED_LENGTH_OFFSET, bytes);
        }
    }

    /**
     * What a device's receive sets on a frame it takes: {@code skb->protocol}, flag bits and {@code skb->dev}. The
     * same as {@link #protocol(int, int)}, {@link #setFlag(int, int)} and {@link #ingressDevice(int, int)}, with the
     * handle checked once.
     *
     * @param handle the packet
     * @param ethertype skb->protocol
     * @param flag the bit(s) to set
     * @param device the ingress device index
     * @return the packet's wire length, in bytes
     */
    public int received(final int handle, final int ethertype, final int flag, final int device) {
        return receivedAt(meta(handle), ethertype, flag, device);
    }

    /** {@link #received} of the slot whose metadata is at {@code base}. */
    private int receivedAt(final long base, final int ethertype, final int flag, final int device) {
        final byte[] a = memArray;
        UnsafeApi.putShort(a, base + PROTOCOL_OFFSET, (short) ethertype);
        UnsafeApi.putInt(a, base + FLAGS_OFFSET, UnsafeApi.getInt(a, base + FLAGS_OFFSET) | flag);
        UnsafeApi.putInt(a, base + INGRESS_DEVICE_OFFSET, device);
        return UnsafeApi.getInt(a, base + LENGTH_OFFSET);
    }

    /**
     * A device's receive of a frame whose outer {@code bytes} it strips ({@code skb_pull()}, as a VLAN device's pop of
     * its tag): {@link #pull(int, int)} then {@link #received(int, int, int, int)}, with the handle checked once.
     *
     * @param handle the packet
     * @param bytes bytes to remove from the front (nothing removed if fewer are stored, as {@link #pull})
     * @param ethertype skb->protocol
     * @param flag the bit(s) to set
     * @param device the ingress device index
     * @return the packet's wire length after the pull, in bytes
     */
    public int pullReceived(final int handle, final int bytes, final int ethertype, final int flag, final int device) {
        final long base = meta(handle);
        pullAt(base, bytes);
        return receivedAt(base, ethertype, flag, device);
    }

    /**
     * A tunnel device's receive of its inner packet (PPPoE's {@code pppoe_rcv_core}: {@code skb_pull()} of the outer
     * headers, {@code pskb_trim_rcsum()} to the inner length, {@code skb->protocol}, {@code skb->dev} and the network
     * header at the new frame start): {@link #pull(int, int)}, {@link #trim(int, int)},
     * {@link #received(int, int, int, int)} and {@link #networkOffset(int, int)} with 0, with the handle checked once.
     *
     * @param handle the packet
     * @param bytes outer bytes to remove from the front (nothing removed if fewer are stored, as {@link #pull})
     * @param innerLength the inner packet's wire length
     * @param ethertype skb->protocol
     * @param flag the bit(s) to set
     * @param device the ingress device index
     */
    public void decapsulated(final int handle, final int bytes, final int innerLength, final int ethertype,
        final int flag, final int device) {
        final long base = meta(handle);
        // the network header at the new frame start, set with the pull's offsets (before the trim and the device's
        // fields, which it does not touch)
        pullAt(base, bytes, true);
        trimAt(base, innerLength);
        receivedAt(base, ethertype, flag, device);
    }

    /**
     * What a device sets on a frame it passes up unchanged (a macvlan's receive): {@code skb->dev}. The same as
     * {@link #ingressDevice(int, int)} then {@link #length(int)}, with the handle checked once.
     *
     * @param handle the packet
     * @param device the ingress device index
     * @return the packet's wire length, in bytes
     */
    public int receivedOn(final int handle, final int device) {
        final long base = meta(handle);
        UnsafeApi.putInt(memArray, base + INGRESS_DEVICE_OFFSET, device);
        return UnsafeApi.getInt(memArray, base + LENGTH_OFFSET);
    }

    /**
     * What a device's transmit sets on a frame it hands down: the lower device as the egress device. The same as
     * {@link #egressDevice(int, int)} then {@link #length(int)}, with the handle checked once.
     *
     * @param handle the packet
     * @param device the egress device index
     * @return the packet's wire length, in bytes
     */
    public int sentTo(final int handle, final int device) {
        final long base = meta(handle);
        UnsafeApi.putInt(memArray, base + EGRESS_DEVICE_OFFSET, device);
        return UnsafeApi.getInt(memArray, base + LENGTH_OFFSET);
    }

    // ------------------------------------------------------------ metadata

    /**
     * The address (for {@link UnsafeApi} with {@link #memArray}) of a slot's metadata: the handle is checked once
     * by {@link #slotOffset(int)}, and every metadata field lies inside the slot, so the field accesses need no
     * range check of their own (the same guarantee as Agrona's per-access check, paid once).
     */
    private long meta(final int handle) {
        return memAddress + slotOffset(handle);
    }

    /**
     * @param handle the packet
     * @return wire length in bytes, payload included
     */
    public int length(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + LENGTH_OFFSET);
    }

    /**
     * @param handle the packet
     * @param bytes wire length in bytes
     */
    public void length(final int handle, final int bytes) {
        UnsafeApi.putInt(memArray, meta(handle) + LENGTH_OFFSET, bytes);
    }

    /**
     * @param handle the packet
     * @return frame bytes held in the slot
     */
    public int storedLength(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + STORED_LENGTH_OFFSET);
    }

    /**
     * @param handle the packet
     * @param bytes frame bytes held in the slot
     */
    public void storedLength(final int handle, final int bytes) {
        UnsafeApi.putInt(memArray, meta(handle) + STORED_LENGTH_OFFSET, bytes);
    }

    /**
     * @param handle the packet
     * @return offset of the L3 header from the frame start, -1 if unset
     */
    public int networkOffset(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + NETWORK_OFFSET_OFFSET);
    }

    /**
     * @param handle the packet
     * @param offset offset of the L3 header from the frame start, -1 to unset
     */
    public void networkOffset(final int handle, final int offset) {
        UnsafeApi.putShort(memArray, meta(handle) + NETWORK_OFFSET_OFFSET, (short) offset);
    }

    /**
     * @param handle the packet
     * @return offset of the L4 header from the frame start, -1 if unset
     */
    public int transportOffset(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + TRANSPORT_OFFSET_OFFSET);
    }

    /**
     * @param handle the packet
     * @param offset offset of the L4 header from the frame start, -1 to unset
     */
    public void transportOffset(final int handle, final int offset) {
        UnsafeApi.putShort(memArray, meta(handle) + TRANSPORT_OFFSET_OFFSET, (short) offset);
    }

    /**
     * @param handle the packet
     * @return offset of the inner L3 header of a tunnelled packet, -1 if none
     */
    public int innerNetworkOffset(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + INNER_NETWORK_OFFSET_OFFSET);
    }

    /**
     * @param handle the packet
     * @param offset offset of the inner L3 header, -1 for none
     */
    public void innerNetworkOffset(final int handle, final int offset) {
        UnsafeApi.putShort(memArray, meta(handle) + INNER_NETWORK_OFFSET_OFFSET, (short) offset);
    }

    /**
     * @param handle the packet
     * @return gso_size in bytes, 0 for a plain packet
     */
    public int gsoSize(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + GSO_SIZE_OFFSET);
    }

    /**
     * @param handle the packet
     * @param bytes gso_size in bytes
     */
    public void gsoSize(final int handle, final int bytes) {
        UnsafeApi.putInt(memArray, meta(handle) + GSO_SIZE_OFFSET, bytes);
    }

    /**
     * @param handle the packet
     * @return gso_segs: the segments this packet stands for (0 or 1 for a plain packet)
     */
    public int gsoSegs(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + GSO_SEGS_OFFSET);
    }

    /**
     * @param handle the packet
     * @param segs gso_segs
     */
    public void gsoSegs(final int handle, final int segs) {
        UnsafeApi.putInt(memArray, meta(handle) + GSO_SEGS_OFFSET, segs);
    }

    /**
     * @param handle the packet
     * @return gso_type bits
     */
    public int gsoType(final int handle) {
        final long base = meta(handle);
        return (UnsafeApi.getByte(memArray, base + GSO_TYPE_OFFSET) & 0xFF)
            | ((UnsafeApi.getByte(memArray, base + GSO_TYPE_HIGH_OFFSET) & 0xFF) << 8);
    }

    /**
     * @param handle the packet
     * @param bits gso_type bits
     */
    public void gsoType(final int handle, final int bits) {
        final long base = meta(handle);
        UnsafeApi.putByte(memArray, base + GSO_TYPE_OFFSET, (byte) bits);
        UnsafeApi.putByte(memArray, base + GSO_TYPE_HIGH_OFFSET, (byte) (bits >>> 8));
    }

    /**
     * @param handle the packet
     * @return skb->hash
     */
    public int hash(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + HASH_OFFSET);
    }

    /**
     * @param handle the packet
     * @return {@link #HASH_NONE}, {@link #HASH_L3} or {@link #HASH_L4}
     */
    public int hashType(final int handle) {
        return UnsafeApi.getByte(memArray, meta(handle) + HASH_TYPE_OFFSET);
    }

    /**
     * Sets the receive hash ({@code skb_set_hash()}).
     *
     * @param handle the packet
     * @param hash the hash
     * @param type {@link #HASH_NONE}, {@link #HASH_L3} or {@link #HASH_L4}
     */
    public void hash(final int handle, final int hash, final int type) {
        final long base = meta(handle);
        UnsafeApi.putInt(memArray, base + HASH_OFFSET, hash);
        UnsafeApi.putByte(memArray, base + HASH_TYPE_OFFSET, (byte) type);
    }

    /**
     * @param handle the packet
     * @return the checksum state
     */
    public ChecksumState checksumState(final int handle) {
        return ChecksumState.of(UnsafeApi.getByte(memArray, meta(handle) + CSUM_STATE_OFFSET));
    }

    /**
     * @param handle the packet
     * @param state the checksum state
     */
    public void checksumState(final int handle, final ChecksumState state) {
        UnsafeApi.putByte(memArray, meta(handle) + CSUM_STATE_OFFSET, (byte) state.ordinal());
    }

    /**
     * @param handle the packet
     * @return csum_level
     */
    public int checksumLevel(final int handle) {
        return UnsafeApi.getByte(memArray, meta(handle) + CSUM_LEVEL_OFFSET);
    }

    /**
     * @param handle the packet
     * @param level csum_level
     */
    public void checksumLevel(final int handle, final int level) {
        UnsafeApi.putByte(memArray, meta(handle) + CSUM_LEVEL_OFFSET, (byte) level);
    }

    /**
     * @param handle the packet
     * @return skb->csum (for CHECKSUM_COMPLETE)
     */
    public int checksumValue(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + CSUM_OFFSET);
    }

    /**
     * @param handle the packet
     * @param csum skb->csum
     */
    public void checksumValue(final int handle, final int csum) {
        UnsafeApi.putInt(memArray, meta(handle) + CSUM_OFFSET, csum);
    }

    /**
     * @param handle the packet
     * @return the ingress device index, -1 for none
     */
    public int ingressDevice(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + INGRESS_DEVICE_OFFSET);
    }

    /**
     * @param handle the packet
     * @param device the ingress device index
     */
    public void ingressDevice(final int handle, final int device) {
        UnsafeApi.putInt(memArray, meta(handle) + INGRESS_DEVICE_OFFSET, device);
    }

    /**
     * @param handle the packet
     * @return the egress device index, -1 for none
     */
    public int egressDevice(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + EGRESS_DEVICE_OFFSET);
    }

    /**
     * @param handle the packet
     * @param device the egress device index
     */
    public void egressDevice(final int handle, final int device) {
        UnsafeApi.putInt(memArray, meta(handle) + EGRESS_DEVICE_OFFSET, device);
    }

    /**
     * @param handle the packet
     * @return skb->mark
     */
    public int mark(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + MARK_OFFSET);
    }

    /**
     * @param handle the packet
     * @param mark skb->mark
     */
    public void mark(final int handle, final int mark) {
        UnsafeApi.putInt(memArray, meta(handle) + MARK_OFFSET, mark);
    }

    /**
     * @param handle the packet
     * @return arrival time in ns
     */
    public long arrivalNs(final int handle) {
        return UnsafeApi.getLong(memArray, meta(handle) + ARRIVAL_NS_OFFSET);
    }

    /**
     * @param handle the packet
     * @param timeNs arrival time in ns
     */
    public void arrivalNs(final int handle, final long timeNs) {
        UnsafeApi.putLong(memArray, meta(handle) + ARRIVAL_NS_OFFSET, timeNs);
    }

    /**
     * @param handle the packet
     * @return the per-stage timestamp in ns
     */
    public long timestampNs(final int handle) {
        return UnsafeApi.getLong(memArray, meta(handle) + TIMESTAMP_NS_OFFSET);
    }

    /**
     * @param handle the packet
     * @param timeNs the per-stage timestamp in ns
     */
    public void timestampNs(final int handle, final long timeNs) {
        UnsafeApi.putLong(memArray, meta(handle) + TIMESTAMP_NS_OFFSET, timeNs);
    }

    /**
     * @param handle the packet
     * @return the flag bits
     */
    public int flags(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + FLAGS_OFFSET);
    }

    /**
     * @param handle the packet
     * @param flags the flag bits
     */
    public void flags(final int handle, final int flags) {
        UnsafeApi.putInt(memArray, meta(handle) + FLAGS_OFFSET, flags);
    }

    /**
     * @param handle the packet
     * @param flag the bit(s) to test
     * @return true if every given bit is set
     */
    public boolean hasFlag(final int handle, final int flag) {
        return (flags(handle) & flag) == flag;
    }

    /**
     * @param handle the packet
     * @param flag the bit(s) to set
     */
    public void setFlag(final int handle, final int flag) {
        // the flags read and written at one check of the handle
        final long at = meta(handle) + FLAGS_OFFSET;
        UnsafeApi.putInt(memArray, at, UnsafeApi.getInt(memArray, at) | flag);
    }

    /**
     * @param handle the packet
     * @param flag the bit(s) to clear
     */
    public void clearFlag(final int handle, final int flag) {
        final long at = meta(handle) + FLAGS_OFFSET;
        UnsafeApi.putInt(memArray, at, UnsafeApi.getInt(memArray, at) & ~flag);
    }

    /**
     * @param handle the packet
     * @return the next packet of a chain, or {@link #NO_PACKET}
     */
    public int next(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + NEXT_OFFSET);
    }

    /**
     * @param handle the packet
     * @param next the next packet of a chain, or {@link #NO_PACKET}
     */
    public void next(final int handle, final int next) {
        UnsafeApi.putInt(memArray, meta(handle) + NEXT_OFFSET, next);
    }

    /**
     * @param handle the packet
     * @return skb->protocol: the ethertype of the L3 header
     */
    public int protocol(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + PROTOCOL_OFFSET) & 0xFFFF;
    }

    /**
     * @param handle the packet
     * @param ethertype skb->protocol
     */
    public void protocol(final int handle, final int ethertype) {
        UnsafeApi.putShort(memArray, meta(handle) + PROTOCOL_OFFSET, (short) ethertype);
    }

    /**
     * @param handle the packet
     * @return the TX/RX queue index
     */
    public int queueMapping(final int handle) {
        return UnsafeApi.getShort(memArray, meta(handle) + QUEUE_MAPPING_OFFSET) & 0xFFFF;
    }

    /**
     * @param handle the packet
     * @param queue the TX/RX queue index
     */
    public void queueMapping(final int handle, final int queue) {
        UnsafeApi.putShort(memArray, meta(handle) + QUEUE_MAPPING_OFFSET, (short) queue);
    }

    /**
     * @param handle the packet
     * @return the conntrack entry, -1 for none
     */
    public int conntrack(final int handle) {
        return UnsafeApi.getInt(memArray, meta(handle) + CONNTRACK_OFFSET);
    }

    /**
     * @param handle the packet
     * @param entry the conntrack entry, -1 for none
     */
    public void conntrack(final int handle, final int entry) {
        UnsafeApi.putInt(memArray, meta(handle) + CONNTRACK_OFFSET, entry);
    }

    /**
     * @param handle the packet
     * @return the owner's 64-bit field
     */
    public long aux(final int handle) {
        return UnsafeApi.getLong(memArray, meta(handle) + AUX_OFFSET);
    }

    /**
     * @param handle the packet
     * @param value the owner's 64-bit field
     */
    public void aux(final int handle, final long value) {
        UnsafeApi.putLong(memArray, meta(handle) + AUX_OFFSET, value);
    }
}
