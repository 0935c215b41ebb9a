package dev.tandem.cluster;

import dev.tandem.session.SessionId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * The ordered server list that the cluster store, the JDBC store's change notices and the dispatch
 * filter share: {@code app-a=127.0.0.1:6801 app-b=127.0.0.1:6802 app-c=127.0.0.1:6803}. Order
 * gives each server its index. Options follow the server they apply to
 * ({@code app-a=127.0.0.1:8081 weight=5 max-connections=200 min-connections=150},
 * {@code spare=127.0.0.1:8084 backup}); servers and options may be separated by spaces, commas
 * or new lines.
 */
public final class ClusterTopology {
    private static final Set<String> OPTIONS = Set.of("weight", "max-connections", "min-connections", "backup");

    private final List<ClusterMember> members;

    private ClusterTopology(List<ClusterMember> members) {
        this.members = List.copyOf(members);
    }

    /**
     * Parses a server list.
     *
     * @param param the init-param it came from, for error messages
     * @throws IllegalArgumentException naming the param, the offending entry and the expected form
     */
    public static ClusterTopology parse(String param, String value) {
        List<Builder> servers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String token : value.trim().split("[\\s,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String key = (eq < 0 ? token : token.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (OPTIONS.contains(key)) {
                if (servers.isEmpty()) {
                    throw error(param, token, "an option must follow the server it applies to");
                }
                servers.get(servers.size() - 1).option(param, key, eq < 0 ? null : token.substring(eq + 1), token);
                continue;
            }
            if (eq <= 0) {
                throw error(param, token, "expected name=host:port");
            }
            String name = token.substring(0, eq);
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw error(param, token, "a server name is letters, digits, '.', '_' or '-'");
            }
            if (!names.add(name)) {
                throw error(param, token, "server '" + name + "' is listed twice");
            }
            String address = token.substring(eq + 1);
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw error(param, token, "expected name=host:port");
            }
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw error(param, token, "the port is not a number");
            }
            if (port < 1 || port > 65535) {
                throw error(param, token, "the port must be 1..65535");
            }
            servers.add(new Builder(name, servers.size(), host, port));
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException(param + " is empty; list the servers as name=host:port, e.g. "
                    + "app-a=127.0.0.1:6801 app-b=127.0.0.1:6802");
        }
        if (servers.size() > SessionId.ALPHABET.length()) {
            throw new IllegalArgumentException(param + " lists " + servers.size() + " servers; a session id can name at most "
                    + SessionId.ALPHABET.length());
        }
        List<ClusterMember> members = new ArrayList<>();
        for (Builder b : servers) {
            members.add(b.build(param));
        }
        return new ClusterTopology(members);
    }

    public List<ClusterMember> members() {
        return members;
    }

    public int size() {
        return members.size();
    }

    /** The server a session-id character names, if any. */
    public Optional<ClusterMember> byIndexChar(char c) {
        int index = SessionId.indexOf(c);
        return index >= 0 && index < members.size() ? Optional.of(members.get(index)) : Optional.empty();
    }

    public Optional<ClusterMember> byName(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * This JVM's server: the {@code server-id} init-param, else system property
     * {@code tandem.server-id}, else environment variable {@code TANDEM_SERVER_ID}.
     *
     * @throws IllegalArgumentException if none is set or it names no server of the list
     */
    public ClusterMember self(Optional<String> serverIdParam) {
        return self(serverIdParam, System::getProperty, System::getenv);
    }

    ClusterMember self(Optional<String> serverIdParam, Function<String, String> properties, Function<String, String> env) {
        String id = serverIdParam.filter(s -> !s.isBlank())
                .or(() -> Optional.ofNullable(properties.apply("tandem.server-id")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(env.apply("TANDEM_SERVER_ID")).filter(s -> !s.isBlank()))
                .orElseThrow(() -> new IllegalArgumentException("this server's name is not set; set init-param server-id, "
                        + "-Dtandem.server-id or TANDEM_SERVER_ID to one of: " + names()))
                .trim();
        return byName(id).orElseThrow(() -> new IllegalArgumentException("server-id '" + id
                + "' is not in the cluster list: " + names()));
    }

    private String names() {
        return String.join(", ", members.stream().map(ClusterMember::name).toList());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (ClusterMember m : members) {
            s.append(s.length() == 0 ? "" : " ").append(m.indexChar()).append(':').append(m.name()).append('=').append(m.address());
        }
        return s.toString();
    }

    private static IllegalArgumentException error(String param, String token, String why) {
        return new IllegalArgumentException(param + ": '" + token + "': " + why
                + " (form: name=host:port [weight=N] [max-connections=N] [min-connections=N] [backup], ...)");
    }

    private static final class Builder {
        final String name;
        final int index;
        final String host;
        final int port;
        int weight = 1;
        OptionalInt max = OptionalInt.empty();
        OptionalInt min = OptionalInt.empty();
        boolean backup;

        Builder(String name, int index, String host, int port) {
            this.name = name;
            this.index = index;
            this.host = host;
            this.port = port;
        }

        void option(String param, String key, String value, String token) {
            if (key.equals("backup")) {
                if (value != null) {
                    throw error(param, token, "backup takes no value");
                }
                backup = true;
                return;
            }
            int n;
            try {
                n = Integer.parseInt(value == null ? "" : value);
            } catch (NumberFormatException e) {
                throw error(param, token, key + " must be a whole number");
            }
            if (n < 0 || (key.equals("weight") && n < 1)) {
                throw error(param, token, key + (key.equals("weight") ? " must be at least 1" : " must not be negative"));
            }
            switch (key) {
                case "weight" -> weight = n;
                case "max-connections" -> max = OptionalInt.of(n);
                default -> min = OptionalInt.of(n);
            }
        }

        ClusterMember build(String param) {
            if (min.isPresent() && max.isEmpty()) {
                throw new IllegalArgumentException(param + ": server '" + name + "' has min-connections without max-connections");
            }
            if (min.isPresent() && min.getAsInt() > max.getAsInt()) {
                throw new IllegalArgumentException(param + ": server '" + name + "' has min-connections "
                        + min.getAsInt() + " above max-connections " + max.getAsInt());
            }
            OptionalInt effectiveMin = max.isPresent() && min.isEmpty() ? max : min;
            return new ClusterMember(name, index, host, port, weight, max, effectiveMin, backup);
        }
    }
}
