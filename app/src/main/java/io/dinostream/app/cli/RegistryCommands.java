package io.dinostream.app.cli;

import io.dinostream.app.registry.VersionRegistration;
import io.dinostream.common.registry.ActivePointer;
import io.dinostream.common.registry.ModelRegistry;
import io.dinostream.common.registry.ModelVersion;
import io.dinostream.common.registry.RegistryState;
import io.dinostream.common.registry.WeightStore;
import io.dinostream.embedder.model.LoadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code dinostream model register|list|describe|activate|rollback|retire}: the model registry from the
 * command line (docs/operations.md).
 */
final class RegistryCommands {
    static final List<String> SUBCOMMANDS = List.of("register", "list", "describe", "activate", "rollback", "retire");

    private RegistryCommands() {}

    static int run(String subcommand, Args args, List<String> operands, LoadOptions loadOptions) throws Exception {
        args.requireBootstrapServers();
        try {
            return switch (subcommand) {
                case "register" -> register(args, one(operands, "a weights file"), loadOptions);
                case "list" -> list(args, operands);
                case "describe" -> describe(args, one(operands, "a version id"));
                case "activate" -> change(args, operands, "a version id", r -> {
                    if (args.flag("now")) {
                        r.activate(operands.get(0));
                    } else {
                        r.requestActivation(operands.get(0));
                    }
                });
                case "rollback" -> change(args, operands, null, ModelRegistry::rollback);
                case "retire" -> change(args, operands, "a version id", r -> r.retire(operands.get(0)));
                default -> throw new IllegalArgumentException(subcommand);
            };
        } catch (RegistryState.RegistryException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int register(Args args, String file, LoadOptions loadOptions) throws Exception {
        VersionRegistration.Outcome outcome;
        try {
            outcome = VersionRegistration.register(
                    args.config,
                    Path.of(file),
                    args.option("name", null),
                    args.option("parent", null),
                    metrics(args.option("metrics", "")),
                    loadOptions);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ModelVersion v = outcome.version();
        System.out.println((outcome.alreadyRegistered() ? "already registered: " : "registered ") + v.id() + " ("
                + v.name() + ", " + v.architecture() + "); weights " + outcome.storedAt());
        return 0;
    }

    private static int list(Args args, List<String> operands) throws Exception {
        if (!operands.isEmpty()) {
            throw new UsageException("unexpected arguments " + operands);
        }
        RegistryState state = ModelRegistry.open(args.config).state();
        System.out.printf(
                "%-12s  %-10s  %-24s  %5s  %-12s  %-20s  %s%n",
                "VERSION", "STATE", "NAME", "DIM", "PARENT", "CREATED", "METRICS");
        for (ModelVersion v : state.versions()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-12s  %-10s  %-24s  %5d  %-12s  %-20s  %s%n",
                    v.id(),
                    state.stateOf(v).label(),
                    v.name(),
                    v.dimension(),
                    v.parent() == null ? "-" : v.parent(),
                    v.createdAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                    formatMetrics(v.metrics()));
        }
        if (state.versions().isEmpty()) {
            System.out.println("(no versions: register one with dinostream model register WEIGHTS)");
        }
        return 0;
    }

    private static int describe(Args args, String id) throws Exception {
        RegistryState state = ModelRegistry.open(args.config).state();
        ModelVersion v = state.require(id);
        Path weights = new WeightStore(args.config.modelStoreDir()).path(v.weightsDigest());
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("version", v.id());
        rows.put("state", state.stateOf(v).label());
        rows.put("name", v.name());
        rows.put("architecture", v.architecture());
        rows.put("embedding", v.embedding());
        rows.put("preprocessing", v.preprocessing());
        rows.put(
                "weights",
                weights + " (sha256 " + v.weightsDigest() + ", " + v.weightsBytes() + " bytes"
                        + (Files.isRegularFile(weights) ? "" : ", NOT in this machine's store") + ")");
        rows.put("parent", v.parent() == null ? "-" : v.parent());
        rows.put("created", v.createdAt().toString());
        rows.put("metrics", v.metrics().isEmpty() ? "-" : formatMetrics(v.metrics()));
        state.progress(v.id()).ifPresent(p -> rows.put("backfill", p.describe() + " at " + p.updatedAt()));
        state.progress(v.id()).ifPresent(p -> rows.put("backfill", p.describe() + " at " + p.updatedAt()));
        v.reports().forEach((step, report) -> rows.put("report " + step, report));
        state.pointer()
                .filter(p -> p.active().equals(v.id()) || v.id().equals(p.previous()))
                .ifPresent(p -> rows.put("active pointer", describe(p)));
        rows.forEach((k, value) -> System.out.printf("%-15s %s%n", k + ":", value));
        return 0;
    }

    private static String describe(ActivePointer p) {
        return "active " + (p.active() == null ? "-" : p.active()) + ", previous "
                + (p.previous() == null ? "-" : p.previous())
                + (p.pending() == null
                        ? ""
                        : ", activating " + p.pending() + " (serving nodes backfill its index, then flip)")
                + ", since " + p.changedAt();
    }

    @FunctionalInterface
    private interface Change {
        void apply(ModelRegistry registry) throws java.io.IOException;
    }

    private static int change(Args args, List<String> operands, String operand, Change change) throws Exception {
        if (operand == null ? !operands.isEmpty() : operands.size() != 1) {
            throw new UsageException(operand == null ? "unexpected arguments " + operands : "expected " + operand);
        }
        ModelRegistry registry = ModelRegistry.open(args.config);
        change.apply(registry);
        RegistryState state = registry.state();
        System.out.println(state.pointer().map(RegistryCommands::describe).orElse("no active version"));
        return 0;
    }

    private static String one(List<String> operands, String what) {
        if (operands.size() != 1) {
            throw new UsageException("expected " + what + ", got " + operands);
        }
        return operands.get(0);
    }

    private static Map<String, Double> metrics(String spec) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (spec.isBlank()) {
            return metrics;
        }
        for (String pair : spec.split(",")) {
            String[] kv = pair.split("=", 2);
            try {
                metrics.put(kv[0].trim(), Double.parseDouble(kv[1].trim()));
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new UsageException(
                        "--metrics takes name=value pairs separated by commas, e.g. knn_top1=85.4; got " + pair);
            }
        }
        return metrics;
    }

    private static String formatMetrics(Map<String, Double> metrics) {
        return metrics.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4g", e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
