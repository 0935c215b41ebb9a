package dev.tandem.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in a JVM (or any program) of its own. Its output goes to a log file; a Java
 * main prints {@code READY <port>} when it serves. {@link #kill} is SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private CompletableFuture<Integer> ready;
    private int port;

    // A smoke run's figures mean nothing: its JVMs start quickly instead (C1 only).
    private static volatile boolean quickStart;

    public static void quickStart(boolean quick) {
        quickStart = quick;
    }

    private ServerProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /** A Java main of this module, on this JVM's class path, with a small heap. */
    public static ServerProcess java(String name, Path log, List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:+UseParallelGC");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        if (quickStart) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ServerProcess(name, command, log);
    }

    /** Any program; {@link #start} returns once it runs (the caller knows its port). */
    public static ServerProcess program(String name, Path log, List<String> command) {
        return new ServerProcess(name, List.copyOf(command), log);
    }

    /** Starts the process and, for a Java main, waits for its READY line (at most 90 s). */
    public ServerProcess start(boolean waitForReady) throws IOException {
        launch();
        if (waitForReady) {
            awaitReady();
        }
        return this;
    }

    /** Starts the process without waiting: several servers then start side by side. */
    public ServerProcess launch() throws IOException {
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ready = new CompletableFuture<>();
        Process started = process;
        CompletableFuture<Integer> readyLine = ready;
        Thread pump = new Thread(() -> pump(started, readyLine), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return this;
    }

    /** Waits for the READY line (at most 90 s). */
    public ServerProcess awaitReady() throws IOException {
        try {
            port = ready.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IOException(name + " did not print READY within 90 s; its log: " + log + "\n" + tail(), e);
        }
        return this;
    }

    /** Starts every server at once and waits until all serve. */
    public static void startAll(List<ServerProcess> servers) throws IOException {
        for (ServerProcess server : servers) {
            server.launch();
        }
        for (ServerProcess server : servers) {
            server.awaitReady();
        }
    }

    private void pump(Process started, CompletableFuture<Integer> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith("READY ")) {
                    ready.complete(Integer.parseInt(line.substring(6).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException(name + " closed its output (it exited)"));
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, like a crash; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
