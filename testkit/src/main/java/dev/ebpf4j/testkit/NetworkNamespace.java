package dev.ebpf4j.testkit;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away network namespace joined to the test's own namespace by a veth pair, for XDP/tc tests that must only
 * touch their own traffic. The host end ({@link #hostInterface()}) stays in the test process's namespace with
 * {@link #hostAddress()}; the peer end lives in the namespace with {@link #peerAddress()}. Traffic sent from the
 * namespace ({@link #pingFromPeer}) arrives on the host end. Closing deletes the namespace and the veth pair.
 *
 * <pre>{@code
 * try (NetworkNamespace ns = NetworkNamespace.create()) {
 *     int ifindex = ns.hostIfindex();
 *     ns.pingFromPeer(3);
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;
    private final String hostIf;
    private final String peerIf;
    private final String hostAddress;
    private final String peerAddress;

    private NetworkNamespace(String name, String hostIf, String peerIf, String hostAddress, String peerAddress) {
        this.name = name;
        this.hostIf = hostIf;
        this.peerIf = peerIf;
        this.hostAddress = hostAddress;
        this.peerAddress = peerAddress;
    }

    /** Creates a namespace and veth pair with unique names and a random 10.x.y.0/30 subnet. */
    public static NetworkNamespace create() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String id = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Integer.toString(rnd.nextInt(1 << 20), 36);
        String name = "e4j" + id;
        String hostIf = "e4h" + id;
        String peerIf = "e4p" + id;
        int b = rnd.nextInt(200) + 20;
        int c = rnd.nextInt(63) * 4;
        String host = "10." + b + "." + c + ".1";
        String peer = "10." + b + "." + c + ".2";
        Shell.run("ip", "netns", "add", name);
        try {
            Shell.run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", peerIf);
            Shell.run("ip", "link", "set", peerIf, "netns", name);
            Shell.run("ip", "addr", "add", host + "/30", "dev", hostIf);
            Shell.run("ip", "link", "set", hostIf, "up");
            Shell.run("ip", "-n", name, "addr", "add", peer + "/30", "dev", peerIf);
            Shell.run("ip", "-n", name, "link", "set", peerIf, "up");
            Shell.run("ip", "-n", name, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            Shell.exec(10, "ip", "link", "del", hostIf);
            Shell.exec(10, "ip", "netns", "del", name);
            throw e;
        }
        return new NetworkNamespace(name, hostIf, peerIf, host, peer);
    }

    public String name() {
        return name;
    }

    public String hostInterface() {
        return hostIf;
    }

    public String peerInterface() {
        return peerIf;
    }

    public String hostAddress() {
        return hostAddress;
    }

    public String peerAddress() {
        return peerAddress;
    }

    /** The host end's interface index. */
    public int hostIfindex() {
        String out = Shell.run("cat", "/sys/class/net/" + hostIf + "/ifindex").trim();
        return Integer.parseInt(out);
    }

    /** Sends {@code count} ICMP echo requests from inside the namespace to the host end; returns ping's output. */
    public String pingFromPeer(int count) {
        return Shell.exec(30, "ip", "netns", "exec", name, "ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "1",
                hostAddress).output();
    }

    /** Sends {@code count} ICMP echo requests from the host end to the peer; returns ping's output. */
    public String pingPeer(int count) {
        return Shell.exec(30, "ping", "-c", Integer.toString(count), "-i", "0.2", "-W", "1", "-I", hostIf, peerAddress)
                .output();
    }

    /** Runs a command inside the namespace. */
    public Shell.Result exec(String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return Shell.exec(30, full);
    }

    @Override
    public void close() {
        Shell.exec(10, "ip", "link", "del", hostIf);
        Shell.exec(10, "ip", "netns", "del", name);
    }
}
