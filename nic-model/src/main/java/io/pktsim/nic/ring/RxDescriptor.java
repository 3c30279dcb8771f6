package io.pktsim.nic.ring;

/**
 * One preallocated RX descriptor of an {@link RxRing}: the packet the DMA wrote, when, and where. Mutable;
 * reused for every frame that lands in its slot.
 */
public final class RxDescriptor {

    int packet = -1;
    long arrivalNs;
    int slot;

    /** @return the packet handle last written into this descriptor */
    public int packet() {
        return packet;
    }

    /** @return the time the frame landed, in nanoseconds */
    public long arrivalNs() {
        return arrivalNs;
    }

    /** @return the slot (descriptor index) */
    public int slot() {
        return slot;
    }
}
