package io.subnetcast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class HelpTest {
    /** Every command and subcommand (deploy create, ...) answers --help with status 0, every option described. */
    @Test
    void everyOptionOfEveryCommandIsDocumented() {
        CommandLine root = SubnetcastCommand.newCommandLine(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()), CliEnvironment.inProcess());
        checkHelp(root, java.util.List.of());
    }

    private static void checkHelp(CommandLine parent, java.util.List<String> path) {
        for (Map.Entry<String, CommandLine> command : parent.getSubcommands().entrySet()) {
            if (command.getKey().equals("help")) {
                continue;
            }
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add(command.getKey());
            String name = String.join(" ", args);
            args.add("--help");
            Cli.Result help = Cli.run(args.toArray(String[]::new));
            assertEquals(0, help.exitCode(), name + " --help: " + help.err());
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                assertTrue(help.out().contains(option.longestName()), name + " --help lacks " + option.longestName());
                assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
                        name + " " + option.longestName() + " has no description");
            }
            checkHelp(command.getValue(), args.subList(0, args.size() - 1));
        }
    }

    /** A run of one command builds that command only (a quicker start); help and mistakes see them all. */
    @Test
    void aNamedCommandIsTheOnlyOneBuilt() {
        java.io.PrintWriter sink = new java.io.PrintWriter(new java.io.StringWriter());
        CommandLine agent = SubnetcastCommand.newCommandLine(sink, sink, CliEnvironment.inProcess(),
                new String[] {"agent", "--task", "t"});
        assertEquals(java.util.Set.of("agent"), agent.getSubcommands().keySet());
        for (String[] args : new String[][] {{}, {"help", "agent"}, {"--help"}, {"agnet"}}) {
            CommandLine all = SubnetcastCommand.newCommandLine(sink, sink, CliEnvironment.inProcess(), args);
            assertEquals(SubnetcastCommand.COMMANDS.keySet(), all.getSubcommands().keySet(), String.join(" ", args));
        }
        SubnetcastCommand.COMMANDS.forEach((name, type) ->
                assertEquals(name, type.getAnnotation(picocli.CommandLine.Command.class).name(), type.getName()));
        assertEquals(0, Cli.run("help", "agent").exitCode());
        Cli.Result typo = Cli.run("agnet", "--task", "t");
        assertEquals(2, typo.exitCode(), typo.err());
        assertTrue(typo.err().contains("agnet"), typo.err());
    }

    @Test
    void theIssueOptionNamesAreTheContract() {
        String agent = Cli.run("agent", "--help").out();
        for (String name : new String[] {"--task", "--url", "--out", "--interface", "--sha256", "--group", "--start-delay",
            "--cache-dir", "--rate", "--loss", "--linger", "--timeout", "--json"}) {
            assertTrue(agent.contains(name + "=") || agent.contains("[" + name + "]"), "agent " + name);
        }
        String origin = Cli.run("origin", "--help").out();
        for (String name : new String[] {"--dir", "--bind", "--port"}) {
            assertTrue(origin.contains(name + "="), "origin " + name);
        }
        String demo = Cli.run("demo", "--help").out();
        for (String name : new String[] {"--agents", "--size", "--start-delay", "--rate", "--loss"}) {
            assertTrue(demo.contains(name + "="), "demo " + name);
        }
    }

    @Test
    void versionNamesTheBuild() {
        Cli.Result version = Cli.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("subnetcast "), version.out());
        assertFalse(version.out().contains("${"), "the build filled in the version: " + version.out());
    }

    @Test
    void withoutACommandItShowsUsageAndFails() {
        Cli.Result result = Cli.run();
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("Commands:") && result.err().contains("demo"), result.err());
    }
}
