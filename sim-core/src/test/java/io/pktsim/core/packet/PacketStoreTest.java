package io.pktsim.core.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class PacketStoreTest {

    @Test
    void shouldCountADropWhenFull() {
        final PacketStore store = new PacketStore(3);
        final int a = store.allocate();
        final int b = store.allocate();
        final int c = store.allocate();
        assertThat(new int[] {a, b, c}).doesNotHaveDuplicates().containsOnly(0, 1, 2);
        assertThat(store.allocate()).isEqualTo(PacketStore.NO_PACKET);
        assertThat(store.counters().get(PacketStoreCounter.ALLOC_FAILED)).isEqualTo(1);
        assertThat(store.counters().get(PacketStoreCounter.HIGH_WATER)).isEqualTo(3);
        store.free(b);
        assertThat(store.allocate()).isEqualTo(b);
        assertThat(store.inUse()).isEqualTo(3);
    }

    @Test
    void shouldRejectADoubleFree() {
        final PacketStore store = new PacketStore(4);
        final int h = store.allocate();
        store.free(h);
        assertThat(store.isAllocated(h)).isFalse();
        assertThatThrownBy(() -> store.free(h)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("packet " + h).hasMessageContaining("not allocated");
    }

    @Test
    void shouldResetMetadataOnAllocate() {
        final PacketStore store = new PacketStore(1);
        int h = store.allocate();
        store.length(h, 1500);
        store.gsoSize(h, 1448);
        store.gsoSegs(h, 3);
        store.hash(h, 0xABCD, PacketStore.HASH_L4);
        store.mark(h, 7);
        store.networkOffset(h, 14);
        store.checksumState(h, ChecksumState.COMPLETE);
        store.setFlag(h, PacketStore.FLAG_GRO_MERGED);
        store.free(h);
        h = store.allocate();
        assertThat(store.length(h)).isZero();
        assertThat(store.gsoSize(h)).isZero();
        assertThat(store.gsoSegs(h)).isZero();
        assertThat(store.hashType(h)).isEqualTo(PacketStore.HASH_NONE);
        assertThat(store.mark(h)).isZero();
        assertThat(store.networkOffset(h)).isEqualTo(-1);
        assertThat(store.transportOffset(h)).isEqualTo(-1);
        assertThat(store.innerNetworkOffset(h)).isEqualTo(-1);
        assertThat(store.ingressDevice(h)).isEqualTo(-1);
        assertThat(store.egressDevice(h)).isEqualTo(-1);
        assertThat(store.conntrack(h)).isEqualTo(-1);
        assertThat(store.next(h)).isEqualTo(PacketStore.NO_PACKET);
        assertThat(store.checksumState(h)).isEqualTo(ChecksumState.NONE);
        assertThat(store.flags(h)).isZero();
        assertThat(store.headroom(h)).isEqualTo(64);
    }

    @Test
    void shouldResetEveryMetadataByteButTheStateOnAllocate() {
        final PacketStore store = new PacketStore(2, 128, 40);
        store.allocate();
        final int h = store.allocate();
        store.free(h);
        final int slot = store.slotOffset(h);
        // every metadata byte dirty but the state word (free, generation 1)
        store.buffer().setMemory(slot, PacketLayout.STATE_OFFSET, (byte) 0xFF);
        store.buffer().setMemory(slot + PacketLayout.STATE_OFFSET + 4, PacketLayout.META_LENGTH
            - PacketLayout.STATE_OFFSET - 4, (byte) 0xFF);
        assertThat(store.allocate()).isEqualTo(h);
        final long[] fresh = PacketStore.freshMeta(40);
        for (int i = 0; i < PacketLayout.META_LENGTH / 8; i++) {
            if (i != 1 && i != 4 && i != 5 && i != 8 && i != 9) {
                assertThat(fresh[i]).as("fresh word %d", i).isZero();
            }
            if (i != PacketLayout.STATE_OFFSET / 8) {
                assertThat(store.buffer().getLong(slot + 8 * i)).as("word %d", i).isEqualTo(fresh[i]);
            }
        }
        assertThat(store.buffer().getInt(slot + PacketLayout.STATE_OFFSET)).isEqualTo(3);   // generation 1, in use
        assertThat(store.buffer().getInt(slot + PacketLayout.STATE_OFFSET + 4)).isZero();
        assertThat(store.headroom(h)).isEqualTo(40);
        assertThat(store.networkOffset(h)).isEqualTo(-1);
        assertThat(store.conntrack(h)).isEqualTo(-1);
    }

    @Test
    void shouldRoundTripEveryMetadataField() {
        final PacketStore store = new PacketStore(2);
        final int h = store.allocate();
        store.length(h, 65000);
        store.storedLength(h, 90);
        store.networkOffset(h, 22);
        store.transportOffset(h, 42);
        store.innerNetworkOffset(h, 62);
        store.gsoSize(h, 1448);
        store.gsoSegs(h, 44);
        store.gsoType(h, PacketStore.GSO_TCPV4 | PacketStore.GSO_TCP_FIXEDID);
        store.hash(h, 0xDEADBEEF, PacketStore.HASH_L4);
        store.checksumState(h, ChecksumState.UNNECESSARY);
        store.checksumLevel(h, 1);
        store.checksumValue(h, 0x1234);
        store.ingressDevice(h, 5);
        store.egressDevice(h, 9);
        store.mark(h, 0x3F00);
        store.arrivalNs(h, 123_456_789_012L);
        store.timestampNs(h, 42L);
        store.next(h, 1);
        store.protocol(h, 0x86DD);
        store.queueMapping(h, 3);
        store.conntrack(h, 77);
        store.aux(h, Long.MIN_VALUE);
        assertThat(store.length(h)).isEqualTo(65000);
        assertThat(store.storedLength(h)).isEqualTo(90);
        assertThat(store.networkOffset(h)).isEqualTo(22);
        assertThat(store.transportOffset(h)).isEqualTo(42);
        assertThat(store.innerNetworkOffset(h)).isEqualTo(62);
        assertThat(store.gsoSize(h)).isEqualTo(1448);
        assertThat(store.gsoSegs(h)).isEqualTo(44);
        assertThat(store.gsoType(h)).isEqualTo(PacketStore.GSO_TCPV4 | PacketStore.GSO_TCP_FIXEDID);
        assertThat(store.hash(h)).isEqualTo(0xDEADBEEF);
        assertThat(store.hashType(h)).isEqualTo(PacketStore.HASH_L4);
        assertThat(store.checksumState(h)).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(store.checksumLevel(h)).isEqualTo(1);
        assertThat(store.checksumValue(h)).isEqualTo(0x1234);
        assertThat(store.ingressDevice(h)).isEqualTo(5);
        assertThat(store.egressDevice(h)).isEqualTo(9);
        assertThat(store.mark(h)).isEqualTo(0x3F00);
        assertThat(store.arrivalNs(h)).isEqualTo(123_456_789_012L);
        assertThat(store.timestampNs(h)).isEqualTo(42L);
        assertThat(store.next(h)).isEqualTo(1);
        assertThat(store.protocol(h)).isEqualTo(0x86DD);
        assertThat(store.queueMapping(h)).isEqualTo(3);
        assertThat(store.conntrack(h)).isEqualTo(77);
        assertThat(store.aux(h)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldPushAndPullHeadersMovingOffsets() {
        final PacketStore store = new PacketStore(2);
        final int h = store.allocate();
        final byte[] frame = new byte[60];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (byte) i;
        }
        store.putFrame(h, frame, 0, 60, 1500);
        store.networkOffset(h, 14);
        store.transportOffset(h, 34);
        assertThat(store.push(h, 8)).isTrue();
        assertThat(store.length(h)).isEqualTo(1508);
        assertThat(store.storedLength(h)).isEqualTo(68);
        assertThat(store.networkOffset(h)).isEqualTo(22);
        assertThat(store.transportOffset(h)).isEqualTo(42);
        assertThat(store.buffer().getByte(store.frameOffset(h) + 8)).isEqualTo((byte) 0);
        assertThat(store.buffer().getByte(store.frameOffset(h) + 9)).isEqualTo((byte) 1);
        assertThat(store.pull(h, 8)).isTrue();
        assertThat(store.networkOffset(h)).isEqualTo(14);
        assertThat(store.headroom(h)).isEqualTo(64);
        assertThat(store.push(h, 65)).as("more than the headroom").isFalse();
        assertThat(store.pull(h, 61)).as("more than is stored").isFalse();
    }

    /**
     * A push moves the data offset back and every offset that is set (not negative) forward, each as the short its
     * sum casts to, whatever the offsets hold (unset, negative, up to 32767): the one-word update against the
     * offset-by-offset rule, for random offsets and pushes up to the whole headroom.
     */
    @Test
    void shouldPushEveryOffsetAsTheOffsetByOffsetRule() {
        final java.util.SplittableRandom rnd = new java.util.SplittableRandom(0x7075_7368L);
        final PacketStore store = new PacketStore(2, 32767, 32000);
        final int[] edges = {-1, -2, Short.MIN_VALUE, 0, 1, Short.MAX_VALUE, 32000};
        for (int i = 0; i < 50_000; i++) {
            final int h = store.allocate();
            store.putFrame(h, new byte[20], 0, 20, 20);
            final int[] v = new int[3];
            for (int k = 0; k < 3; k++) {
                v[k] = rnd.nextInt(4) == 0 ? edges[rnd.nextInt(edges.length)] : (short) rnd.nextInt(65536);
            }
            store.networkOffset(h, v[0]);
            store.transportOffset(h, v[1]);
            store.innerNetworkOffset(h, v[2]);
            final int headroom = store.headroom(h);
            final int bytes = rnd.nextInt(4) == 0 ? headroom - rnd.nextInt(3) : rnd.nextInt(headroom + 1);
            assertThat(store.push(h, bytes)).isTrue();
            final String what = "case " + i + " offsets " + java.util.Arrays.toString(v) + " push " + bytes;
            assertThat(store.headroom(h)).as(what).isEqualTo(headroom - bytes);
            assertThat(store.storedLength(h)).as(what).isEqualTo(20 + bytes);
            assertThat(store.length(h)).as(what).isEqualTo(20 + bytes);
            assertThat(store.networkOffset(h)).as(what).isEqualTo(v[0] < 0 ? v[0] : (int) (short) (v[0] + bytes));
            assertThat(store.transportOffset(h)).as(what).isEqualTo(v[1] < 0 ? v[1] : (int) (short) (v[1] + bytes));
            assertThat(store.innerNetworkOffset(h)).as(what)
                .isEqualTo(v[2] < 0 ? v[2] : (int) (short) (v[2] + bytes));
            store.free(h);
        }
    }

    @Test
    void shouldReadUnstoredPayloadAsZeros() {
        final PacketStore store = new PacketStore(1);
        final int h = store.allocate();
        final byte[] frame = {1, 2, 3, 4};
        store.putFrame(h, frame, 0, 4, 10);
        final byte[] out = new byte[16];
        java.util.Arrays.fill(out, (byte) 9);
        assertThat(store.getFrame(h, out, 0, 16)).isEqualTo(10);
        assertThat(out).startsWith(1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 9);
        assertThatThrownBy(() -> store.putFrame(h, new byte[300], 0, 300, 300))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void shouldCopyMetadataAndBytesButNotTheChain() {
        final PacketStore store = new PacketStore(3);
        final int h = store.allocate();
        store.putFrame(h, new byte[] {7, 7, 7}, 0, 3, 100);
        store.mark(h, 42);
        store.next(h, 2);
        final int c = store.copy(h);
        assertThat(c).isNotEqualTo(h);
        assertThat(store.mark(c)).isEqualTo(42);
        assertThat(store.length(c)).isEqualTo(100);
        assertThat(store.next(c)).isEqualTo(PacketStore.NO_PACKET);
        assertThat(store.buffer().getByte(store.frameOffset(c) + 2)).isEqualTo((byte) 7);
        store.free(c);
        store.free(h);
        assertThat(store.inUse()).isZero();
    }

    @Test
    void shouldRejectImpossibleGeometry() {
        assertThatThrownBy(() -> new PacketStore(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PacketStore(4, 64, 64)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("headroom");
        assertThatThrownBy(() -> new PacketStore(10_000_000, 65536, 64)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("2 GiB");
    }

    /**
     * {@code pull} moves the data offset forward and each frame-relative offset that is set back by the bytes pulled,
     * clamping one that would go below 0 to -1 (unset) and leaving an unset one alone, as one field at a time would.
     */
    @Test
    void shouldPullEveryOffsetAsOneFieldAtATimeWould() {
        final java.util.Random random = new java.util.Random(24);
        final PacketStore store = new PacketStore(4, 256, 64);
        for (int round = 0; round < 20_000; round++) {
            final int h = store.allocate();
            final int data = random.nextInt(200);
            final int stored = random.nextInt(256 - data);
            store.buffer().putShort(store.slotOffset(h) + PacketLayout.DATA_OFFSET_OFFSET, (short) data);
            store.storedLength(h, stored);
            store.length(h, stored + random.nextInt(1500));
            final int[] offsets = new int[3];
            for (int i = 0; i < 3; i++) {
                final int kind = random.nextInt(4);
                offsets[i] = kind == 0 ? -1 : kind == 1 ? random.nextInt(40) : kind == 2 ? Short.MAX_VALUE - random
                    .nextInt(3) : random.nextInt(300);
            }
            store.networkOffset(h, offsets[0]);
            store.transportOffset(h, offsets[1]);
            store.innerNetworkOffset(h, offsets[2]);
            final int length = store.length(h);
            final int bytes = random.nextInt(4) == 0 ? random.nextInt(stored + 20) : random.nextInt(Math.min(stored,
                40) + 1);
            final boolean pulled = store.pull(h, bytes);
            assertThat(pulled).isEqualTo(bytes <= stored);
            final int moved = pulled ? bytes : 0;
            assertThat(store.headroom(h)).isEqualTo(data + moved);
            assertThat(store.storedLength(h)).isEqualTo(stored - moved);
            assertThat(store.length(h)).isEqualTo(length - moved);
            final int[] now = {store.networkOffset(h), store.transportOffset(h), store.innerNetworkOffset(h)};
            for (int i = 0; i < 3; i++) {
                final int expected = offsets[i] < 0 ? offsets[i] : Math.max(-1, offsets[i] - moved);
                assertThat(now[i]).as("round %d offset %d (%d less %d)", round, i, offsets[i], moved)
                    .isEqualTo(expected);
            }
            store.free(h);
        }
    }

    /**
     * {@code allocateFrame} gives the slot, metadata and data area byte for byte, that {@code allocate},
     * {@code putFrame} and the four setters give, also in a slot a previous packet left dirty.
     */
    @Test
    void shouldAllocateAFrameAsAllocatePutFrameAndTheSettersDo() {
        final PacketStore one = new PacketStore(2, 160, 40);
        final PacketStore two = new PacketStore(2, 160, 40);
        final org.agrona.concurrent.UnsafeBuffer src = new org.agrona.concurrent.UnsafeBuffer(new byte[300]);
        for (int i = 0; i < 300; i++) {
            src.putByte(i, (byte) (i * 7 + 3));
        }
        for (final PacketStore s : new PacketStore[] {one, two}) {
            // leave every metadata field and data byte of the slot dirty
            final int d = s.allocate();
            s.putFrame(d, src, 0, 120, 1500);
            s.gsoSize(d, 1448);
            s.gsoSegs(d, 3);
            s.gsoType(d, PacketStore.GSO_TCPV6 | PacketStore.GSO_TCP_ACCECN);
            s.hash(d, 77, PacketStore.HASH_L4);
            s.checksumState(d, ChecksumState.PARTIAL);
            s.checksumLevel(d, 2);
            s.checksumValue(d, 0x1234);
            s.ingressDevice(d, 4);
            s.egressDevice(d, 5);
            s.mark(d, 6);
            s.timestampNs(d, 99);
            s.flags(d, PacketStore.FLAG_GRO_MERGED);
            s.next(d, 1);
            s.queueMapping(d, 2);
            s.conntrack(d, 3);
            s.aux(d, -5);
            s.innerNetworkOffset(d, 30);
            s.push(d, 8);
            s.free(d);
        }
        final int a = one.allocate();
        one.putFrame(a, src, 17, 90, 1400);
        one.arrivalNs(a, 123_456_789L);
        one.protocol(a, 0x86DD);
        one.networkOffset(a, 22);
        one.transportOffset(a, 62);
        final int b = two.allocateFrame(src, 17, 90, 1400, 0x86DD, 22, 62, 123_456_789L);
        assertThat(b).isEqualTo(a);
        final byte[] x = new byte[one.slotLength()];
        final byte[] y = new byte[two.slotLength()];
        one.buffer().getBytes(one.slotOffset(a), x);
        two.buffer().getBytes(two.slotOffset(b), y);
        assertThat(y).isEqualTo(x);
        assertThat(two.counters().get(PacketStoreCounter.ALLOCATED)).isEqualTo(2);
        assertThat(two.counters().get(PacketStoreCounter.HIGH_WATER)).isEqualTo(1);
        assertThat(two.frameOffset(b)).isEqualTo(two.slotOffset(b) + PacketLayout.META_LENGTH + 40);

        assertThatThrownBy(() -> two.allocateFrame(src, 0, 121, 1400, 0x86DD, 22, 62, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> two.allocateFrame(src, 0, 90, 89, 0x86DD, 22, 62, 0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(two.inUse()).isEqualTo(1);
        assertThat(two.allocateFrame(src, 0, 120, 120, 0x0800, 14, 34, 0)).isNotNegative();
        assertThat(two.allocateFrame(src, 0, 120, 120, 0x0800, 14, 34, 0)).isEqualTo(PacketStore.NO_PACKET);
        assertThat(two.counters().get(PacketStoreCounter.ALLOC_FAILED)).isEqualTo(1);
    }

    @Test
    void shouldCopyAFrameOfAnyLengthByteForByteAfterCheckingItsSource() {
        final PacketStore store = new PacketStore(2, 160, 40);
        final org.agrona.concurrent.UnsafeBuffer src = new org.agrona.concurrent.UnsafeBuffer(new byte[64]);
        assertThatThrownBy(() -> store.allocateFrame(src, 10, 60, 60, 0x0800, 14, 34, 0))
            .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(store.inUse()).isZero();
        // every length from 0 to the source's 64 bytes, the bytes as they are in the source
        for (int n = 0; n <= 64; n++) {
            for (int i = 0; i < 64; i++) {
                src.putByte(i, (byte) (i * 13 + n));
            }
            final int h = store.allocateFrame(src, 0, n, 1400, 0x0800, 14, 34, 0);
            final byte[] got = new byte[n];
            store.buffer().getBytes(store.frameOffset(h), got);
            final byte[] want = new byte[n];
            src.getBytes(0, want);
            assertThat(got).isEqualTo(want);
            store.free(h);
        }
    }

    @Test
    void shouldTrimAndReceiveAsTheSettersDo() {
        final PacketStore store = new PacketStore(2, 160, 40);
        final int h = store.allocate();
        store.storedLength(h, 100);
        store.length(h, 1500);
        store.flags(h, PacketStore.FLAG_GRO_MERGED);
        store.trim(h, 1200);
        assertThat(store.length(h)).isEqualTo(1200);
        assertThat(store.storedLength(h)).isEqualTo(100);
        store.trim(h, 60);
        assertThat(store.length(h)).isEqualTo(60);
        assertThat(store.storedLength(h)).isEqualTo(60);
        assertThat(store.received(h, 0x86DD, PacketStore.FLAG_RAW_IP, 7)).isEqualTo(60);
        assertThat(store.protocol(h)).isEqualTo(0x86DD);
        assertThat(store.flags(h)).isEqualTo(PacketStore.FLAG_GRO_MERGED | PacketStore.FLAG_RAW_IP);
        assertThat(store.ingressDevice(h)).isEqualTo(7);
        assertThatThrownBy(() -> store.received(store.capacity(), 0x0800, 0, 1))
            .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> store.trim(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldGiveTheFrameAddressAndFusedReceivesAsTheSeparateCallsDo() {
        // two stores fed the same random frames: one through the fused calls, one through the calls they stand for
        final java.util.Random random = new java.util.Random(20261206L);
        final PacketStore fused = new PacketStore(4, 160, 40);
        final PacketStore plain = new PacketStore(4, 160, 40);
        final byte[] a = new byte[fused.slotLength()];
        final byte[] b = new byte[plain.slotLength()];
        for (int i = 0; i < 4; i++) {
            assertThat(plain.allocate()).isEqualTo(fused.allocate());
        }
        for (int round = 0; round < 20_000; round++) {
            // any slot, the last one too (a range past the slot's end may then leave the buffer)
            final int h = random.nextInt(4);
            final int stored = random.nextInt(121);
            // the frame anywhere in the slot's data area, its lengths and offsets random (as a test may set them)
            final int data = random.nextInt(160);
            final int length = stored + random.nextInt(3) * 700;
            final int network = random.nextInt(40) - 8;
            final int transport = random.nextInt(60) - 8;
            for (final PacketStore s : new PacketStore[] {fused, plain}) {
                s.storedLength(h, stored);
                s.length(h, length);
                s.networkOffset(h, network);
                s.transportOffset(h, transport);
                s.innerNetworkOffset(h, -1);
                s.flags(h, PacketStore.FLAG_GRO_MERGED);
                s.buffer().putShort(s.slotOffset(h) + PacketLayout.DATA_OFFSET_OFFSET, (short) data);
            }
            final int bytes = random.nextInt(130);
            assertThat(addressOrError(() -> fused.frameAddress(h, bytes)))
                .isEqualTo(addressOrError(() -> FrameBytes.address(plain.buffer(), plain.frameOffset(h), bytes)));
            assertThat(addressOrError(() -> fused.storedFrameAddress(h, bytes))).isEqualTo(plain.storedLength(h) < bytes
                ? -1L : addressOrError(() -> FrameBytes.address(plain.buffer(), plain.frameOffset(h), bytes)));
            assertThat(addressOrError(() -> fused.networkHeaderAddress(h, bytes))).isEqualTo(
                addressOrError(() -> FrameBytes.address(plain.buffer(), plain.networkHeaderOffset(h), bytes)));
            final int pull = random.nextInt(stored + 10);
            switch (random.nextInt(6)) {
                case 4:
                    // the push: -1 without the headroom, else the new start's address, or the range's error after it
                    final int push = random.nextInt(48);
                    final long pushed = addressOrError(() -> fused.pushAddress(h, push, bytes));
                    final long expected = !plain.push(h, push) ? -1L
                        : addressOrError(() -> FrameBytes.address(plain.buffer(), plain.frameOffset(h), bytes));
                    assertThat(pushed).isEqualTo(expected);
                    break;
                case 5:
                    fused.setFlag(h, PacketStore.FLAG_RAW_IP | PacketStore.FLAG_OFFLOADED);
                    fused.clearFlag(h, PacketStore.FLAG_GRO_MERGED);
                    plain.flags(h, (plain.flags(h) | PacketStore.FLAG_RAW_IP | PacketStore.FLAG_OFFLOADED)
                        & ~PacketStore.FLAG_GRO_MERGED);
                    break;
                case 0:
                    final int len = fused.pullReceived(h, pull, 0x86DD, PacketStore.FLAG_VLAN_RX, 5);
                    plain.pull(h, pull);
                    assertThat(len).isEqualTo(plain.received(h, 0x86DD, PacketStore.FLAG_VLAN_RX, 5));
                    break;
                case 1:
                    final int inner = random.nextInt(200);
                    fused.decapsulated(h, pull, inner, 0x0800, PacketStore.FLAG_RAW_IP, 9);
                    plain.pull(h, pull);
                    plain.trim(h, inner);
                    plain.received(h, 0x0800, PacketStore.FLAG_RAW_IP, 9);
                    plain.networkOffset(h, 0);
                    break;
                case 2:
                    final int rx = fused.receivedOn(h, 3);
                    plain.ingressDevice(h, 3);
                    assertThat(rx).isEqualTo(plain.length(h));
                    break;
                default:
                    final int tx = fused.sentTo(h, 4);
                    plain.egressDevice(h, 4);
                    assertThat(tx).isEqualTo(plain.length(h));
                    break;
            }
            fused.buffer().getBytes(fused.slotOffset(h), a);
            plain.buffer().getBytes(plain.slotOffset(h), b);
            assertThat(a).as("round %d", round).isEqualTo(b);
        }
        assertThatThrownBy(() -> fused.frameAddress(fused.capacity(), 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> fused.storedFrameAddress(-1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> fused.pullReceived(-1, 0, 0, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> fused.decapsulated(fused.capacity(), 0, 0, 0, 0, 0))
            .isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The address, or Long.MIN_VALUE when the call throws IndexOutOfBoundsException. */
    private static long addressOrError(final java.util.function.LongSupplier call) {
        try {
            return call.getAsLong();
        } catch (final IndexOutOfBoundsException e) {
            return Long.MIN_VALUE;
        }
    }

    @Test
    void shouldNotAllocateOnAllocFreeAndMetadata() {
        final PacketStore store = new PacketStore(64);
        final int[] held = new int[32];
        final Runnable work = () -> {
            for (int i = 0; i < held.length; i++) {
                held[i] = (i & 1) == 0 ? store.allocate()
                    : store.allocateFrame(store.buffer(), 0, 64, 1514, 0x0800, 14, 34, i);
                store.length(held[i], 1514);
                store.gsoSize(held[i], 1448);
                store.hash(held[i], i, PacketStore.HASH_L4);
                store.push(held[i], 8);
            }
            for (int i = 0; i < held.length; i++) {
                store.free(held[i]);
            }
        };
        AllocationMeter.assertNoAllocation("alloc/free + metadata", 20_000, 20_000, work);
    }
}
