package dev.tandem.store.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link ClusterNodeMain} in a child JVM; its output goes to {@code <directory>/<name>.log}. */
final class ChildNode {
    private final String name;
    private final Process process;
    private final int httpPort;

    private ChildNode(String name, Process process, int httpPort) {
        this.name = name;
        this.process = process;
        this.httpPort = httpPort;
    }

    /** Starts the child without waiting; {@link #awaitReady} then waits for its READY line. */
    static CompletableFuture<ChildNode> start(String name, String cluster, Path directory, String backupMode) {
        String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(javaBinary, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(),
                name, cluster, TestCluster.SECRET, directory.resolve("node-" + name).toString(), backupMode);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path log = directory.resolve(name + ".log");
        return CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer file = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                String line;
                while ((line = out.readLine()) != null) {
                    file.write(line + "\n");
                    file.flush();
                    if (line.startsWith("READY ")) {
                        ChildNode node = new ChildNode(name, process, Integer.parseInt(line.substring(6).trim()));
                        drain(out, file);
                        return node;
                    }
                }
                file.close();
                throw new IllegalStateException("node " + name + " exited before READY; see " + log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).whenComplete((node, e) -> {
            if (e != null) {
                process.destroyForcibly();
            }
        });
    }

    static ChildNode awaitReady(CompletableFuture<ChildNode> starting) {
        try {
            return starting.get(90, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("a cluster node did not start: " + e, e);
        }
    }

    /** Keeps reading the child's output into its log, so it never blocks on a full pipe. */
    private static void drain(BufferedReader out, Writer file) {
        Thread t = new Thread(() -> {
            try (file) {
                String line;
                while ((line = out.readLine()) != null) {
                    file.write(line + "\n");
                    file.flush();
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, "drain-node");
        t.setDaemon(true);
        t.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** kill -9. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
