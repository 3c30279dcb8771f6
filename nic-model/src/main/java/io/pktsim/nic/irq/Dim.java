package io.pktsim.nic.irq;

/**
 * Dynamic interrupt moderation after {@code net_dim()} (lib/dim/net_dim.c, lib/dim/dim.c, Linux 6.18), as
 * mtk_eth_soc uses it from 5.13 on ({@code mtk_poll_rx()} samples after every poll; {@code mtk_dim_rx()}
 * writes the chosen profile to the PDMA delay register).
 *
 * <p>After every {@link #DIM_NEVENTS} interrupts the rates over the measurement window are compared with the
 * previous window's: bytes per ms first, then packets per ms, then interrupts per ms (fewer is better), each
 * only when it differs by more than 10 % ({@code IS_SIGNIFICANT_DIFF}). While the rate improves the profile
 * keeps stepping the same way; when it does not, the direction turns; after a step there and back it parks
 * on top, and leaves the parking when the rate changes; after 10 steps without rest it parks tired for as
 * many windows. Profiles: the RX "start from EQE" table, {@code usec} 1, 8, 64, 128, 256 with 256 packets,
 * starting at index 1 ({@code NET_DIM_DEF_PROFILE_EQE}). The "start from CQE" table ({@link #zeroedRxCqe()},
 * {@link #rxCqe()}; mlx5 on a NIC with {@code cq_period_start_from_cqe}) pairs {@code usec} 2, 8, 16, 32, 64 with
 * {@code pkts} 256, 128, 64, 64, 64 ({@code NET_DIM_RX_CQE_PROFILES}), its default index 1
 * ({@code NET_DIM_DEF_PROFILE_CQE}).
 *
 * <p>Nothing allocates. A new profile applies at once (the kernel applies it from a work item).
 */
public final class Dim {

    /** {@code DIM_NEVENTS}: interrupts per measurement window. */
    public static final int DIM_NEVENTS = 64;
    /** {@code NET_DIM_PARAMS_NUM_PROFILES}. */
    public static final int NUM_PROFILES = 5;
    /** {@code NET_DIM_DEF_PROFILE_EQE}: the starting profile. */
    public static final int DEFAULT_PROFILE = 1;
    /** {@code NET_DIM_RX_EQE_PROFILES} usec column. */
    private static final int[] RX_EQE_USEC = {1, 8, 64, 128, 256};
    /** {@code NET_DIM_DEFAULT_RX_CQ_PKTS_FROM_EQE}. */
    public static final int RX_EQE_PKTS = 256;
    /** {@code NET_DIM_DEF_PROFILE_CQE}: the default profile of the "start from CQE" table. */
    public static final int DEFAULT_PROFILE_CQE = 1;
    /** {@code NET_DIM_RX_CQE_PROFILES} usec column. */
    private static final int[] RX_CQE_USEC = {2, 8, 16, 32, 64};
    /** {@code NET_DIM_RX_CQE_PROFILES} pkts column. */
    private static final int[] RX_CQE_PKTS = {256, 128, 64, 64, 64};

    private static final int GOING_RIGHT = 0;
    private static final int GOING_LEFT = 1;
    private static final int PARKING_ON_TOP = 2;
    private static final int PARKING_TIRED = 3;

    private static final int STATS_WORSE = -1;
    private static final int STATS_SAME = 0;
    private static final int STATS_BETTER = 1;

    private boolean measuring;
    private long startNs;
    private long startEvents;
    private long startPackets;
    private long startBytes;

    private int tuneState = GOING_RIGHT;
    private int profileIx = DEFAULT_PROFILE;
    private int stepsRight;
    private int stepsLeft;
    private int tired;

    private long prevPpms;
    private long prevBpms;
    private long prevEpms;
    private long currPpms;
    private long currBpms;
    private long currEpms;
    private long decisions;
    private long changes;
    /** The RX profile table: {@code DIM_CQ_PERIOD_MODE_START_FROM_CQE} if true, else from EQE. */
    private boolean cqeMode;

    /** A DIM at {@code NET_DIM_DEF_PROFILE_EQE}, going right, with the "start from EQE" RX table. */
    public Dim() {
    }

    /**
     * A {@code struct dim} as a zeroed allocation leaves it, which is how mtk_eth_soc has its {@code rx_dim} (a
     * member of the {@code devm_kzalloc}'d {@code struct mtk_eth}; {@code mtk_probe()} sets only the mode):
     * profile 0 and {@code DIM_PARKING_ON_TOP} (0). The first window with traffic differs from the zero previous
     * one, so it leaves the parking going right, to profile 1. ({@link #Dim()} starts as drivers that take
     * {@code NET_DIM_DEF_PROFILE_EQE} do.)
     *
     * @return a new DIM at profile 0, parked on top
     */
    public static Dim zeroed() {
        final Dim d = new Dim();
        d.profileIx = 0;
        d.tuneState = PARKING_ON_TOP;
        return d;
    }

    /**
     * A DIM with the "start from CQE" RX table ({@code NET_DIM_RX_CQE_PROFILES}) at its default profile
     * ({@code NET_DIM_DEF_PROFILE_CQE}: 8 us, 128 packets), going right, as {@link #Dim()} is for the EQE table.
     *
     * @return a new DIM at profile 1 of the CQE table
     */
    public static Dim rxCqe() {
        final Dim d = new Dim();
        d.cqeMode = true;
        d.profileIx = DEFAULT_PROFILE_CQE;
        return d;
    }

    /**
     * The zeroed {@code struct dim} of {@link #zeroed()} with the "start from CQE" RX table: mlx5's per-RQ DIM in
     * CQE mode ({@code mlx5e_dim_enable()}, drivers/net/ethernet/mellanox/mlx5/core/en_dim.c, 6.18, takes it from
     * {@code kvzalloc_node()} and sets only {@code mode} and {@code priv}). The queue's CQ starts at the default
     * moderation ({@code net_dim_get_def_rx_moderation()}: {@link #DEFAULT_PROFILE_CQE}, 8 us and 128 packets),
     * which is what the first window with traffic picks (profile 0 parked, leaving to the right).
     *
     * @return a new DIM at profile 0 of the CQE table, parked on top
     */
    public static Dim zeroedRxCqe() {
        final Dim d = zeroed();
        d.cqeMode = true;
        return d;
    }

    /**
     * Feeds a sample ({@code net_dim(dim, sample)}): the running counters of the queue.
     *
     * @param nowNs the time, in nanoseconds
     * @param events interrupts so far
     * @param packets packets so far
     * @param bytes bytes so far
     * @return true if the profile changed (apply {@link #usec()} / {@link #pkts()})
     */
    public boolean sample(final long nowNs, final long events, final long packets, final long bytes) {
        if (measuring) {
            if (events - startEvents < DIM_NEVENTS) {
                return false;
            }
            final long deltaUs = (nowNs - startNs) / 1000;
            if (deltaUs > 0) {
                currPpms = divRoundUp((packets - startPackets) * 1000, deltaUs);
                currBpms = divRoundUp((bytes - startBytes) * 1000, deltaUs);
                currEpms = divRoundUp(DIM_NEVENTS * 1000L, deltaUs);
                decisions++;
                if (decide()) {
                    changes++;
                    measuring = false;
                    return true;
                }
            }
        }
        startNs = nowNs;
        startEvents = events;
        startPackets = packets;
        startBytes = bytes;
        measuring = true;
        return false;
    }

    private static long divRoundUp(final long a, final long b) {
        return (a + b - 1) / b;
    }

    private boolean decide() {
        final int prevState = tuneState;
        final int prevIx = profileIx;
        switch (tuneState) {
            case PARKING_ON_TOP:
                if (compare() != STATS_SAME) {
                    exitParking();
                }
                break;
            case PARKING_TIRED:
                tired--;
                if (tired == 0) {
                    exitParking();
                }
                break;
            default:
                if (compare() != STATS_BETTER) {
                    turn();
                }
                if (onTop()) {
                    parkOnTop();
                    break;
                }
                final int res = step();
                if (res == ON_EDGE) {
                    parkOnTop();
                } else if (res == TOO_TIRED) {
                    parkTired();
                }
                break;
        }
        if (prevState != PARKING_ON_TOP || tuneState != PARKING_ON_TOP) {
            prevPpms = currPpms;
            prevBpms = currBpms;
            prevEpms = currEpms;
        }
        return profileIx != prevIx;
    }

    private static final int STEPPED = 0;
    private static final int TOO_TIRED = 1;
    private static final int ON_EDGE = 2;

    private int step() {
        if (tired == NUM_PROFILES * 2) {
            return TOO_TIRED;
        }
        if (tuneState == GOING_RIGHT) {
            if (profileIx == NUM_PROFILES - 1) {
                return ON_EDGE;
            }
            profileIx++;
            stepsRight++;
        } else if (tuneState == GOING_LEFT) {
            if (profileIx == 0) {
                return ON_EDGE;
            }
            profileIx--;
            stepsLeft++;
        }
        tired++;
        return STEPPED;
    }

    private void exitParking() {
        tuneState = profileIx != 0 ? GOING_LEFT : GOING_RIGHT;
        step();
    }

    private void turn() {
        if (tuneState == GOING_RIGHT) {
            tuneState = GOING_LEFT;
            stepsLeft = 0;
        } else if (tuneState == GOING_LEFT) {
            tuneState = GOING_RIGHT;
            stepsRight = 0;
        }
    }

    private boolean onTop() {
        switch (tuneState) {
            case PARKING_ON_TOP:
            case PARKING_TIRED:
                return true;
            case GOING_RIGHT:
                return stepsLeft > 1 && stepsRight == 1;
            default:
                return stepsRight > 1 && stepsLeft == 1;
        }
    }

    private void parkOnTop() {
        stepsRight = 0;
        stepsLeft = 0;
        tired = 0;
        tuneState = PARKING_ON_TOP;
    }

    private void parkTired() {
        stepsRight = 0;
        stepsLeft = 0;
        tuneState = PARKING_TIRED;
    }

    private static boolean significant(final long val, final long ref) {
        return ref != 0 && 100L * Math.abs(val - ref) / ref > 10;
    }

    private int compare() {
        if (prevBpms == 0) {
            return currBpms != 0 ? STATS_BETTER : STATS_SAME;
        }
        if (significant(currBpms, prevBpms)) {
            return currBpms > prevBpms ? STATS_BETTER : STATS_WORSE;
        }
        if (prevPpms == 0) {
            return currPpms != 0 ? STATS_BETTER : STATS_SAME;
        }
        if (significant(currPpms, prevPpms)) {
            return currPpms > prevPpms ? STATS_BETTER : STATS_WORSE;
        }
        if (prevEpms == 0) {
            return STATS_SAME;
        }
        if (significant(currEpms, prevEpms)) {
            return currEpms < prevEpms ? STATS_BETTER : STATS_WORSE;
        }
        return STATS_SAME;
    }

    /** @return the current profile index, 0..4 */
    public int profileIx() {
        return profileIx;
    }

    /** @return the current profile's rx-usecs */
    public int usec() {
        return cqeMode ? RX_CQE_USEC[profileIx] : RX_EQE_USEC[profileIx];
    }

    /** @return the current profile's rx-frames */
    public int pkts() {
        return cqeMode ? RX_CQE_PKTS[profileIx] : RX_EQE_PKTS;
    }

    /** @return true with the "start from CQE" RX table ({@link #rxCqe()}, {@link #zeroedRxCqe()}) */
    public boolean cqeMode() {
        return cqeMode;
    }

    /**
     * The rx-usecs of a profile of the "start from CQE" table ({@code NET_DIM_RX_CQE_PROFILES}).
     *
     * @param ix the index, 0..4
     * @return microseconds
     */
    public static int profileUsecCqe(final int ix) {
        return RX_CQE_USEC[ix];
    }

    /**
     * The rx-frames of a profile of the "start from CQE" table ({@code NET_DIM_RX_CQE_PROFILES}).
     *
     * @param ix the index, 0..4
     * @return completions
     */
    public static int profilePktsCqe(final int ix) {
        return RX_CQE_PKTS[ix];
    }

    /**
     * The rx-usecs of a profile.
     *
     * @param ix the index, 0..4
     * @return microseconds
     */
    public static int profileUsec(final int ix) {
        return RX_EQE_USEC[ix];
    }

    /** @return true while parked (on top or tired) */
    public boolean parked() {
        return tuneState == PARKING_ON_TOP || tuneState == PARKING_TIRED;
    }

    /** @return measurement windows decided */
    public long decisions() {
        return decisions;
    }

    /** @return profile changes */
    public long changes() {
        return changes;
    }
}
