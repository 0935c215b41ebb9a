package dev.tandem.examples.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One app node's JVM. Its output goes to {@code node.log} in the node's directory; {@link #start}
 * returns once the node printed {@code READY}. {@link #kill} is a crash ({@code SIGKILL}: nothing
 * saved on the way out); {@link #stop} closes the node's stdin so that it stops gracefully.
 */
public final class NodeProcess {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    public NodeProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** The running JVM's pid, or -1. */
    public synchronized long pid() {
        return alive() ? process.pid() : -1;
    }

    public Path log() {
        return log;
    }

    /** Starts the JVM (unless it runs) and waits until it serves. */
    public synchronized void start(Duration timeout) throws IOException {
        if (alive()) {
            return;
        }
        Files.createDirectories(log.getParent());
        Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
        process = started;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Deque<String> lastLines = new ArrayDeque<>();
        Thread pump = new Thread(() -> pump(started, ready, lastLines), "demo-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IOException(name + ": interrupted while starting", e);
        } catch (ExecutionException | TimeoutException e) {
            kill();
            String tail;
            synchronized (lastLines) {
                tail = String.join("\n  ", lastLines);
            }
            throw new IOException(name + " did not print READY within " + timeout.toSeconds() + " s; see " + log
                    + "; its last lines:\n  " + tail, e);
        }
    }

    private void pump(Process p, CompletableFuture<Void> ready, Deque<String> lastLines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            out.println("---- " + name + " started, pid " + p.pid());
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                synchronized (lastLines) {
                    lastLines.addLast(line);
                    if (lastLines.size() > 20) {
                        lastLines.removeFirst();
                    }
                }
                if (line.startsWith("READY")) {
                    ready.complete(null);
                }
            }
            out.println("---- " + name + " output ended");
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException(name + " exited before it was ready"));
    }

    /** Kills the JVM like a crash and waits until it is gone. */
    /** {@link #start}, with a failure to start thrown unchecked: for starting several nodes in parallel tasks. */
    public void startUnchecked(Duration timeout) {
        try {
            start(timeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code cluster} list as Tandem's init-params take it: {@code name=host:port} for each node, in order. */
    public static String clusterList(String host, List<String> names, List<Integer> ports) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            entries.add(names.get(i) + "=" + host + ":" + ports.get(i));
        }
        return String.join(" ", entries);
    }

    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the JVM gracefully (its sessions are saved), or kills it after a grace period. */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            p.getOutputStream().close();
            if (p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (IOException e) {
            // fall through to the kill
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }
}
