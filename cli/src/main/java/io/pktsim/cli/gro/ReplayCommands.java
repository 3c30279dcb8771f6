package io.pktsim.cli.gro;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.OutputTarget;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code pktsim gro} and {@code pktsim gso} share: error lines, exit codes and writing the outputs. */
final class ReplayCommands {

    private ReplayCommands() {
    }

    /**
     * What is wrong with the outputs, checked before the input is read, or null: each must be writable, and none
     * may be the input or the other output.
     *
     * @param in the {@code --in} path
     * @param out the {@code --out} path, or null
     * @param json the {@code --json} target, or null ({@code -}: standard output)
     * @return the problem or null
     */
    static String outputsProblem(final String in, final String out, final String json) {
        final String j = json == null || ReplayOutput.STDOUT.equals(json) ? null : json;
        if (OutputTarget.same(out, in)) {
            return "--out " + out + ": is the --in file; expected another file";
        }
        if (OutputTarget.same(j, in)) {
            return "--json " + j + ": is the --in file; expected another file";
        }
        if (OutputTarget.same(j, out)) {
            return "--json " + j + ": is also the --out file; expected another file";
        }
        final String problem = out == null ? null : OutputTarget.fileProblem("--out", out);
        return problem != null || j == null ? problem : OutputTarget.fileProblem("--json", j);
    }

    /** Prints a bad-usage line and returns exit code 2. */
    static int badUsage(final PrintWriter err, final String command, final String problem) {
        err.println("pktsim " + command + ": " + problem);
        err.flush();
        return PktsimMain.EXIT_USAGE;
    }

    /** Prints a bad-input line and returns exit code 2. */
    static int badInput(final PrintWriter err, final String command, final BadInputException e) {
        err.println("pktsim " + command + ": " + e.getMessage());
        err.flush();
        return PktsimMain.EXIT_USAGE;
    }

    /** Prints a failed write (with the stack trace under --verbose) and returns exit code 1. */
    static int failed(final CommandSpec spec, final PrintWriter err, final String command, final Exception e) {
        err.println("pktsim " + command + ": " + e.getMessage());
        if (PktsimMain.verbose(spec)) {
            e.printStackTrace(err);
        }
        err.flush();
        return PktsimMain.EXIT_FAILED;
    }


    /**
     * Writes the pcap and the JSON, both only now that the whole input was processed; a failure leaves no
     * output file.
     *
     * @param stdout standard output (for {@code --json -})
     * @param out the {@code --out} path, or null
     * @param json the {@code --json} target, or null
     * @param records the packets
     * @param nanoseconds the input's timestamp precision, kept in the output
     * @param jsonText the rendered JSON
     */
    static void writeOutputs(final PrintWriter stdout, final String out, final String json,
        final List<ReplayRecord> records, final boolean nanoseconds, final String jsonText) {
        Path written = null;
        if (out != null) {
            written = Path.of(out);
            ReplayOutput.writePcap(written, records, nanoseconds);
        }
        if (json != null) {
            ReplayOutput.writeJson(json, jsonText, stdout, written);
        }
    }
}
