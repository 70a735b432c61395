package io.subnetcast.examples;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code subnetcast} command: {@code demo}, {@code agent}, {@code origin}, {@code precache},
 * {@code manifest}, and the deployment server with its admin commands ({@code server}, {@code deploy}).
 *
 * <p>Every failure ends in one line on stderr naming what is wrong and a non-zero exit status;
 * {@code --verbose} adds the stack trace. Embedders can read {@link AgentCommand} for how the
 * library is driven.
 */
@Command(name = "subnetcast", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Distributes software packages to the machines of a subnet with the least traffic: the agents of a"
                + " subnet elect one representative, which downloads the package once over HTTP, waits a start delay so"
                + " that others can join, and multicasts it. Start with 'subnetcast demo'.",
        footer = {"", "Exit status: 0 done; 1 the run failed; 2 bad input (option, interface, URL, hash, path); 3 --timeout passed. Errors are one line on stderr; add --verbose for the stack trace."})
public final class SubnetcastCommand implements Callable<Integer> {
    /**
     * The commands by name, in the order help lists them. They are added to the command line here
     * rather than in the annotation so that a run of one command builds the model of that command
     * only: picocli reads every option of every command it is given, and for all of them (the
     * deployment commands load Jackson too) that took a fifth of a second of an agent's start.
     */
    static final Map<String, Class<?>> COMMANDS = commands();

    @Spec
    private CommandSpec spec;

    /** Made by picocli. */
    public SubnetcastCommand() {
    }

    @Override
    public Integer call() {
        // Without a command there is nothing to do: say what there is.
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Logging.configure(args);
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        CliEnvironment environment = new CliEnvironment(System.console() != null, true, new CompletableFuture<>());
        int status = newCommandLine(out, err, environment, args).execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * @param out where results go
     * @param err where progress and errors go
     * @param environment the process around the commands
     * @return the command line, with the one-line error handling installed
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err, CliEnvironment environment) {
        return newCommandLine(out, err, environment, new String[0]);
    }

    /**
     * @param out where results go
     * @param err where progress and errors go
     * @param environment the process around the commands
     * @param args the command line to be run: when its first word names a command other than help,
     *     only that command is built; otherwise (help, --version, a mistyped command) all of them are
     * @return the command line, with the one-line error handling installed
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err, CliEnvironment environment, String[] args) {
        CommandLine commandLine = new CommandLine(new SubnetcastCommand(), new Factory(environment));
        Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null && named != CommandLine.HelpCommand.class) { // help names the others
            commandLine.addSubcommand(args[0], named);
        } else {
            COMMANDS.forEach(commandLine::addSubcommand);
        }
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler(SubnetcastCommand::onBadParameters);
        commandLine.setExecutionExceptionHandler(SubnetcastCommand::onFailure);
        return commandLine;
    }

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("demo", DemoCommand.class);
        commands.put("agent", AgentCommand.class);
        commands.put("origin", OriginCommand.class);
        commands.put("precache", PrecacheCommand.class);
        commands.put("manifest", ManifestCommand.class);
        commands.put("server", ServerCommand.class);
        commands.put("deploy", DeployCommand.class);
        commands.put("help", CommandLine.HelpCommand.class);
        return Collections.unmodifiableMap(commands);
    }

    private static int onBadParameters(CommandLine.ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        String message = Texts.oneLine(String.valueOf(failure.getMessage()));
        // picocli reports missing options before unknown ones; a misspelt option is the real mistake.
        String unknown = failure instanceof CommandLine.MissingParameterException
                ? unknownOption(command.getCommandSpec(), args) : null;
        if (unknown != null) {
            message = "Unknown option: '" + Texts.printable(unknown) + "'";
        }
        command.getErr().println(name + ": " + message + " (see '" + name + " --help')");
        return ExitCodes.BAD_INPUT;
    }

    /** @return the first {@code --name} argument the command has no option for, or null */
    private static String unknownOption(CommandSpec command, String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--") && arg.length() > 2) {
                String optionName = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (command.findOption(optionName) == null) {
                    return optionName;
                }
            }
        }
        return null;
    }

    private static int onFailure(Exception failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + Errors.describe(failure));
        if (isVerbose(parseResult)) {
            failure.printStackTrace(err);
        }
        err.flush();
        Throwable cause = Errors.unwrap(failure);
        if (cause instanceof CliException cli) {
            return cli.exitCode();
        }
        return cause instanceof IllegalArgumentException ? ExitCodes.BAD_INPUT : ExitCodes.FAILED;
    }

    private static boolean isVerbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Makes the commands, handing the environment to those that take it. */
    private static final class Factory implements CommandLine.IFactory {
        private final CliEnvironment environment;

        Factory(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(CliEnvironment.class);
                return constructor.newInstance(environment);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
