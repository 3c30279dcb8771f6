package io.pktsim.stack.qdisc;

/**
 * fq_codel's parameters with their {@code tc} names and the defaults of {@code fq_codel_init()}
 * (net/sched/sch_fq_codel.c, Linux 6.18) for a 1500-byte Ethernet device.
 */
public final class FqCodelConfig {

    /** {@code limit}: packets queued at most (10240). */
    public int limit = 10 * 1024;
    /** {@code flows}: flow queues (1024). */
    public int flows = 1024;
    /** {@code quantum}: bytes of deficit per round, {@code psched_mtu(dev)} = 1500 + 14. */
    public int quantumBytes = 1514;
    /** {@code target}: acceptable sojourn time, 5 ms. */
    public long targetNs = 5_000_000L;
    /** {@code interval}: 100 ms. */
    public long intervalNs = 100_000_000L;
    /** {@code memory_limit}: 32 MB. */
    public long memoryLimitBytes = 32L << 20;
    /** {@code drop_batch}: packets dropped at most from the fattest flow when over a limit (64). */
    public int dropBatchSize = 64;
    /** {@code ecn}: mark ECN-capable packets instead of dropping them (on by default). */
    public boolean ecn = true;
    /** CoDel's {@code mtu} (psched_mtu): a backlog at or below this never drops (1514). */
    public int mtuBytes = 1514;
    /**
     * {@code skb->truesize} charged against the memory limit per packet: a 2 KB receive buffer plus
     * {@code struct sk_buff} and {@code skb_shared_info}, as a frame received by mtk_eth_soc carries it.
     */
    public int truesizeBytes = 2048 + 320;
}
