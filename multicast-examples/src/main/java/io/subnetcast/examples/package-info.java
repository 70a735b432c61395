/**
 * The {@code subnetcast} command: a standalone tool and an example of embedding the library.
 *
 * <p>{@link io.subnetcast.examples.SubnetcastCommand} is the entry point (picocli). Its commands:
 * {@code demo} runs an origin and several agents in one process on the loopback interface;
 * {@code agent} is one agent on a real interface and shows how a distribution agent drives
 * {@code SubnetcastEngine}; {@code origin} serves a directory with the project's HTTP server;
 * {@code precache} fills the block cache only. Inputs are parsed by small parsers with one-line
 * errors ({@code Durations}, {@code Rates}, {@code Sizes}, {@code Inputs}); progress goes to stderr
 * as a bar on a terminal and as plain lines otherwise ({@code ProgressPrinter}); results go to
 * stdout, as JSON with {@code agent --json}.
 */
package io.subnetcast.examples;
