package io.subnetcast.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.subnetcast.deploy.model.Artifact;
import io.subnetcast.deploy.model.Inputs;
import io.subnetcast.deploy.model.InvalidInputException;
import io.subnetcast.deploy.model.Platform;
import io.subnetcast.deploy.model.Version;
import io.subnetcast.deploy.model.Wave;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code subnetcast deploy create|pause|resume|status}: the admin's side of deployments, talking
 * to {@code subnetcast server}.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Create, pause, resume and watch deployments on a deployment server.",
        description = "Talks to 'subnetcast server' with the admin token.",
        subcommands = {DeployCommand.Create.class, DeployCommand.Pause.class, DeployCommand.Resume.class,
            DeployCommand.Status.class},
        footer = {"", "Exit status: 0 done; 1 the server failed or cannot be reached; 2 bad input or refused by the server."})
final class DeployCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** Made by picocli. */
    DeployCommand() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.BAD_INPUT;
    }

    /** Options every deploy command takes. */
    static final class ServerOptions {
        @Option(names = "--server", required = true, paramLabel = "URL", converter = Converters.UrlConverter.class,
                description = "The deployment server, e.g. http://deploy.example:8080")
        URI server;

        @Option(names = "--token-file", required = true, paramLabel = "FILE", description = "File whose first line is the admin token.")
        Path tokenFile;

        @Option(names = "--product", required = true, paramLabel = "NAME", description = "The product.")
        String product;

        @Mixin
        VerboseOption verbose;

        JsonNode call(String method, String path, JsonNode body) throws InterruptedException {
            Inputs.name("--product", product);
            try {
                return new ServerClient(server, tokenFile).call(method, path, body);
            } catch (ServerClient.ServerException e) {
                throw new CliException(e.status() == 400 || e.status() == 401 || e.status() == 404 ? ExitCodes.BAD_INPUT
                        : ExitCodes.FAILED, e.getMessage());
            } catch (InvalidInputException e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            }
        }
    }

    // No mixinStandardHelpOptions: its -V/--version would clash with --version (the release), and
    // picocli then drops the mixin, --help included.
    @Command(name = "create", sortOptions = false,
            header = "Release a version: the pilot first, then the waves, then everyone.",
            description = "Creates a deployment of a new version of a product. It supersedes the product's running deployment"
                    + " (devices only ever move to the latest version). Retry rules: a failed install is not retried on"
                    + " Windows; on macOS and Linux it is retried up to 5 tries, 10 s after the first failure, doubling.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Mixin
        ServerOptions options;

        @Option(names = "--version", required = true, paramLabel = "V", description = "The version, e.g. 2.4.1 or 3.0.0-rc.2.")
        String version;

        @Option(names = "--artifact", required = true, paramLabel = "PLATFORM=URL#SHA256",
                description = "What a platform (windows, macos, linux) installs: the package URL and its SHA-256. Repeat per platform.")
        List<String> artifacts;

        @Option(names = "--manifest", paramLabel = "PLATFORM=URL#SHA256",
                description = "A platform's trusted manifest (from 'subnetcast manifest') and its SHA-256.")
        List<String> manifests = new ArrayList<>();

        @Option(names = "--pilot", split = ",", paramLabel = "ID", description = "Device ids offered the version at once (at most 100).")
        List<String> pilot = new ArrayList<>();

        @Option(names = "--waves", paramLabel = "N%@+D,...",
                description = "Cumulative shares of the fleet and when they open after creation (time paused does not"
                        + " count), e.g. 50%%@+1d,100%%@+7d; units ms, s, m, h, d. Default: everyone at once.")
        String waves;

        @Option(names = "--success-gate", paramLabel = "PERCENT",
                description = "A wave opens only when at least this share of the wave before it (the pilot before the first) installed.")
        Integer gate;

        @Option(names = "--halt-on-failures", paramLabel = "PERCENT@MIN",
                description = "Halt (pause) the deployment when failed installs reach PERCENT of attempts after MIN attempts, e.g. 20@10.")
        String halt;

        @Option(names = "--unkeyed",
                description = "Do not seal the release's sessions. By default the server makes a fresh key per release and"
                        + " hands it only to the devices it offers the release to, so no host on the LAN can forge the"
                        + " sessions' beacons, NAKs or data.")
        boolean unkeyed;

        @Override
        public Integer call() throws InterruptedException {
            ObjectNode body = ServerClient.object();
            if (unkeyed) {
                body.put("unkeyed", true);
            }
            Map<Platform, Artifact> byPlatform = new EnumMap<>(Platform.class);
            try {
                Version.parse(version);
                for (String spec : artifacts) {
                    Artifact a = Artifact.parse(spec);
                    if (byPlatform.putIfAbsent(a.platform(), a) != null) {
                        throw new InvalidInputException("two --artifact options for " + a.platform().label());
                    }
                }
                for (String spec : manifests) {
                    Platform p = Platform.parse(spec.contains("=") ? spec.substring(0, spec.indexOf('=')) : spec);
                    Artifact a = byPlatform.get(p);
                    if (a == null) {
                        throw new InvalidInputException("--manifest " + p.label() + " has no --artifact for its platform");
                    }
                    byPlatform.put(p, a.withManifest(spec));
                }
                if (waves != null) {
                    Wave.parseList(waves);
                    body.put("waves", waves);
                }
            } catch (InvalidInputException e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            }
            body.put("product", options.product).put("version", version);
            ArrayNode list = body.putArray("artifacts");
            for (Artifact a : byPlatform.values()) {
                ObjectNode item = list.addObject().put("platform", a.platform().label()).put("url", a.url().toString())
                        .put("sha256", a.sha256());
                if (a.manifestUrl() != null) {
                    item.put("manifestUrl", a.manifestUrl().toString()).put("manifestSha256", a.manifestSha256());
                }
            }
            ArrayNode pilots = body.putArray("pilot");
            pilot.forEach(pilots::add);
            if (gate != null) {
                body.put("successGatePercent", gate);
            }
            if (halt != null) {
                String[] parts = halt.split("@", -1);
                if (parts.length != 2 || !parts[0].matches("[0-9]{1,3}") || !parts[1].matches("[0-9]{1,7}")) {
                    throw new CliException(ExitCodes.BAD_INPUT, "--halt-on-failures must be PERCENT@MIN, e.g. 20@10");
                }
                body.putObject("halt").put("failurePercent", Integer.parseInt(parts[0]))
                        .put("minAttempts", Integer.parseInt(parts[1]));
            }
            JsonNode created = options.call("POST", "/api/deployments", body);
            PrintWriter out = spec.commandLine().getOut();
            out.println("created " + created.get("id").asText() + ": " + options.product + " " + version + " is "
                    + created.get("state").asText() + (created.path("sealed").asBoolean() ? ", sealed" : ", unkeyed")
                    + (pilot.isEmpty() ? "" : ", offered to " + pilot.size() + " pilot device(s)"));
            return ExitCodes.OK;
        }
    }

    /** Pause and resume differ only in the verb they send. */
    private abstract static class StateChange implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServerOptions options;

        private final String verb;

        StateChange(String verb) {
            this.verb = verb;
        }

        @Override
        public Integer call() throws InterruptedException {
            JsonNode d = options.call("POST", "/api/products/" + options.product + "/" + verb, null);
            spec.commandLine().getOut().println(d.get("id").asText() + " is " + d.get("state").asText());
            return ExitCodes.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, header = "Pause the product's deployment: no device gets it until resumed.")
    static final class Pause extends StateChange {
        Pause() {
            super("pause");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, header = "Resume the product's paused or halted deployment.")
    static final class Resume extends StateChange {
        Resume() {
            super("resume");
        }
    }

    @Command(name = "status", header = "Show a deployment's progress per platform.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Mixin
        ServerOptions options;

        @Option(names = "--version", paramLabel = "V", description = "That version's deployment. Default: the latest.")
        String version;

        @Option(names = "--json", description = "One JSON object: the state and per platform the count of each device state.")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            String query = version == null ? "" : "?version=" + URLEncoder.encode(version, StandardCharsets.UTF_8);
            JsonNode d = options.call("GET", "/api/products/" + options.product + "/status" + query, null);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(d.toString());
                return ExitCodes.OK;
            }
            out.println(d.get("product").asText() + " " + d.get("version").asText() + ": " + d.get("state").asText()
                    + ", waves open " + d.get("openWaves").asInt() + " of " + d.get("waves").asInt()
                    + (d.get("reason").asText().isEmpty() ? "" : " (" + d.get("reason").asText() + ")"));
            d.get("platforms").properties().forEach(e -> out.println(bar(e.getKey(), e.getValue())));
            return ExitCodes.OK;
        }

        static String bar(String platform, JsonNode counts) {
            int total = 0;
            for (JsonNode n : counts) {
                total += n.asInt();
            }
            int installed = counts.path("installed").asInt();
            int width = 30;
            int filled = total == 0 ? 0 : installed * width / total;
            return String.format(Locale.ROOT, "  %-8s [%s%s] %d/%d installed, %d failed, %d downloading, %d offered, %d waiting",
                    platform, "#".repeat(filled), "-".repeat(width - filled), installed, total, counts.path("failed").asInt(),
                    counts.path("downloading").asInt(), counts.path("offered").asInt(), counts.path("targeted").asInt());
        }
    }
}
