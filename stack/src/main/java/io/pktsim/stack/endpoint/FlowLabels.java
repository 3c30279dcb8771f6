package io.pktsim.stack.endpoint;

import io.pktsim.core.random.RandomStream;

/**
 * IPv6 flow labels as Linux sets them per connection with {@code net.ipv6.auto_flowlabels} = 1 (the
 * default): each socket gets a random transmit hash {@code sk_txhash} ({@code net_tx_rndhash()}, never 0),
 * every packet it sends carries it as {@code skb->hash}, and {@code ip6_make_flowlabel()}
 * (include/net/ipv6.h, 6.18) turns it into the label: {@code rol32(hash, 16) & IPV6_FLOWLABEL_MASK}.
 * The random numbers come from one named stream ({@link #STREAM}).
 *
 * <p>Simplification: the re-hash of {@code sk_txhash} after a retransmission timeout
 * ({@code sk_rethink_txhash}) is not modelled; a connection keeps its label.
 */
public final class FlowLabels {

    /** The name of the random stream the labels are drawn from. */
    public static final String STREAM = "auto_flowlabels";

    private final RandomStream random;

    /**
     * @param random the stream (derive it as {@code RandomStream.derive(seed, run, FlowLabels.STREAM)})
     */
    public FlowLabels(final RandomStream random) {
        this.random = random;
    }

    /**
     * Draws the label of a new socket.
     *
     * @return a 20-bit flow label
     */
    public int next() {
        int txhash;
        do {
            txhash = random.nextInt();
        } while (txhash == 0);
        return label(txhash);
    }

    /**
     * {@code ip6_make_flowlabel()} for a transmit hash.
     *
     * @param txhash {@code sk_txhash}
     * @return the 20-bit label
     */
    public static int label(final int txhash) {
        return Integer.rotateLeft(txhash, 16) & 0xFFFFF;
    }
}
