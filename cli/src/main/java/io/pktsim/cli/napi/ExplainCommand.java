package io.pktsim.cli.napi;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pktsim explain}: narrated runs of small built-in scenarios. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = "Narrate a small built-in scenario event by event (napi).",
    subcommands = {ExplainNapiCommand.class})
public final class ExplainCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand (try 'napi')");
    }
}
