package com.intellidial.gateway.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders deploy/kubernetes (base and production overlay) with {@code kubectl kustomize} and checks
 * the fields that keep the gateway safe to run: probes on the actuator groups, a termination grace
 * period longer than the drain timeouts, resources, the HPA, the PDB, the NetworkPolicy ports,
 * the Secret references and a per-pod volume on the spill directory. Skips (with a message) when
 * kubectl is not installed; .ci/run installs it.
 */
class KubernetesManifestsTests {

    private static final String KUBECTL = "kubectl";

    @ParameterizedTest
    @ValueSource(strings = { "deploy/kubernetes/base", "deploy/kubernetes/overlays/production" })
    void renderedManifestsHaveTheKeyFields(String dir) throws Exception {
        List<Map<String, Object>> objects = render(dir);

        Map<String, Object> sts = only(objects, "StatefulSet");
        Map<String, Object> pod = map(map(sts, "spec", "template"), "spec");
        Map<String, Object> container = containers(pod).get(0);
        Map<String, String> config = configMap(only(objects, "ConfigMap"));

        // Probes on the actuator health groups.
        assertThat(map(container, "readinessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/readiness");
        assertThat(map(container, "livenessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");

        // Grace period longer than preStop + server shutdown phase + relay drain.
        long grace = ((Number) pod.get("terminationGracePeriodSeconds")).longValue();
        long shutdownPhase = seconds(config.get("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE"));
        long relayDrain = seconds(config.get("GATEWAY_WEBHOOKS_RELAY_DRAINTIMEOUT"));
        long preStop = ((Number) map(container, "lifecycle", "preStop", "sleep").get("seconds")).longValue();
        assertThat(grace).as("terminationGracePeriodSeconds").isGreaterThan(preStop + shutdownPhase + relayDrain);

        // Resources.
        Map<String, Object> resources = map(container, "resources");
        assertThat(map(resources, "requests")).containsKeys("cpu", "memory");
        assertThat(map(resources, "limits")).containsKeys("cpu", "memory");

        // HPA on CPU, targeting the StatefulSet.
        Map<String, Object> hpa = map(only(objects, "HorizontalPodAutoscaler"), "spec");
        assertThat(map(hpa, "scaleTargetRef")).containsEntry("kind", "StatefulSet")
            .containsEntry("name", map(sts, "metadata").get("name"));
        Map<String, Object> cpu = map(list(hpa, "metrics").get(0), "resource");
        assertThat(cpu.get("name")).isEqualTo("cpu");
        assertThat(((Number) map(cpu, "target").get("averageUtilization")).intValue()).isBetween(30, 90);
        assertThat(((Number) hpa.get("minReplicas")).intValue()).isGreaterThanOrEqualTo(2);

        // PDB over the same pods.
        Map<String, Object> pdb = map(only(objects, "PodDisruptionBudget"), "spec");
        assertThat(map(pdb, "selector", "matchLabels")).isEqualTo(map(sts, "spec", "selector", "matchLabels"));

        // Service on the container port.
        Map<String, Object> servicePort = list(map(only(objects, "Service"), "spec"), "ports").get(0);
        assertThat(servicePort.get("port")).isEqualTo(8080);

        // NetworkPolicy: ingress on the service port only; egress to DNS, PostgreSQL, Redis, Vault, HTTPS.
        Map<String, Object> policy = map(only(objects, "NetworkPolicy"), "spec");
        assertThat(KubernetesManifestsTests.<List<String>>cast(policy.get("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(ports(list(policy, "ingress"))).containsExactly(8080);
        assertThat(ports(list(policy, "egress"))).containsExactlyInAnyOrder(53, 53, 5432, 6379, 8200, 443);

        // Configuration from the ConfigMap, AppRole credentials from a Secret.
        assertThat(list(container, "envFrom")).anySatisfy(
                from -> assertThat(map(from, "configMapRef").get("name")).isEqualTo(map(only(objects, "ConfigMap"), "metadata").get("name")));
        assertThat(config).containsEntry("GATEWAY_SECRETS_BACKEND", "vault");
        assertThat(secretRef(container, "GATEWAY_SECRETS_VAULT_APPROLE_ROLEID")).isEqualTo("gateway-vault-approle/role-id");
        assertThat(secretRef(container, "GATEWAY_SECRETS_VAULT_APPROLE_SECRETID")).isEqualTo("gateway-vault-approle/secret-id");

        // The spill directory is a volume of its own per pod (volumeClaimTemplate), mounted where the gateway spills.
        String spillDir = config.get("GATEWAY_METERING_SPILLDIR");
        assertThat(spillDir).isNotBlank();
        Map<String, Object> mount = list(container, "volumeMounts").stream()
            .filter(m -> spillDir.equals(m.get("mountPath"))).findFirst().orElseThrow(
                    () -> new AssertionError("no volume mounted at the spill dir " + spillDir));
        assertThat(list(map(sts, "spec"), "volumeClaimTemplates")).extracting(t -> map(t, "metadata").get("name"))
            .contains(mount.get("name"));
    }

    /** kubectl's embedded kustomize understands these manifests (labels, patches) from 1.24 on. */
    private static void requireRecentKubectl() throws IOException, InterruptedException {
        Process version;
        try {
            version = new ProcessBuilder(KUBECTL, "version", "--client", "-o", "json").redirectErrorStream(true).start();
        }
        catch (IOException ex) {
            Assumptions.abort("kubectl is not installed (" + ex.getMessage() + "); .ci/run installs it when it can");
            throw ex;
        }
        String json = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor(30, TimeUnit.SECONDS);
        java.util.regex.Matcher minor = java.util.regex.Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)").matcher(json);
        Assumptions.assumeTrue(minor.find() && Integer.parseInt(minor.group(1)) >= 24,
                "kubectl 1.24 or later is needed to render the kustomizations; found: " + json.replace('\n', ' '));
    }

    private static List<Map<String, Object>> render(String dir) throws IOException, InterruptedException {
        requireRecentKubectl();
        Path root = locate(dir);
        Process process;
        try {
            process = new ProcessBuilder(KUBECTL, "kustomize", root.toString()).redirectErrorStream(false).start();
        }
        catch (IOException ex) {
            Assumptions.abort("kubectl is not installed (" + ex.getMessage() + "); .ci/run installs it: apt-get install -y kubectl");
            throw ex;
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize %s: %s", dir, err).isZero();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(new String(out, StandardCharsets.UTF_8))) {
            if (doc != null) {
                objects.add(cast(doc));
            }
        }
        return objects;
    }

    private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static Map<String, String> configMap(Map<String, Object> configMap) {
        Map<String, Object> data = map(configMap, "data");
        Map<String, String> values = new java.util.HashMap<>();
        data.forEach((k, v) -> values.put(k, String.valueOf(v)));
        return values;
    }

    private static List<Map<String, Object>> containers(Map<String, Object> pod) {
        return list(pod, "containers");
    }

    private static String secretRef(Map<String, Object> container, String variable) {
        Map<String, Object> env = list(container, "env").stream().filter(e -> variable.equals(e.get("name"))).findFirst()
            .orElseThrow(() -> new AssertionError(variable + " is not set"));
        Map<String, Object> ref = map(env, "valueFrom", "secretKeyRef");
        return ref.get("name") + "/" + ref.get("key");
    }

    private static List<Integer> ports(List<Map<String, Object>> rules) {
        List<Integer> ports = new ArrayList<>();
        for (Map<String, Object> rule : rules) {
            for (Map<String, Object> port : list(rule, "ports")) {
                ports.add(((Number) port.get("port")).intValue());
            }
        }
        return ports;
    }

    private static long seconds(String duration) {
        assertThat(duration).isNotNull();
        return Duration.parse("PT" + duration.toUpperCase(java.util.Locale.ROOT)).toSeconds();
    }

    private static Map<String, Object> map(Map<String, Object> node, String... path) {
        Map<String, Object> current = node;
        for (String key : path) {
            Object next = current.get(key);
            assertThat(next).as("field %s", key).isInstanceOf(Map.class);
            current = cast(next);
        }
        return current;
    }

    private static List<Map<String, Object>> list(Map<String, Object> node, String key) {
        Object value = node.get(key);
        assertThat(value).as("field %s", key).isInstanceOf(List.class);
        return cast(value);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
