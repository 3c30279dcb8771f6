package io.pktsim.stack.conntrack;

/**
 * The TCP conntrack states ({@code enum tcp_conntrack}, include/uapi/linux/netfilter/nf_conntrack_tcp.h) and
 * the state table {@code tcp_conntracks[2][6][TCP_CONNTRACK_MAX]} of net/netfilter/nf_conntrack_proto_tcp.c
 * (Linux 6.18), indexed by direction, the packet's flag class ({@code get_conntrack_index}) and the old state.
 */
public final class TcpConntrackState {

    /** {@code TCP_CONNTRACK_NONE}. */
    public static final int NONE = 0;
    /** {@code TCP_CONNTRACK_SYN_SENT}. */
    public static final int SYN_SENT = 1;
    /** {@code TCP_CONNTRACK_SYN_RECV}. */
    public static final int SYN_RECV = 2;
    /** {@code TCP_CONNTRACK_ESTABLISHED}. */
    public static final int ESTABLISHED = 3;
    /** {@code TCP_CONNTRACK_FIN_WAIT}. */
    public static final int FIN_WAIT = 4;
    /** {@code TCP_CONNTRACK_CLOSE_WAIT}. */
    public static final int CLOSE_WAIT = 5;
    /** {@code TCP_CONNTRACK_LAST_ACK}. */
    public static final int LAST_ACK = 6;
    /** {@code TCP_CONNTRACK_TIME_WAIT}. */
    public static final int TIME_WAIT = 7;
    /** {@code TCP_CONNTRACK_CLOSE}. */
    public static final int CLOSE = 8;
    /** {@code TCP_CONNTRACK_SYN_SENT2} (simultaneous open). */
    public static final int SYN_SENT2 = 9;
    /** {@code TCP_CONNTRACK_IGNORE}: the packet is let through without a state change. */
    public static final int IGNORE = 10;
    /** {@code TCP_CONNTRACK_MAX} used as "invalid". */
    public static final int INVALID = 11;

    /** Flag class {@code TCP_SYN_SET}. */
    public static final int SYN_SET = 0;
    /** Flag class {@code TCP_SYNACK_SET}. */
    public static final int SYNACK_SET = 1;
    /** Flag class {@code TCP_FIN_SET}. */
    public static final int FIN_SET = 2;
    /** Flag class {@code TCP_ACK_SET}. */
    public static final int ACK_SET = 3;
    /** Flag class {@code TCP_RST_SET}. */
    public static final int RST_SET = 4;
    /** Flag class {@code TCP_NONE_SET}. */
    public static final int NONE_SET = 5;

    private static final int S_NO = NONE;
    private static final int S_SS = SYN_SENT;
    private static final int S_SR = SYN_RECV;
    private static final int S_ES = ESTABLISHED;
    private static final int S_FW = FIN_WAIT;
    private static final int S_CW = CLOSE_WAIT;
    private static final int S_LA = LAST_ACK;
    private static final int S_TW = TIME_WAIT;
    private static final int S_CL = CLOSE;
    private static final int S_S2 = SYN_SENT2;
    private static final int S_IV = INVALID;
    private static final int S_IG = IGNORE;

    // columns: sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2
    private static final int[][][] TABLE = {
        {
            {S_SS, S_SS, S_IG, S_IG, S_IG, S_IG, S_IG, S_SS, S_SS, S_S2},
            {S_IV, S_IV, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_SR},
            {S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_CL, S_IV},
            {S_ES, S_IV, S_ES, S_ES, S_CW, S_CW, S_TW, S_TW, S_CL, S_IV},
            {S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL},
            {S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV},
        },
        {
            {S_IV, S_S2, S_IV, S_IV, S_IV, S_IV, S_IV, S_SS, S_IV, S_S2},
            {S_IV, S_SR, S_IG, S_IG, S_IG, S_IG, S_IG, S_IG, S_IG, S_SR},
            {S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_CL, S_IV},
            {S_IV, S_IG, S_SR, S_ES, S_CW, S_CW, S_TW, S_TW, S_CL, S_IG},
            {S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL},
            {S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV},
        },
    };

    private static final String[] NAMES = {"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
        "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2", "IGNORE", "INVALID"};

    private TcpConntrackState() {
    }

    /**
     * {@code get_conntrack_index()}: RST wins, then SYN (with or without ACK), then FIN, then ACK.
     *
     * @param flags the TCP flags byte
     * @return the flag class
     */
    public static int flagClass(final int flags) {
        if ((flags & 0x04) != 0) {
            return RST_SET;
        }
        if ((flags & 0x02) != 0) {
            return (flags & 0x10) != 0 ? SYNACK_SET : SYN_SET;
        }
        if ((flags & 0x01) != 0) {
            return FIN_SET;
        }
        return (flags & 0x10) != 0 ? ACK_SET : NONE_SET;
    }

    /**
     * One transition.
     *
     * @param dir 0 original, 1 reply
     * @param flagClass from {@link #flagClass(int)}
     * @param old the old state
     * @return the new state, {@link #IGNORE} or {@link #INVALID}
     */
    public static int next(final int dir, final int flagClass, final int old) {
        return TABLE[dir][flagClass][old];
    }

    /**
     * @param state a state
     * @return its kernel name
     */
    public static String name(final int state) {
        return NAMES[state];
    }
}
