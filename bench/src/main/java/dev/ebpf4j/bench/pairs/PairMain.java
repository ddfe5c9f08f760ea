package dev.ebpf4j.bench.pairs;

import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of the benchmark pairs, taking the libbpf anchor's arguments and printing the same lines
 * ({@link BenchLine}). {@code ./run-benchmarks} runs each pair's Java side and C side back to back.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.ebpf4j.bench.pairs.PairMain MODE ARGS
 *   ring    drain|live SIZE EVENTS WARMUP [OBJ]     pair 1 (OBJ defaults to bench_producer.bpf.o)
 *   perf    drain|live SIZE EVENTS WARMUP [OBJ]     pair 2
 *   mapops  OPS ENTRIES                              pair 3
 *   dump    ENTRIES BATCH                            pair 4
 *   btf     warm N | child                           pair 5 (child: one cold parse, for the anchor's spawn)
 *   load    warm N [OBJ] | child [OBJ]               pair 6 (OBJ defaults to bench_core.bpf.o)
 *   vm      WARMUP_ITERATIONS ITERATIONS MILLIS      pair 8 (JMH, dev.ebpf4j.bench.vm)
 * </pre>
 */
public final class PairMain {
    private PairMain() {
    }

    public static void main(String[] args) throws Exception {
        long mainNanos = System.nanoTime();
        if (args.length == 0) usage("no mode given");
        List<BenchLine> lines = switch (args[0]) {
            case "ring", "perf" -> {
                need(args, 5, 6);
                Path obj = args.length > 5 ? Path.of(args[5]) : BenchFiles.bpf("bench_producer");
                yield RecordPair.run(args[0].equals("ring"), args[1], integer(args[2]), number(args[3]),
                        number(args[4]), obj);
            }
            case "mapops" -> {
                need(args, 3, 3);
                yield MapOpsPair.run(number(args[1]), integer(args[2]));
            }
            case "dump" -> {
                need(args, 3, 3);
                yield MapDumpPair.run(integer(args[1]), integer(args[2]));
            }
            case "btf" -> {
                if (args.length == 2 && args[1].equals("child")) {
                    System.out.println(BtfPair.child(mainNanos));
                    yield List.of();
                }
                need(args, 3, 3);
                yield BtfPair.warm(integer(args[2]));
            }
            case "load" -> {
                if (args.length >= 2 && args[1].equals("child")) {
                    Path obj = args.length > 2 ? Path.of(args[2]) : BenchFiles.bpf("bench_core");
                    System.out.println(ObjectLoadPair.child(mainNanos, obj));
                    yield List.of();
                }
                need(args, 3, 4);
                Path obj = args.length > 3 ? Path.of(args[3]) : BenchFiles.bpf("bench_core");
                yield List.of(ObjectLoadPair.warm(integer(args[2]), obj));
            }
            case "vm" -> {
                need(args, 4, 4);
                yield VmPair.run(integer(args[1]), integer(args[2]), integer(args[3]));
            }
            default -> {
                usage("unknown mode '" + args[0] + "'");
                yield List.of();
            }
        };
        for (BenchLine l : lines) l.print();
        System.out.flush();
        // Readers and producers are closed; exit even if a JMH or JIT thread lingers.
        System.exit(0);
    }

    private static void need(String[] args, int min, int max) {
        if (args.length < min || args.length > max) usage(args[0] + " takes " + (min - 1) + ".." + (max - 1) + " arguments");
    }

    private static long number(String s) {
        return Long.parseLong(s);
    }

    private static int integer(String s) {
        return Integer.parseInt(s);
    }

    private static void usage(String why) {
        System.err.println("PairMain: " + why + "; see the class comment for the modes");
        System.exit(2);
    }
}
