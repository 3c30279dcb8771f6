package io.pktsim.cli.napi;

import java.util.Locale;

import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.gro.GroResult;

/** Turns one recorded trace event into plain words. */
final class Narrator {

    private Narrator() {
    }

    /** One recorded event (a copy of the bus's reused slot). */
    record Recorded(long timeNs, String component, String kind, int packet, String[] argNames, long[] args) {

        long arg(final String name) {
            for (int i = 0; i < argNames.length; i++) {
                if (argNames[i].equals(name)) {
                    return args[i];
                }
            }
            return 0;
        }
    }

    static String text(final Recorded e) {
        final String c = e.component();
        switch (e.kind()) {
            case "rx_ring_land":
                return "frame lands in " + c + " RX ring slot " + e.arg("slot") + " (" + e.arg("occupancy") + " of "
                    + e.arg("size") + " slots in use)";
            case "rx_ring_full":
                return "RX ring of " + c + " is full (" + e.arg("occupancy") + " slots): the frame is dropped";
            case "irq_held_coalescing":
                return "interrupt held back by coalescing: " + e.arg("pending") + " frame(s) waiting, it fires at "
                    + e.arg("frames_limit") + " frames or " + e.arg("delay_ns") / 1000 + " us after the first";
            case "coalesce_timer":
                return "coalescing timer expires after " + e.arg("delay_ns") / 1000 + " us with " + e.arg("pending")
                    + " frame(s) waiting";
            case "irq_raise":
                return "NIC raises interrupt line " + e.arg("line") + " (" + e.arg("frames") + " frame(s)"
                    + (e.arg("by_timer") != 0 ? ", by the coalescing timer" : "") + ")";
            case "irq_held_masked":
                return "interrupt held: the RX source is masked while NAPI polls";
            case "irq":
                if (c.contains("/tx")) {
                    return "cpu" + e.arg("cpu") + " takes hard IRQ " + e.arg("line") + ": TX descriptors were sent, the"
                        + " driver masks TX-done interrupts and schedules NAPI " + c;
                }
                if (!c.contains("/rx")) {
                    return "cpu" + e.arg("cpu") + " takes hard IRQ " + e.arg("line") + ": without NAPI the driver takes"
                        + " every frame now and queues it on the backlog (netif_rx)";
                }
                return "cpu" + e.arg("cpu") + " takes hard IRQ " + e.arg("line") + ": the driver masks RX interrupts"
                    + " and schedules NAPI " + c;
            case "napi_schedule":
                return e.arg("threaded") != 0 ? "NAPI " + c + " scheduled: its kthread is woken"
                    : "NAPI " + c + " scheduled on cpu" + e.arg("cpu") + ": NET_RX_SOFTIRQ raised";
            case "napi_missed":
                return "NAPI " + c + " is already scheduled: MISSED is set, it will poll again";
            case "net_rx_action":
                return "softirq net_rx_action starts on " + c.replace("softnet/", "") + ": budget "
                    + e.arg("budget") + ", " + e.arg("instances") + " instance(s) on the poll list";
            case "napi_poll":
                return "poll of " + c + " returns: " + e.arg("work") + " frame(s) of weight " + e.arg("weight")
                    + ", budget left " + e.arg("budget_left");
            case "napi_repoll":
                return c + " used its whole weight: it stays scheduled and goes to the tail of the poll list";
            case "napi_complete_done":
                if (e.arg("missed") != 0) {
                    return "napi_complete_done(" + e.arg("work") + "): MISSED was set, " + c + " polls again";
                }
                return "napi_complete_done(" + e.arg("work") + "): " + (e.arg("irq_may_enable") != 0
                    ? "NAPI done, the interrupt may be re-enabled"
                    : "the interrupt stays masked (napi_defer_hard_irqs)");
            case "irq_enable":
                return "driver re-enables " + (c.contains("/tx") ? "TX-done" : "RX") + " interrupts (line "
                    + e.arg("line") + ")";
            case "time_squeeze":
                return "time squeeze: net_rx_action stops with work left ("
                    + (e.arg("time_limit") != 0 ? "time limit reached" : "budget used up, " + e.arg("budget_left")
                    + " left") + ") after " + e.arg("polls") + " poll(s)";
            case "softirq_restart":
                return "__do_softirq restarts: NET_RX was raised again (" + e.arg("passes_left") + " passes left)";
            case "ksoftirqd_wake":
                return "softirqs still pending after 10 passes or 2 ms: ksoftirqd is woken on " + c;
            case "backlog_drop":
                return "input backlog of cpu" + e.arg("cpu") + " is full (" + e.arg("qlen") + "): packet dropped";
            case "rps_ipi":
                return "RPS: IPI from cpu" + e.arg("from_cpu") + " to cpu" + e.arg("to_cpu");
            case "napi_timer":
                return "gro_flush_timeout timer fires: NAPI " + c + " is scheduled without an interrupt";
            case "gro_receive":
                return groReceive(e);
            case "gro_complete":
                return "GRO passes up a packet of " + e.arg("segments") + " segment(s): "
                    + GroReason.values()[(int) e.arg("reason")].description();
            default:
                return e.kind() + " " + c;
        }
    }

    private static String groReceive(final Recorded e) {
        final GroResult r = GroResult.values()[(int) e.arg("result")];
        switch (r) {
            case MERGED:
                // skb_gro_receive_list (fraglist GRO) or a full frags array: the skb joins the frag_list whole
                return "GRO chains the frame to the held packet of its flow (its frag_list)";
            case MERGED_FREE:
                return "GRO merges the frame into the held packet of its flow";
            case HELD:
                return "GRO holds the frame as a new packet of its flow";
            default:
                final long reason = e.arg("reason");
                return "GRO passes the frame up alone" + (reason >= 0 ? ": "
                    + GroReason.values()[(int) reason].description() : "");
        }
    }

    static String line(final Recorded e) {
        return String.format(Locale.ROOT, "%12.3f us  %s", e.timeNs() / 1000.0, text(e));
    }

    static String json(final Recorded e) {
        final StringBuilder sb = new StringBuilder(160);
        sb.append("{\"time_ns\":").append(e.timeNs()).append(",\"component\":");
        quote(sb, e.component());
        sb.append(",\"event\":");
        quote(sb, e.kind());
        if (e.packet() >= 0) {
            sb.append(",\"packet\":").append(e.packet());
        }
        for (int i = 0; i < e.argNames().length; i++) {
            sb.append(",\"").append(e.argNames()[i]).append("\":").append(e.args()[i]);
        }
        sb.append(",\"text\":");
        quote(sb, text(e));
        return sb.append('}').toString();
    }

    private static void quote(final StringBuilder sb, final String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\');
            }
            sb.append(ch);
        }
        sb.append('"');
    }
}
