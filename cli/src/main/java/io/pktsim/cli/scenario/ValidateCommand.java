package io.pktsim.cli.scenario;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.pktsim.cli.PktsimMain;
import io.pktsim.cli.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pktsim validate FILE}: checks a scenario and prints it resolved, every default filled in. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
        "Check a scenario and print it with every default filled in.",
        "The output is YAML, itself a scenario that resolves to the same thing.",
        "The format is in docs/scenarios.md.",
        "Exit codes: 0 valid, 2 bad usage or a bad scenario (one line:",
        "file:line:column: what is wrong)."})
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The scenario (YAML).")
    private Path file;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Scenario s;
        try {
            s = new ScenarioLoader().load(file);
        } catch (final ConfigException e) {
            err.println("pktsim validate: " + e.getMessage());
            err.flush();
            return PktsimMain.EXIT_USAGE;
        }
        out.print(ScenarioYaml.render(s));
        out.flush();
        return PktsimMain.EXIT_OK;
    }
}
